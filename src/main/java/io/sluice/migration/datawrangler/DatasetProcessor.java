package io.sluice.migration.datawrangler;

import io.sluice.migration.InvalidRecordException;
import io.sluice.migration.SeenKeys;
import io.sluice.migration.SourceRecord;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStream;

/**
 * Validates one catalogue entry; an id the same catalogue listed before is rejected (the first is
 * kept). When its step runs again after a lost chunk (opened again), it forgets the ids of chunks not committed.
 */
class DatasetProcessor implements ItemProcessor<SourceRecord<CatalogueEntry>, Dataset>, ItemStream {

    private final SeenKeys seen = new SeenKeys();

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

    @Override
    public void open(ExecutionContext context) {
        seen.rewind();
    }

    @Override
    public void update(ExecutionContext context) {
        seen.checkpointOnCommit();
    }
}
