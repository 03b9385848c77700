package io.sluice.workflow;

import java.util.Arrays;

/**
 * How the materializing nodes (sort, dedupe, join) compare and hash the values of their key columns,
 * the way pandas does: numbers by value (a whole number and a float of equal value are one key, as
 * {@code 1 == 1.0} in pandas), -0.0 and 0.0 one key, and NaN the same missing value as null. A
 * decimal is one key with every number of its value ({@code 1.10}, {@code 1.1}, and {@code 1} with
 * {@code 1.00}), as Python's {@code Decimal} equals and hashes; dates and timestamps are keys by
 * their value and ordered in time.
 */
final class RowKeys {

    /** 2^63 as a double: whole doubles below it (and at or above -2^63) are exact longs. */
    private static final double TWO_63 = 9.223372036854775808E18;

    private RowKeys() {
    }

    /** Whether a value is missing as pandas sees it: null or NaN. */
    static boolean missing(Object value) {
        return value == null || value instanceof Double d && d.isNaN();
    }

    /**
     * A value in the form two equal keys share: null for null and NaN, a whole double as the Long of
     * its value (so {@code 1.0} and {@code 1L} are equal and hash alike, without losing digits of a
     * large Long as a conversion to double would), -0.0 as 0, a decimal as the Long of a whole value,
     * the Double of a value a double holds exactly, else without trailing zeros; anything else as it is.
     */
    static Object normal(Object value) {
        if (value instanceof java.math.BigDecimal d) {
            java.math.BigDecimal stripped = d.signum() == 0 ? java.math.BigDecimal.ZERO : d.stripTrailingZeros();
            if (stripped.scale() <= 0 && stripped.precision() - stripped.scale() <= 18) {
                return stripped.longValueExact();
            }
            double near = stripped.doubleValue();
            return !Double.isInfinite(near) && new java.math.BigDecimal(near).compareTo(stripped) == 0 ? (Object) near : stripped;
        }
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return null;
            }
            if (d == Math.rint(d) && d >= -TWO_63 && d < TWO_63) {
                return (long) d.doubleValue();
            }
        }
        return value;
    }

    /** The normal forms of {@code row}'s values at {@code columns}, as a list that is equal and hashes alike for equal keys. */
    static java.util.List<Object> key(Object[] row, int[] columns) {
        Object[] key = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            key[i] = normal(row[columns[i]]);
        }
        return Arrays.asList(key);
    }

    /** Whether any of {@code row}'s values at {@code columns} is missing. */
    static boolean anyMissing(Object[] row, int[] columns) {
        for (int column : columns) {
            if (missing(row[column])) {
                return true;
            }
        }
        return false;
    }

    /**
     * The order of two values that are not missing: by {@link Values#compare}, and where that cannot
     * compare them (text with a number, never within one typed column), by their text.
     */
    static int compare(Object a, Object b) {
        Integer order = Values.compare(a, b);
        return order != null ? order : a.toString().compareTo(b.toString());
    }

    /**
     * A rough size of a row on the heap, in bytes, for the memory budgets of the nodes that buffer rows:
     * the array and its references, and per value its object (a Long or Double 16 bytes, a String 40
     * plus its characters at one byte each, as compact strings hold Latin-1 text; a decimal, date or
     * timestamp its objects; booleans are shared).
     */
    static long estimatedBytes(Object[] row) {
        long bytes = 16 + 8L * row.length;
        for (Object value : row) {
            if (value instanceof String text) {
                bytes += 40 + text.length();
            } else if (value instanceof Long || value instanceof Double) {
                bytes += 16;
            } else if (value instanceof java.math.BigDecimal d) {
                bytes += 72 + d.precision() / 2; // the object, its BigInteger and magnitude array
            } else if (value instanceof java.time.LocalDate) {
                bytes += 24;
            } else if (value instanceof java.time.LocalDateTime) {
                bytes += 72; // itself, its LocalDate and LocalTime
            }
        }
        return bytes;
    }

    /** A well-mixed hash of a key with a salt, so that each level of a recursive partitioning splits keys differently (MurmurHash3's finalizer). */
    static int hash(java.util.List<Object> key, int salt) {
        int h = key.hashCode() ^ (salt * 0x9E3779B9);
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
