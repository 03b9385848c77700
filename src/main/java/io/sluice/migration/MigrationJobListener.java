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
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Gives a completed migration an exit status that tells whether records were rejected, and a
 * description that sums up what this execution inserted, updated, found unchanged and rejected
 * (what it would have, on a dry run). A restart says which execution it restarted and adds what
 * all attempts of the job instance did together: {@code restart of execution 12: inserted 500, ...;
 * all attempts together: inserted 1000, ...}. Whether the job completed with rejects counts all attempts.
 * Each note a step left ({@link StoreMigration#SUMMARY_NOTE}) follows on a line of its own.
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
        List<JobExecution> earlier = jobRepository.getJobExecutions(jobExecution.getJobInstance()).stream()
                .filter(attempt -> attempt.getId() < jobExecution.getId())
                .sorted(Comparator.comparingLong(JobExecution::getId).reversed())
                .toList();
        Counts done = Counts.ZERO;
        for (StepExecution step : jobExecution.getStepExecutions()) {
            done = done.plus(Counts.of(step)).minus(inherited(step, earlier));
        }
        Counts all = Counts.ZERO;
        StringBuilder notes = new StringBuilder();
        for (StepExecution step : lastOfEachStep(jobExecution, earlier)) {
            all = all.plus(Counts.of(step));
            String note = step.getExecutionContext().getString(StoreMigration.SUMMARY_NOTE, null);
            if (note != null) {
                notes.append('\n').append(note);
            }
        }
        RejectFile rejects = rejectFiles.release(jobExecution.getId());
        boolean dryRun = Boolean.parseBoolean(jobExecution.getJobParameters().getString(MigrationParameters.DRY_RUN));
        String summary = (dryRun ? "dry run, nothing changed: " : "") + done.text(dryRun)
                + (rejects.count() > 0 ? " (see " + rejects.path() + ")" : "")
                + (earlier.isEmpty() ? "" : "; all attempts together: " + all.text(dryRun)) + notes;
        for (String notice : SourceChange.notices(jobExecution.getStepExecutions())) {
            summary += "\n" + notice;
        }
        String restart = earlier.isEmpty() ? "" : "restart of execution " + earlier.get(0).getId() + ": ";
        if (jobExecution.getStatus() == BatchStatus.COMPLETED) {
            String code = all.rejected() > 0 ? COMPLETED_WITH_REJECTS : ExitStatus.COMPLETED.getExitCode();
            jobExecution.setExitStatus(new ExitStatus(code, restart + summary));
        } else if (jobExecution.getStatus() == BatchStatus.STOPPED) {
            jobExecution.setExitStatus(new ExitStatus(ExitStatus.STOPPED.getExitCode(), restart + "stopped on request; so far " + summary));
        } else {
            jobExecution.setExitStatus(jobExecution.getExitStatus().addExitDescription(restart + summary));
        }
    }

    /**
     * The counts a restarted step took over: Spring Batch gives a step the execution context of its
     * newest earlier execution when that one did not complete, {@link io.sluice.batch.RerunOnRestart}
     * gives a completed one's to a load step it runs again, and the counts live in that context.
     */
    private static Counts inherited(StepExecution step, List<JobExecution> earlierNewestFirst) {
        for (JobExecution attempt : earlierNewestFirst) {
            for (StepExecution before : attempt.getStepExecutions()) {
                if (before.getStepName().equals(step.getStepName())) {
                    return Counts.of(before);
                }
            }
        }
        return Counts.ZERO;
    }

    /** This execution's steps, and those only an earlier attempt of the same instance ran. */
    private static Collection<StepExecution> lastOfEachStep(JobExecution jobExecution, List<JobExecution> earlier) {
        Map<String, StepExecution> last = new HashMap<>();
        for (JobExecution attempt : earlier) {
            for (StepExecution step : attempt.getStepExecutions()) {
                last.merge(step.getStepName(), step, (a, b) -> a.getId() > b.getId() ? a : b);
            }
        }
        jobExecution.getStepExecutions().forEach(step -> last.put(step.getStepName(), step));
        return last.values();
    }

    /** What load steps did to the target, as {@link WriteCounts} keeps it in their execution contexts. */
    private record Counts(long inserted, long updated, long unchanged, long rejected) {

        static final Counts ZERO = new Counts(0, 0, 0, 0);

        static Counts of(StepExecution step) {
            ExecutionContext context = step.getExecutionContext();
            return new Counts(context.getLong(WriteCounts.INSERTED, 0L), context.getLong(WriteCounts.UPDATED, 0L),
                    context.getLong(WriteCounts.UNCHANGED, 0L), context.getLong(WriteCounts.REJECTED, 0L));
        }

        Counts plus(Counts other) {
            return new Counts(inserted + other.inserted, updated + other.updated, unchanged + other.unchanged, rejected + other.rejected);
        }

        Counts minus(Counts other) {
            return new Counts(inserted - other.inserted, updated - other.updated, unchanged - other.unchanged, rejected - other.rejected);
        }

        String text(boolean dryRun) {
            return (dryRun ? "would insert " : "inserted ") + inserted + (dryRun ? ", would update " : ", updated ") + updated
                    + ", unchanged " + unchanged + ", rejected " + rejected;
        }
    }
}
