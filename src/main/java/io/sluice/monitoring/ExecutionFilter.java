package io.sluice.monitoring;

import java.time.LocalDateTime;

/** Which executions {@code status} lists: any field may be null; newest first, one page at a time. */
public record ExecutionFilter(String job, String status, LocalDateTime since, int limit, int offset) {
}
