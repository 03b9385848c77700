package io.sluice.migration;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

/**
 * Gives a completed migration an exit status that tells whether records were rejected, and a
 * description that sums up what was inserted, updated and rejected (what would be, on a dry run).
 */
@Component
class MigrationJobListener implements JobExecutionListener {

    static final String COMPLETED_WITH_REJECTS = "COMPLETED_WITH_REJECTS";

    private final RejectFiles rejectFiles;

    MigrationJobListener(RejectFiles rejectFiles) {
        this.rejectFiles = rejectFiles;
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        long inserted = 0;
        long updated = 0;
        long unchanged = 0;
        for (StepExecution step : jobExecution.getStepExecutions()) {
            inserted += step.getExecutionContext().getLong(WriteCounts.INSERTED, 0L);
            updated += step.getExecutionContext().getLong(WriteCounts.UPDATED, 0L);
            unchanged += step.getExecutionContext().getLong(WriteCounts.UNCHANGED, 0L);
        }
        RejectFile rejects = rejectFiles.release(jobExecution.getId());
        boolean dryRun = Boolean.parseBoolean(jobExecution.getJobParameters().getString(MigrationParameters.DRY_RUN));
        String summary = (dryRun ? "dry run, nothing changed: would insert " : "inserted ") + inserted
                + (dryRun ? ", would update " : ", updated ") + updated + ", unchanged " + unchanged
                + ", rejected " + rejects.count() + (rejects.count() > 0 ? " (see " + rejects.path() + ")" : "");
        if (jobExecution.getStatus() == BatchStatus.COMPLETED) {
            String code = rejects.count() > 0 ? COMPLETED_WITH_REJECTS : ExitStatus.COMPLETED.getExitCode();
            jobExecution.setExitStatus(new ExitStatus(code, summary));
        } else {
            jobExecution.setExitStatus(jobExecution.getExitStatus().addExitDescription(summary));
        }
    }
}
