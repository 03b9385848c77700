package io.sluice.migration.datawrangler;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.SeenKeys;
import io.sluice.batch.SourceRecord;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/** Validates one catalogue entry; an id the same catalogue listed before is rejected (the first is kept). */
class DatasetProcessor implements ItemProcessor<SourceRecord<CatalogueEntry>, Dataset> {

    private final SeenKeys seen = SeenKeys.rolledBackWithTransaction();

    @Override
    public Dataset process(SourceRecord<CatalogueEntry> record) {
        CatalogueEntry entry = record.value();
        Dataset dataset = DatasetParser.parse(entry.json(), entry.key(), entry.catalogue());
        if (!seen.add(dataset.id())) {
            throw new InvalidRecordException("duplicate dataset id '" + dataset.id() + "': " + entry.catalogue().file()
                    + " lists it more than once; the first was kept");
        }
        return dataset;
    }
}
