package io.sluice.execution;

import io.sluice.batch.StepProgress;
import org.springframework.batch.core.job.JobExecution;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * How far an execution has come, for the REST API and the dashboard: its newest step's counts, and,
 * when that step's reader publishes a {@link StepProgress} (bytes of a file, folders of a store, known
 * before it starts), the percentage done and an ETA at the rate so far.
 *
 * @param step          the newest step's name (a partitioned step's own name), or null before the first step
 * @param stepStatus    that step's Spring Batch status
 * @param percent       0 to 100 of the step's input read, or null when its total is not known
 * @param done          units of its input read ({@code unit}), or null with percent
 * @param total         units of its input in all, or null with percent
 * @param unit          {@code B} (bytes) or {@code folders}, or null with percent
 * @param read          items the step read so far
 * @param written       items it wrote
 * @param skipped       items it rejected
 * @param itemsPerSecond items read a second since the step started (0 before its first chunk)
 * @param elapsedMs     ms from the step's start to its end, or to now while it runs
 * @param etaSeconds    seconds left at the rate so far, or null when percent is, or before any progress
 */
public record ExecutionProgress(long executionId, String status, String step, String stepStatus, Double percent, Long done,
                                Long total, String unit, long read, long written, long skipped, double itemsPerSecond,
                                long elapsedMs, Long etaSeconds) {

    /** The progress of {@code execution} at {@code now}, a wall-clock time of the job repository's zone. */
    static ExecutionProgress of(JobExecution execution, LocalDateTime now) {
        String status = execution.getStatus().name();
        RunningStep step = RunningStep.of(execution);
        if (step == null) {
            return new ExecutionProgress(execution.getId(), status, null, null, null, null, null, null, 0, 0, 0, 0, 0, null);
        }
        LocalDateTime until = step.endTime() != null ? step.endTime() : now;
        long elapsedMs = step.startTime() == null ? 0 : Math.max(0, Duration.between(step.startTime(), until).toMillis());
        double itemsPerSecond = elapsedMs == 0 ? 0 : step.readCount() * 1000.0 / elapsedMs;
        StepProgress progress = step.progress();
        if (progress == null || progress.total() <= 0) {
            return new ExecutionProgress(execution.getId(), status, step.name(), step.status(), null, null, null, null, step.readCount(),
                    step.writeCount(), step.skipCount(), itemsPerSecond, elapsedMs, null);
        }
        double fraction = Math.min(1.0, (double) progress.done() / progress.total());
        Long eta = progress.done() == 0 || elapsedMs == 0 ? null
                : Math.round((progress.total() - progress.done()) * (elapsedMs / 1000.0) / progress.done());
        return new ExecutionProgress(execution.getId(), status, step.name(), step.status(), Math.round(fraction * 1000) / 10.0,
                progress.done(), progress.total(), progress.unit(), step.readCount(), step.writeCount(), step.skipCount(), itemsPerSecond,
                elapsedMs, execution.isRunning() ? eta : null);
    }
}
