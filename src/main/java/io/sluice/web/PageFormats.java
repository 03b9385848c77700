package io.sluice.web;

import io.sluice.monitoring.ExecutionView;
import io.sluice.monitoring.RepositoryTimes;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * How the dashboard's pages write times, durations and counts, as {@code ${fmt.time(...)}} in every
 * page's model: times in this machine's zone as {@code status} prints them, durations as
 * {@code 1 h 02 min}, {@code 3.4 s}, counts with thousands separated; and {@code ${operator}}, whether
 * the page offers actions.
 */
@ControllerAdvice(assignableTypes = DashboardController.class)
@ConditionalOnWebApplication
class PageFormats {

    private final boolean open;

    PageFormats(ServeSecurity.Users users) {
        this.open = users.users().isEmpty(); // on loopback without users anyone here may act, as with the CLI
    }

    @ModelAttribute("fmt")
    PageFormats fmt() {
        return this;
    }

    /** Whether the page offers actions (Run now, Stop, Restart...): to an operator, or to anyone when serve has no users. */
    @ModelAttribute("operator")
    boolean operator(HttpServletRequest request) {
        return open || request.isUserInRole(ServeSecurity.OPERATOR);
    }

    /** {@code 2026-11-24 08:00:00 UTC}, or empty for null. */
    public String time(OffsetDateTime time) {
        return time == null ? "" : RepositoryTimes.textWithZone(time);
    }

    /** {@code 2026-11-24 08:00:00}, or empty for null. */
    public String instant(Instant instant) {
        return instant == null ? "" : RepositoryTimes.text(instant) + " " + RepositoryTimes.zoneName();
    }

    /** How long an execution ran, or has run so far; empty before it started. */
    public String duration(ExecutionView execution) {
        if (execution == null || execution.started() == null) {
            return "";
        }
        OffsetDateTime end = execution.ended() != null ? execution.ended() : OffsetDateTime.now();
        return duration(Duration.between(execution.started(), end).toMillis());
    }

    /** {@code 850 ms}, {@code 3.4 s}, {@code 2 min 05 s}, {@code 1 h 02 min}. */
    public String duration(long ms) {
        if (ms < 1000) {
            return ms + " ms";
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        long seconds = ms / 1000;
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", seconds / 3600, seconds % 3600 / 60);
    }

    /** {@code 1,234,567}. */
    public String count(long count) {
        return String.format(Locale.ROOT, "%,d", count);
    }

    /** A CSS class for a Spring Batch status: {@code status-completed}. */
    public String statusClass(String status) {
        return status == null ? "" : "status status-" + status.toLowerCase(Locale.ROOT);
    }
}
