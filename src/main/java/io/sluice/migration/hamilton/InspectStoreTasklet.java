package io.sluice.migration.hamilton;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * The job's first step: inspects the Hamilton store again (it may have changed since the job was
 * built, or the job is a restart) and says in its exit description how many rows each table holds,
 * and what is not migrated: Hamilton's {@code jobs} table, its own job history, which has no place
 * in the target schema.
 */
final class InspectStoreTasklet implements Tasklet {

    private final HamiltonStore store;

    InspectStoreTasklet(HamiltonStore store) {
        this.store = store;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription(store.inspect().describe()));
        return RepeatStatus.FINISHED;
    }
}
