package io.sluice.workflow;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.Temporal;

/**
 * How the workflow engine compares, tests and computes with row values (String, Long, Double,
 * Boolean, BigDecimal, LocalDate, LocalDateTime or null), the way pandas does with its columns, and
 * how dates and timestamps are read from and written as text.
 */
final class Values {

    private static final java.util.regex.Pattern ISO_TIMESTAMP = java.util.regex.Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?");
    private static final java.time.format.DateTimeFormatter SECONDS = java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss");

    private Values() {
    }

    /**
     * The order of two non-null values: numbers by value (a whole number and a float compare as
     * numbers), text by UTF-16 code units as Python compares ASCII text, booleans false first.
     *
     * Decimals compare exactly with whole numbers and decimals, as floats with floats. Dates and
     * timestamps compare in time (a date as its midnight), and with text that is an ISO date or
     * timestamp as pandas compares a {@code datetime64} column with a string.
     *
     * @return negative, zero or positive; null when the two cannot be compared (text with a number,
     *         a date with text that is not an ISO date or timestamp)
     */
    static Integer compare(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof BigDecimal || b instanceof BigDecimal) {
            BigDecimal x = exact(a);
            BigDecimal y = exact(b);
            if (x != null && y != null) {
                return x.compareTo(y);
            }
        }
        if (a instanceof Temporal || b instanceof Temporal) {
            LocalDateTime x = instant(a);
            LocalDateTime y = instant(b);
            return x == null || y == null ? null : x.compareTo(y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof Boolean x && b instanceof Boolean y) {
            return Boolean.compare(x, y);
        }
        return null;
    }

    /** A whole number or decimal as a BigDecimal; null for anything else (a float included). */
    private static BigDecimal exact(Object value) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        return value instanceof Long l ? BigDecimal.valueOf(l) : null;
    }

    /** A date (as its midnight), a timestamp, or text that is an ISO date or timestamp, as a timestamp; else null. */
    private static LocalDateTime instant(Object value) {
        if (value instanceof LocalDateTime t) {
            return t;
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        return value instanceof String text ? parseTimestamp(text) : null;
    }

    /** Whether {@code text} is an ISO date, {@code 2024-01-31}, of a day that exists. */
    static boolean isDate(String text) {
        return parseDate(text) != null;
    }

    /** Whether {@code text} is an ISO timestamp ({@code 2024-01-31T10:00:00} or with a space, seconds and a fraction optional) of a time that exists. */
    static boolean isTimestamp(String text) {
        return text.length() > 10 && parseTimestamp(text) != null;
    }

    /** An ISO date ({@code 2024-01-31}) as a LocalDate; null when {@code text} is not one or names no day (2024-02-30). */
    static LocalDate parseDate(String text) {
        // by hand: a CSV date column is parsed once a row, and a regular expression and java.time's parser cost ~1 µs each
        if (text.length() != 10 || text.charAt(4) != '-' || text.charAt(7) != '-') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        return LocalDate.of(year, month, day);
    }

    /** The number the ASCII digits of {@code text} from {@code start} to {@code end} (exclusive) make; -1 when one is no digit. */
    private static int digits(String text, int start, int end) {
        int number = 0;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            number = number * 10 + (c - '0');
        }
        return number;
    }

    /**
     * An ISO date or timestamp as a LocalDateTime (a date as its midnight): {@code 2024-01-31},
     * {@code 2024-01-31T10:00}, {@code 2024-01-31 10:00:00}, {@code 2024-01-31T10:00:00.123456}; no
     * offset or zone. Null when {@code text} is not one of these forms or names no time.
     */
    static LocalDateTime parseTimestamp(String text) {
        if (text.length() == 10) {
            LocalDate date = parseDate(text);
            return date == null ? null : date.atStartOfDay();
        }
        if (text.length() < 16 || text.length() > 29 || !ISO_TIMESTAMP.matcher(text).matches()) {
            return null;
        }
        try {
            return LocalDateTime.parse(text.charAt(10) == ' ' ? text.substring(0, 10) + 'T' + text.substring(11) : text);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /**
     * A decimal, date or timestamp as text: a decimal's plain digits ({@code 1.10}, never {@code 1E+3}),
     * a date {@code 2024-01-31}, a timestamp as pandas' {@code to_csv} writes one,
     * {@code 2024-01-31 10:00:00}, with its fraction when it has one, in 3, 6 or 9 digits
     * ({@code 2024-01-31 10:00:00.500}); any other value as {@code toString}.
     */
    static String text(Object value) {
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof LocalDateTime t) {
            return SECONDS.format(t) + fraction(t.getNano());
        }
        return value.toString();
    }

    /** A timestamp in ISO form with a {@code T}, its fraction in 3 (at least, as pandas' {@code to_json(date_format="iso")}), 6 or 9 digits. */
    static String isoText(LocalDateTime t) {
        String fraction = fraction(t.getNano());
        return SECONDS.format(t).replace(' ', 'T') + (fraction.isEmpty() ? ".000" : fraction);
    }

    private static String fraction(int nanos) {
        if (nanos == 0) {
            return "";
        }
        String digits = String.format(java.util.Locale.ROOT, "%09d", nanos);
        if (nanos % 1_000_000 == 0) {
            return "." + digits.substring(0, 3);
        }
        return nanos % 1000 == 0 ? "." + digits.substring(0, 6) : "." + digits;
    }

    /** Python's truth of a value: false for null, false, 0, NaN and empty text. */
    static boolean truth(Object value) {
        if (value instanceof Boolean b) {
            return b;
        }
        if (value == null) {
            return false;
        }
        if (value instanceof Long l) {
            return l != 0;
        }
        if (value instanceof Double d) {
            return d != 0 && !d.isNaN();
        }
        if (value instanceof BigDecimal d) {
            return d.signum() != 0;
        }
        return !value.toString().isEmpty();
    }

    /**
     * A number as a Double (so that 3 and 3.0 are one value in a set), a decimal without trailing zeros
     * (so that 1.10 and 1.1 are one value); other values as they are.
     */
    static Object normalNumber(Object value) {
        if (value instanceof BigDecimal d) {
            return d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
        }
        return value instanceof Long l ? Double.valueOf(l) : value;
    }

    /**
     * {@code a OPERATOR b} for {@code + - * / %}: null when either is null; whole numbers stay whole
     * (except {@code /}, true division); decimals with whole numbers or decimals are exact for
     * {@code + - * %} (as Python's {@code Decimal}, whose {@code %} takes the dividend's sign) and a float for {@code /}; with a float, a float;
     * text joins with {@code +}.
     *
     * @throws ArithmeticException on whole-number overflow, a whole-number modulo by zero, or values of other types
     */
    static Object arithmetic(char operator, Object a, Object b) {
        if (a == null || b == null) {
            return null;
        }
        if (a instanceof Long x && b instanceof Long y) {
            return switch (operator) {
                case '+' -> Math.addExact(x, y);
                case '-' -> Math.subtractExact(x, y);
                case '*' -> Math.multiplyExact(x, y);
                case '/' -> x.doubleValue() / y.doubleValue();
                default -> {
                    if (y == 0) {
                        throw new ArithmeticException("modulo by zero");
                    }
                    yield Math.floorMod(x, y);
                }
            };
        }
        BigDecimal x = a instanceof Double || b instanceof Double ? null : exact(a);
        BigDecimal y = x == null ? null : exact(b);
        if (x != null && y != null && operator != '/') {
            return switch (operator) {
                case '+' -> x.add(y);
                case '-' -> x.subtract(y);
                case '*' -> x.multiply(y);
                default -> {
                    if (y.signum() == 0) {
                        throw new ArithmeticException("modulo by zero");
                    }
                    yield x.remainder(y); // the dividend's sign, as Python's Decimal (not int's floor modulo)
                }
            };
        }
        if (a instanceof Number p0 && b instanceof Number q0) {
            double p = p0.doubleValue();
            double q = q0.doubleValue();
            return switch (operator) {
                case '+' -> p + q;
                case '-' -> p - q;
                case '*' -> p * q;
                case '/' -> p / q;
                default -> p - q * Math.floor(p / q);
            };
        }
        if (operator == '+' && a instanceof String s && b instanceof String t) {
            return s + t;
        }
        throw new ArithmeticException("cannot compute '" + a + "' " + operator + " '" + b + "'");
    }
}
