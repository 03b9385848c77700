package io.sluice.monitoring;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * One job execution as {@code status} and {@code show} present it.
 *
 * @param store the store or input the execution worked on, when the job has one
 */
public record ExecutionView(long id, String job, String status, String exitCode, String exitDescription,
                            LocalDateTime created, LocalDateTime started, LocalDateTime ended, LocalDateTime lastUpdated,
                            long read, long written, long skipped, String store,
                            Map<String, String> parameters, List<StepView> steps, String rejectFile, Long rejectCount) {

    /** One step of an execution with Spring Batch's counts. */
    public record StepView(String name, String status, String exitCode, String exitDescription,
                           LocalDateTime started, LocalDateTime ended, long read, long written, long filtered,
                           long readSkipped, long processSkipped, long writeSkipped, long commits, long rollbacks) {

        public long skipped() {
            return readSkipped + processSkipped + writeSkipped;
        }
    }

    ExecutionView withDetail(Map<String, String> parameters, List<StepView> steps, String rejectFile, Long rejectCount) {
        return new ExecutionView(id, job, status, exitCode, exitDescription, created, started, ended, lastUpdated,
                read, written, skipped, store, parameters, steps, rejectFile, rejectCount);
    }
}
