package io.sluice.batch;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilderHelper;

/**
 * Makes a load step that completed in an earlier execution of its job instance run again when the
 * instance is restarted, from where it ended (Spring Batch would skip it, or start it over from
 * nothing). Its readers then find their source as they left it and read nothing, or find that it
 * changed since (a rewritten {@code index.json}, a new workflow file) and read it again from the
 * start ({@link SourceChange}), so that a restart never verifies against a source it did not load.
 */
public final class RerunOnRestart implements StepExecutionListener {

    private final JobRepository jobRepository;

    private RerunOnRestart(JobRepository jobRepository) {
        this.jobRepository = jobRepository;
    }

    /** The step, made to run again on restart with the state it completed with. */
    public static <B extends StepBuilderHelper<B>> B apply(B step, JobRepository jobRepository) {
        step.allowStartIfComplete(true);
        step.listener(new RerunOnRestart(jobRepository));
        return step;
    }

    @Override
    public void beforeStep(StepExecution step) {
        StepExecution previous = null;
        for (JobExecution attempt : jobRepository.getJobExecutions(step.getJobExecution().getJobInstance())) {
            if (attempt.getId() == step.getJobExecutionId()) {
                continue;
            }
            for (StepExecution earlier : attempt.getStepExecutions()) {
                if (earlier.getStepName().equals(step.getStepName()) && (previous == null || earlier.getId() > previous.getId())) {
                    previous = earlier;
                }
            }
        }
        if (previous != null && previous.getStatus() == BatchStatus.COMPLETED) {
            // a failed or stopped one's state Spring Batch hands on itself; a completed one's it drops
            previous.getExecutionContext().entrySet().forEach(entry -> step.getExecutionContext().put(entry.getKey(), entry.getValue()));
            jobRepository.updateExecutionContext(step);
        }
    }
}
