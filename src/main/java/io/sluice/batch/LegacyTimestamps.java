package io.sluice.batch;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;

/**
 * Reads the timestamps the legacy tools wrote: ISO-8601 with {@code Z}, with an offset, or with no
 * zone at all (taken as UTC, as the Python tools wrote {@code datetime.utcnow()}), with or without
 * fractions, and SQLite's {@code 2025-11-07 16:00:39.807751}. Kept to microseconds, in UTC.
 */
public final class LegacyTimestamps {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM:ss", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHmm", "Z").optionalEnd()
            .toFormatter();

    private LegacyTimestamps() {
    }

    /** The instant, or an {@link InvalidRecordException} naming the field. */
    public static OffsetDateTime parse(String field, String text) {
        OffsetDateTime common = parseCommon(text);
        if (common != null) {
            return common;
        }
        try {
            var parsed = FORMAT.parseBest(text.trim(), OffsetDateTime::from, LocalDateTime::from);
            OffsetDateTime time = parsed instanceof OffsetDateTime offset ? offset : ((LocalDateTime) parsed).atOffset(ZoneOffset.UTC);
            return time.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        } catch (DateTimeParseException e) {
            throw new InvalidRecordException(field + " '" + JsonFields.abbreviate(text) + "' is not a timestamp (expected ISO-8601)");
        }
    }

    /**
     * The shape nearly every record holds, {@code 2025-01-01T00:00:42.000Z} (fraction of 0 to 9
     * digits, or none), read by hand: the general formatter's optional sections cost more than the
     * rest of a record's validation. Null for anything else, which the formatter then reads (and
     * rejects with the usual message); equal results either way.
     */
    private static OffsetDateTime parseCommon(String text) {
        int n = text.length();
        if (n < 20 || n > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || (text.charAt(10) != 'T' && text.charAt(10) != 't')
                || text.charAt(13) != ':' || text.charAt(16) != ':' || (text.charAt(n - 1) != 'Z' && text.charAt(n - 1) != 'z')) {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (n > 20) {
            if (text.charAt(19) != '.' || n - 21 > 9 || n - 21 < 1) {
                return null;
            }
            int fraction = digits(text, 20, n - 1);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction;
            for (int i = n - 21; i < 9; i++) {
                nanos *= 10;
            }
        }
        if ((year | month | day | hour | minute | second) < 0 || month < 1 || month > 12 || day < 1
                || day > YearMonth.of(year, month).lengthOfMonth() || hour > 23 || minute > 59 || second > 59) {
            return null;
        }
        return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** The decimal value of text[from, to), or -1 when it is not all ASCII digits. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
