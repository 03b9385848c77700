package io.sluice.monitoring;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/**
 * One job execution as {@code status} and {@code show} present it. Times are at this process's
 * offset, to the millisecond ({@link RepositoryTimes}); {@code ended} is null while it runs.
 *
 * @param read       records read by this execution, over its steps (a partitioned step through its partitions)
 * @param written    records written by this execution, counted the same way
 * @param skipped    records skipped (rejected) by this execution, counted the same way
 * @param store      the store or input the execution worked on, when the job has one
 * @param restartOf  the execution of the same job instance that this one restarted, or null for a first attempt
 * @param parameters the job parameters by name, with {@code launchedAt} as an ISO-8601 time; null in a list
 * @param steps      the step executions in the order they started, each partitioned step before its
 *                   partitions; null in a list
 * @param rejectFile the reject file's absolute path; null (left out of JSON) in a list and when the execution rejected nothing
 * @param rejectCount how many lines the reject file holds; null (left out of JSON) when rejectFile is
 */
public record ExecutionView(long id, String job, String status, String exitCode, String exitDescription,
                            OffsetDateTime created, OffsetDateTime started, OffsetDateTime ended, OffsetDateTime lastUpdated,
                            long read, long written, long skipped, String store, Long restartOf,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, String> parameters,
                            @JsonInclude(JsonInclude.Include.NON_NULL) List<StepView> steps,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String rejectFile,
                            @JsonInclude(JsonInclude.Include.NON_NULL) Long rejectCount) {

    /**
     * One step of an execution with Spring Batch's counts. A partitioned step ({@code partitions > 0})
     * counts what its partitions ({@code <name>:part-1-of-2}, ...) did, also while they run.
     *
     * @param partitions how many partitions of this step this execution ran; 0 for a plain step or a partition
     * @param error      the root cause of the step's failure in one line ({@code PSQLException: ERROR: ...}),
     *                   or null when it did not fail with an exception
     */
    public record StepView(String name, String status, String exitCode, String exitDescription, String error,
                           OffsetDateTime started, OffsetDateTime ended, long read, long written, long filtered,
                           long readSkipped, long processSkipped, long writeSkipped, long commits, long rollbacks,
                           int partitions) {

        public long skipped() {
            return readSkipped + processSkipped + writeSkipped;
        }

        /** Whether this is a partition of a partitioned step ({@code <step>:part-1-of-2}). */
        @JsonIgnore
        public boolean isPartition() {
            return name.indexOf(':') > 0;
        }
    }

    /**
     * This execution with its exit description and its steps' without stack traces ({@link ErrorLines#readable}),
     * as pages and API answers show them.
     */
    public ExecutionView readable() {
        List<StepView> readableSteps = steps == null ? null : steps.stream().map(step -> new StepView(step.name(), step.status(),
                step.exitCode(), String.join("\n", ErrorLines.readable(step.exitDescription())), step.error(), step.started(), step.ended(),
                step.read(), step.written(), step.filtered(), step.readSkipped(), step.processSkipped(), step.writeSkipped(), step.commits(),
                step.rollbacks(), step.partitions())).toList();
        return new ExecutionView(id, job, status, exitCode, String.join("\n", ErrorLines.readable(exitDescription)), created, started, ended,
                lastUpdated, read, written, skipped, store, restartOf, parameters, readableSteps, rejectFile, rejectCount);
    }

    ExecutionView withDetail(Map<String, String> parameters, List<StepView> steps, String rejectFile, Long rejectCount) {
        return new ExecutionView(id, job, status, exitCode, exitDescription, created, started, ended, lastUpdated,
                read, written, skipped, store, restartOf, parameters, steps, rejectFile, rejectCount);
    }
}
