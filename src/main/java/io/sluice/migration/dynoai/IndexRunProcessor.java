package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.SeenKeys;
import io.sluice.batch.SourceRecord;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import tools.jackson.databind.JsonNode;

/** Validates one run of {@code index.json}; a run id seen before in the same index is rejected. */
class IndexRunProcessor implements ItemProcessor<SourceRecord<JsonNode>, Run> {

    private final SeenKeys seen = SeenKeys.rolledBackWithTransaction();

    @Override
    public Run process(SourceRecord<JsonNode> record) {
        Run run = RunStateParser.parse(record.value());
        if (!seen.add(run.id())) {
            throw new InvalidRecordException("duplicate run_id '" + run.id() + "': the index lists it more than once; the first was kept");
        }
        return run;
    }
}
