package io.sluice.workflow;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;

/**
 * The type of a column on an edge: every value of the column is a Java value of this type, or null.
 * Text is {@link String}, whole numbers {@link Long}, floating-point numbers {@link Double}, booleans
 * {@link Boolean}, exact decimals {@link BigDecimal} (their digits and scale as read: {@code 1.10}
 * stays {@code 1.10}), dates {@link LocalDate} and timestamps {@link LocalDateTime} (a wall-clock time
 * without a zone, as pandas' tz-naive {@code datetime64}; a time with an offset from a database stays
 * text, so that no offset is silently dropped), as pandas' {@code object}, {@code int64},
 * {@code float64}, {@code bool}, {@code object} of {@code Decimal}s and {@code datetime64[ns]}.
 */
enum ColumnType {
    STRING, LONG, DOUBLE, BOOLEAN, DECIMAL, DATE, TIMESTAMP;

    /** The type a value has, or null for null. */
    static ColumnType of(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Long) {
            return LONG;
        }
        if (value instanceof Double) {
            return DOUBLE;
        }
        if (value instanceof Boolean) {
            return BOOLEAN;
        }
        if (value instanceof BigDecimal) {
            return DECIMAL;
        }
        if (value instanceof LocalDate) {
            return DATE;
        }
        if (value instanceof LocalDateTime) {
            return TIMESTAMP;
        }
        return STRING;
    }

    /**
     * The type both fit in: whole numbers and decimals widen to double with a double, a whole number
     * to a decimal with a decimal, a date to a timestamp with a timestamp (pandas' {@code datetime64}
     * holds both); anything else mixed is text.
     */
    static ColumnType common(ColumnType a, ColumnType b) {
        if (a == null || a == b) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if (a.numeric() && b.numeric()) {
            return a == DOUBLE || b == DOUBLE ? DOUBLE : DECIMAL;
        }
        if (a.temporal() && b.temporal()) {
            return TIMESTAMP;
        }
        return STRING;
    }

    /** Whole numbers, floats and decimals. */
    boolean numeric() {
        return this == LONG || this == DOUBLE || this == DECIMAL;
    }

    /** Dates and timestamps. */
    boolean temporal() {
        return this == DATE || this == TIMESTAMP;
    }

    /** The type's name as etl-core's schemas spell it. */
    String label() {
        return switch (this) {
            case STRING -> "string";
            case LONG -> "integer";
            case DOUBLE -> "float";
            case BOOLEAN -> "boolean";
            case DECIMAL -> "decimal";
            case DATE -> "date";
            case TIMESTAMP -> "datetime";
        };
    }
}
