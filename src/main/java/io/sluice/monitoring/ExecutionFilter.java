package io.sluice.monitoring;

import io.sluice.InvalidInputException;
import org.springframework.batch.core.BatchStatus;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which executions {@code status}, the REST API and the dashboard list: any of job, status, since,
 * until and parameter may be null; newest first, one page at a time.
 *
 * @param status         a Spring Batch status in upper case ({@code STARTED})
 * @param since          executions created at or after this wall-clock time of this process's zone, as the
 *                       job repository keeps times ({@link RepositoryTimes})
 * @param until          executions created before this wall-clock time, in the same zone
 * @param parameterName  executions with a job parameter of this name whose value is {@code parameterValue}
 *                       (both null, or both given)
 * @param parameterValue that parameter's value, exactly as stored
 * @param before         executions whose id is below this one (keyset paging in the id order: the last id of the
 *                       page before, as fast at any depth as the first page); null for no such bound. Not with
 *                       {@code since} or {@code until}, whose pages go in creation time's order
 * @param limit          the page size, at least 1
 * @param offset         how many of the newest matching executions to pass over
 */
public record ExecutionFilter(String job, String status, LocalDateTime since, LocalDateTime until, String parameterName,
                              String parameterValue, Long before, int limit, int offset) {

    /** A filter on job, status and since only. */
    public ExecutionFilter(String job, String status, LocalDateTime since, int limit, int offset) {
        this(job, status, since, null, null, null, null, limit, offset);
    }

    /** This filter for one page: {@code limit} executions after passing over {@code offset}. */
    public ExecutionFilter page(int limit, int offset) {
        return new ExecutionFilter(job, status, since, until, parameterName, parameterValue, before, limit, offset);
    }

    /**
     * This filter on the executions whose id is below {@code id}; null for no bound.
     *
     * @param option how the channel spells it ({@code --before}, {@code before}), for the message
     * @throws InvalidInputException with a time range, which pages in creation time's order, not the id's
     */
    public ExecutionFilter before(Long id, String option) {
        if (id != null && (since != null || until != null)) {
            throw new InvalidInputException(option + " pages by id, which a time range (since, until) does not follow: page it by number instead");
        }
        return new ExecutionFilter(job, status, since, until, parameterName, parameterValue, id, limit, offset);
    }

    /**
     * The filter of a channel's options as a user typed them: any of them null or blank for none.
     *
     * @param parameter a job parameter's {@code name=value}
     * @param prefix    how the channel spells its options ({@code --} for the CLI, empty for query parameters), for messages
     * @throws InvalidInputException naming the option that is wrong
     */
    public static ExecutionFilter parse(String job, String status, String since, String until, String parameter, String prefix,
                                        int limit, int offset) {
        String name = null;
        String value = null;
        if (parameter != null && !parameter.isBlank()) {
            int equals = parameter.indexOf('=');
            if (equals < 1) {
                throw new InvalidInputException(prefix + "parameter '" + parameter + "' is not name=value (store=/srv/runs)");
            }
            name = parameter.substring(0, equals).trim();
            value = parameter.substring(equals + 1);
            if (name.length() > 100 || value.length() > 2500) {
                throw new InvalidInputException(prefix + "parameter: a job parameter's name has at most 100 characters, its value at most 2,500");
            }
        }
        if (job != null && job.trim().length() > 100) {
            throw new InvalidInputException(prefix + "job: a job's name has at most 100 characters");
        }
        return new ExecutionFilter(job == null || job.isBlank() ? null : job.trim(), parseStatus(status, prefix + "status"),
                parseTime(since, prefix + "since"), parseTime(until, prefix + "until"), name, value, null, limit, offset);
    }

    /**
     * A Spring Batch status as a user typed it, in any case; null for null.
     *
     * @param option how the user gave it ({@code --status}, {@code status}), for the message
     * @throws InvalidInputException naming the statuses when it is none of them
     */
    public static String parseStatus(String status, String option) {
        if (status == null || status.isBlank()) {
            return null;
        }
        String upper = status.trim().toUpperCase(Locale.ROOT);
        if (Arrays.stream(BatchStatus.values()).noneMatch(known -> known.name().equals(upper))) {
            throw new InvalidInputException(option + " '" + status + "' is none of "
                    + Arrays.stream(BatchStatus.values()).map(BatchStatus::name).collect(Collectors.joining(", ")));
        }
        return upper;
    }

    /**
     * A time given as a duration back from now ({@code 2h}), a date-time in this machine's zone, a
     * date-time with an offset, or a date; as the wall-clock time of this zone that the job
     * repository's times are compared with. Null for null or blank.
     *
     * @param option how the user gave it ({@code --since}, {@code until}), for the message
     * @throws InvalidInputException for anything else
     */
    public static LocalDateTime parseTime(String time, String option) {
        if (time == null || time.isBlank()) {
            return null;
        }
        String text = time.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.matches("\\d+[smhd]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                Duration duration = switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                return LocalDateTime.now().minus(duration);
            }
            String given = time.trim();
            if (given.matches("\\d{4}-\\d{2}-\\d{2}")) {
                return LocalDate.parse(given).atStartOfDay();
            }
            if (given.matches(".*T.*([zZ]|[+-]\\d{2}(:?\\d{2})?)$")) {
                return OffsetDateTime.parse(given.toUpperCase(Locale.ROOT)).atZoneSameInstant(RepositoryTimes.zone()).toLocalDateTime();
            }
            return LocalDateTime.parse(given);
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            throw new InvalidInputException(option + " '" + time + "' is neither a time back from now like 2h,"
                    + " nor a date-time like 2026-11-24T08:00 or 2026-11-24T08:00Z, nor a date like 2026-11-24");
        }
    }
}
