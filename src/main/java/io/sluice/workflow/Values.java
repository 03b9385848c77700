package io.sluice.workflow;

/**
 * How the workflow engine compares, tests and computes with row values (String, Long, Double,
 * Boolean or null), the way pandas does with its columns.
 */
final class Values {

    private Values() {
    }

    /**
     * The order of two non-null values: numbers by value (a whole number and a float compare as
     * numbers), text by UTF-16 code units as Python compares ASCII text, booleans false first.
     *
     * @return negative, zero or positive; null when the two cannot be compared (text with a number)
     */
    static Integer compare(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
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
        return !value.toString().isEmpty();
    }

    /** A number as a Double (so that 3 and 3.0 are one value in a set); other values as they are. */
    static Object normalNumber(Object value) {
        return value instanceof Long l ? Double.valueOf(l) : value;
    }

    /**
     * {@code a OPERATOR b} for {@code + - * / %}: null when either is null; whole numbers stay whole
     * (except {@code /}, true division); text joins with {@code +}.
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
        if (a instanceof Number x && b instanceof Number y) {
            double p = x.doubleValue();
            double q = y.doubleValue();
            return switch (operator) {
                case '+' -> p + q;
                case '-' -> p - q;
                case '*' -> p * q;
                case '/' -> p / q;
                default -> p - q * Math.floor(p / q);
            };
        }
        if (operator == '+' && a instanceof String x && b instanceof String y) {
            return x + y;
        }
        throw new ArithmeticException("cannot compute '" + a + "' " + operator + " '" + b + "'");
    }
}
