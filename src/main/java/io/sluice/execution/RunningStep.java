package io.sluice.execution;

import io.sluice.batch.StepProgress;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.step.StepExecution;

import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The newest step of an execution, its partitions ({@code <step>:part-1-of-2}, ...) added up when it
 * is partitioned: their counts summed, their progress the mean of theirs (each reads the whole file,
 * keeping its own records). A step that is not partitioned is its only partition.
 *
 * @param progress  how far its reader has come, or null when the reader publishes nothing
 * @param startTime when its first partition started, in the job repository's wall-clock time, or null
 * @param endTime   when its last partition ended, or null while one runs
 */
public record RunningStep(String name, String status, long readCount, long writeCount, long skipCount, long commitCount,
                          StepProgress progress, LocalDateTime startTime, LocalDateTime endTime) {

    /** The newest step of {@code execution}, or null before its first step. */
    public static RunningStep of(JobExecution execution) {
        List<StepExecution> steps = List.copyOf(execution.getStepExecutions());
        StepExecution newest = steps.stream()
                .max(Comparator.comparing(StepExecution::getId, Comparator.nullsFirst(Comparator.naturalOrder())))
                .orElse(null);
        if (newest == null) {
            return null;
        }
        int colon = newest.getStepName().indexOf(':');
        String name = colon < 0 ? newest.getStepName() : newest.getStepName().substring(0, colon);
        List<StepExecution> parts = colon < 0 ? List.of(newest)
                : steps.stream().filter(step -> step.getStepName().startsWith(name + ":")).toList();
        List<StepProgress> progress = parts.stream().map(StepProgress::of).filter(Objects::nonNull).toList();
        return new RunningStep(name, newest.getStatus().name(),
                parts.stream().mapToLong(StepExecution::getReadCount).sum(),
                parts.stream().mapToLong(StepExecution::getWriteCount).sum(),
                parts.stream().mapToLong(StepExecution::getSkipCount).sum(),
                parts.stream().mapToLong(StepExecution::getCommitCount).sum(),
                progress.isEmpty() ? null : new StepProgress(progress.stream().mapToLong(StepProgress::done).sum() / progress.size(),
                        progress.stream().mapToLong(StepProgress::total).sum() / progress.size(), progress.get(0).unit()),
                parts.stream().map(StepExecution::getStartTime).filter(Objects::nonNull).min(Comparator.naturalOrder())
                        .orElse(null),
                parts.stream().anyMatch(part -> part.getEndTime() == null) ? null
                        : parts.stream().map(StepExecution::getEndTime).max(Comparator.naturalOrder()).orElse(null));
    }
}
