package io.sluice.monitoring;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * The times of the job repository as {@code status} and {@code show} give them. Spring Batch keeps
 * them without a zone, in the wall-clock time of the process that ran the job; they are read in
 * this process's zone ({@code TZ}, the same machine's zone in the usual case), given to scripts as
 * ISO-8601 with that zone's offset ({@code 2026-12-02T16:20:00.123Z}, {@code ...+01:00}), and to
 * people as {@code 2026-12-02 16:20:00} with the zone's abbreviation.
 */
public final class RepositoryTimes {

    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    private static final DateTimeFormatter TEXT_WITH_MILLIS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS", Locale.ROOT);
    /** ISO-8601 with the offset, always to the millisecond: {@code 2026-12-02T16:20:00.120Z}, {@code ...+01:00}. */
    static final String ISO_PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern(ISO_PATTERN, Locale.ROOT);
    private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("zzz", Locale.ROOT);

    private RepositoryTimes() {
    }

    /** The zone the repository's times are read in: this process's default zone. */
    public static ZoneId zone() {
        return ZoneId.systemDefault();
    }

    /** A repository time (null stays null) at this zone's offset, to the millisecond. */
    static OffsetDateTime of(Timestamp timestamp) {
        return timestamp == null ? null : of(timestamp.toLocalDateTime());
    }

    /** A wall-clock time of this zone (null stays null) at its offset, to the millisecond. */
    public static OffsetDateTime of(LocalDateTime time) {
        return time == null ? null : time.atZone(zone()).toOffsetDateTime().truncatedTo(ChronoUnit.MILLIS);
    }

    /** Epoch milliseconds (such as the {@code launchedAt} parameter) at this zone's offset. */
    static OffsetDateTime ofEpochMillis(long millis) {
        return Instant.ofEpochMilli(millis).atZone(zone()).toOffsetDateTime();
    }

    /** {@code 2026-12-02T16:20:00.120Z}: ISO-8601 with the offset, to the millisecond. */
    static String iso(OffsetDateTime time) {
        return ISO.format(time);
    }

    /** {@code 2026-12-02 16:20:00}, or {@code -} for no time, in this zone. */
    static String text(OffsetDateTime time) {
        return time == null ? "-" : TEXT.format(time.atZoneSameInstant(zone()));
    }

    /** {@code 2026-12-02 16:20:00 UTC}: the time with its zone's abbreviation, or {@code -}. */
    public static String textWithZone(OffsetDateTime time) {
        if (time == null) {
            return "-";
        }
        ZonedDateTime zoned = time.atZoneSameInstant(zone());
        return TEXT.format(zoned) + " " + ZONE_NAME.format(zoned);
    }

    /** {@code 2026-12-02 16:20:00.123 UTC}: to the millisecond, with the zone's abbreviation. */
    static String textWithMillisAndZone(OffsetDateTime time) {
        ZonedDateTime zoned = time.atZoneSameInstant(zone());
        return TEXT_WITH_MILLIS.format(zoned) + " " + ZONE_NAME.format(zoned);
    }

    /** {@code 2026-12-02 16:20:00} in this zone, or {@code -} for no time. */
    public static String text(Instant instant) {
        return instant == null ? "-" : TEXT.format(instant.atZone(zone()));
    }

    /** The abbreviation of this zone now ({@code UTC}, {@code CET}), for a column header. */
    public static String zoneName() {
        return ZONE_NAME.format(ZonedDateTime.now(zone()));
    }
}
