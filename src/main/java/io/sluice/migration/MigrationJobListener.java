package io.sluice.migration;

import io.sluice.batch.RejectFile;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.SourceChange;
import io.sluice.batch.WriteCounts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Gives a completed migration an exit status that tells whether records were rejected, and a
 * description that sums up what was inserted, updated, unchanged and rejected (what would be, on
 * a dry run). The sums cover the whole job instance: after a restart, the steps an earlier attempt
 * completed count with their last execution.
 */
@Component
class MigrationJobListener implements JobExecutionListener {

    static final String COMPLETED_WITH_REJECTS = "COMPLETED_WITH_REJECTS";

    private final RejectFiles rejectFiles;
    private final JobRepository jobRepository;

    MigrationJobListener(RejectFiles rejectFiles, JobRepository jobRepository) {
        this.rejectFiles = rejectFiles;
        this.jobRepository = jobRepository;
    }

    @Override
    public void afterJob(JobExecution jobExecution) {
        long inserted = 0;
        long updated = 0;
        long unchanged = 0;
        long rejected = 0;
        StringBuilder notes = new StringBuilder();
        for (StepExecution step : lastOfEachStep(jobExecution)) {
            String note = step.getExecutionContext().getString(StoreMigration.SUMMARY_NOTE, null);
            if (note != null) {
                notes.append('\n').append(note);
            }
            inserted += step.getExecutionContext().getLong(WriteCounts.INSERTED, 0L);
            updated += step.getExecutionContext().getLong(WriteCounts.UPDATED, 0L);
            unchanged += step.getExecutionContext().getLong(WriteCounts.UNCHANGED, 0L);
            rejected += step.getExecutionContext().getLong(WriteCounts.REJECTED, 0L);
        }
        RejectFile rejects = rejectFiles.release(jobExecution.getId());
        boolean dryRun = Boolean.parseBoolean(jobExecution.getJobParameters().getString(MigrationParameters.DRY_RUN));
        String summary = (dryRun ? "dry run, nothing changed: would insert " : "inserted ") + inserted
                + (dryRun ? ", would update " : ", updated ") + updated + ", unchanged " + unchanged
                + ", rejected " + rejected + (rejects.count() > 0 ? " (see " + rejects.path() + ")" : "") + notes;
        for (String notice : SourceChange.notices(jobExecution.getStepExecutions())) {
            summary += "\n" + notice;
        }
        if (jobExecution.getStatus() == BatchStatus.COMPLETED) {
            String code = rejected > 0 ? COMPLETED_WITH_REJECTS : ExitStatus.COMPLETED.getExitCode();
            jobExecution.setExitStatus(new ExitStatus(code, summary));
        } else if (jobExecution.getStatus() == BatchStatus.STOPPED) {
            jobExecution.setExitStatus(new ExitStatus(ExitStatus.STOPPED.getExitCode(), "stopped on request; so far " + summary));
        } else {
            jobExecution.setExitStatus(jobExecution.getExitStatus().addExitDescription(summary));
        }
    }

    /** This execution's steps, and those only an earlier attempt of the same instance ran. */
    private Collection<StepExecution> lastOfEachStep(JobExecution jobExecution) {
        Map<String, StepExecution> last = new HashMap<>();
        for (JobExecution attempt : jobRepository.getJobExecutions(jobExecution.getJobInstance())) {
            Collection<StepExecution> steps = attempt.getId() == jobExecution.getId()
                    ? jobExecution.getStepExecutions() : attempt.getStepExecutions();
            for (StepExecution step : steps) {
                last.merge(step.getStepName(), step, (a, b) -> a.getId() > b.getId() ? a : b);
            }
        }
        return last.values();
    }
}
