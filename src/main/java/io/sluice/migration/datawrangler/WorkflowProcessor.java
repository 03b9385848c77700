package io.sluice.migration.datawrangler;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.SourceRecord;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Validates one workflow file: an unreadable or invalid workflow is skipped into the reject file as
 * a whole; a bad node or edge is written to the reject file on its own and the rest goes on.
 */
class WorkflowProcessor implements ItemProcessor<SourceRecord<WorkflowFile>, Workflow> {

    private final RejectFiles rejectFiles;

    WorkflowProcessor(RejectFiles rejectFiles) {
        this.rejectFiles = rejectFiles;
    }

    @Override
    public Workflow process(SourceRecord<WorkflowFile> record) {
        WorkflowFile file = record.value();
        if (file.fault() != null) {
            throw new InvalidRecordException(file.fault());
        }
        return WorkflowParser.parse(file.id(), file.json(),
                (location, reason, raw) -> rejectFiles.current().reject(record.file(), location, reason, raw));
    }
}
