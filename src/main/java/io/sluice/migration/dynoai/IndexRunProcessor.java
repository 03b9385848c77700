package io.sluice.migration.dynoai;

import io.sluice.migration.InvalidRecordException;
import io.sluice.migration.SeenKeys;
import io.sluice.migration.SourceRecord;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemStream;
import tools.jackson.databind.JsonNode;

/**
 * Validates one run of {@code index.json}; a run id seen before in the same index is rejected. When
 * its step runs again after a lost chunk (opened again), it forgets the ids of chunks not committed.
 */
class IndexRunProcessor implements ItemProcessor<SourceRecord<JsonNode>, Run>, ItemStream {

    private final SeenKeys seen = new SeenKeys();

    @Override
    public Run process(SourceRecord<JsonNode> record) {
        Run run = RunStateParser.parse(record.value());
        if (!seen.add(run.id())) {
            throw new InvalidRecordException("duplicate run_id '" + run.id() + "': the index lists it more than once; the first was kept");
        }
        return run;
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
