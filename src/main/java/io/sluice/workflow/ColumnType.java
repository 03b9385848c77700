package io.sluice.workflow;

/**
 * The type of a column on an edge: every value of the column is a Java value of this type, or null.
 * Text is {@link String}, whole numbers {@link Long}, floating-point numbers {@link Double} and
 * booleans {@link Boolean}, as pandas' {@code object}, {@code int64}, {@code float64} and {@code bool}.
 */
enum ColumnType {
    STRING, LONG, DOUBLE, BOOLEAN;

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
        return STRING;
    }

    /** The type both fit in: numbers widen to double, anything else mixed is text. */
    static ColumnType common(ColumnType a, ColumnType b) {
        if (a == null || a == b) {
            return b;
        }
        if (b == null) {
            return a;
        }
        if ((a == LONG || a == DOUBLE) && (b == LONG || b == DOUBLE)) {
            return DOUBLE;
        }
        return STRING;
    }

    boolean numeric() {
        return this == LONG || this == DOUBLE;
    }

    /** The type's name as etl-core's schemas spell it. */
    String label() {
        return switch (this) {
            case STRING -> "string";
            case LONG -> "integer";
            case DOUBLE -> "float";
            case BOOLEAN -> "boolean";
        };
    }
}
