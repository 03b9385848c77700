package io.sluice.batch;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/** Runs a verification tasklet, except on a dry run, where nothing was written to verify. */
public final class SkipOnDryRun implements Tasklet {

    private final Tasklet verification;

    public SkipOnDryRun(Tasklet verification) {
        this.verification = verification;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        if (DryRun.requested(contribution.getStepExecution().getJobParameters())) {
            contribution.setExitStatus(contribution.getExitStatus().addExitDescription("dry run: nothing written, nothing to verify"));
            return RepeatStatus.FINISHED;
        }
        return verification.execute(contribution, chunkContext);
    }
}
