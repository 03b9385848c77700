package io.sluice.monitoring;

import java.time.LocalDateTime;

/**
 * Which executions {@code status} lists: any of job, status and since may be null; newest first,
 * one page at a time.
 *
 * @param status a Spring Batch status in upper case ({@code STARTED})
 * @param since  executions created at or after this wall-clock time of this process's zone, as the
 *               job repository keeps times ({@link RepositoryTimes})
 * @param limit  the page size, at least 1
 * @param offset how many of the newest matching executions to pass over
 */
public record ExecutionFilter(String job, String status, LocalDateTime since, int limit, int offset) {
}
