package io.sluice.batch;

import tools.jackson.databind.JsonNode;

import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The values the target can hold exactly, checked before they are written: a value that would be
 * altered on its way in, or refused there, is an {@link InvalidRecordException} that names the field
 * (and the place inside a JSON value) and what is wrong, so that its record is rejected, never changed.
 * The same checks hold on both databases, so that a store migrates alike into either.
 * <ul>
 * <li>text (in text columns, and every string and key inside JSON) may not hold U+0000, which
 *     PostgreSQL's text and jsonb cannot store, nor an unpaired UTF-16 surrogate (such as the
 *     <code>"&#92;ud83d"</code> Python's {@code json} reads), which is no character and has no UTF-8 form;</li>
 * <li>a JSON value may not hold {@code NaN} or {@code Infinity} (JSON and jsonb have no such number),
 *     nor a number beyond PostgreSQL's {@code numeric}: at most {@value #MAX_INTEGER_DIGITS} digits
 *     before the decimal point and {@value #MAX_FRACTION_DIGITS} after it;</li>
 * <li>a number for a {@code double precision} column lands as the nearest double, as Python reads it,
 *     and {@code NaN} and {@code Infinity} land as themselves; a finite number beyond the range of a
 *     double (which would become infinite) or so small that it would become 0 is refused.</li>
 * </ul>
 * Messages never quote the text they check (it may be a secret), only where the fault is.
 */
public final class StorableValues {

    /** The most digits before the decimal point of a PostgreSQL {@code numeric} (and a jsonb number). */
    public static final int MAX_INTEGER_DIGITS = 131_072;
    /** The most digits after the decimal point of a PostgreSQL {@code numeric}. */
    public static final int MAX_FRACTION_DIGITS = 16_383;

    private StorableValues() {
    }

    /** The text, when every character of it can be stored; else an {@link InvalidRecordException} naming the field. */
    public static String text(String field, String text) {
        String fault = textFault(text);
        if (fault != null) {
            throw new InvalidRecordException(field + " " + fault);
        }
        return text;
    }

    /**
     * The JSON value, when a JSON column can hold it exactly; else an {@link InvalidRecordException}
     * naming the field and the JSON pointer of the faulty value inside it ({@code results_summary/scores/2}).
     * Walks the tree without recursion.
     */
    public static JsonNode json(String field, JsonNode value) {
        if (value == null) {
            return null;
        }
        Deque<Map.Entry<String, JsonNode>> pending = new ArrayDeque<>();
        pending.push(Map.entry(field, value));
        while (!pending.isEmpty()) {
            Map.Entry<String, JsonNode> next = pending.pop();
            String path = next.getKey();
            JsonNode node = next.getValue();
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> property : node.properties()) {
                    String keyFault = textFault(property.getKey());
                    if (keyFault != null) {
                        throw new InvalidRecordException("a key in " + path + " " + keyFault);
                    }
                    pending.push(Map.entry(path + "/" + pointerToken(property.getKey()), property.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = node.size() - 1; i >= 0; i--) {
                    pending.push(Map.entry(path + "/" + i, node.get(i)));
                }
            } else if (node.isString()) {
                String fault = textFault(node.stringValue());
                if (fault != null) {
                    throw new InvalidRecordException(path + " " + fault);
                }
            } else if (node.isNumber()) {
                String fault = numberFault(node);
                if (fault != null) {
                    throw new InvalidRecordException(path + " " + fault);
                }
            }
        }
        return value;
    }

    /** The number for a {@code double precision} column: the nearest double, or an {@link InvalidRecordException}. */
    public static double real(String field, JsonNode number) {
        if (number.isDouble() || number.isFloat()) {
            return number.doubleValue(); // NaN and Infinity as written, or a double already
        }
        return real(field, number.decimalValue());
    }

    /** The number for a {@code double precision} column: the nearest double, or an {@link InvalidRecordException}. */
    public static double real(String field, BigDecimal number) {
        double value = number.doubleValue();
        if (Double.isInfinite(value)) {
            throw new InvalidRecordException(field + " " + abbreviated(number) + " is beyond the range of a double precision number");
        }
        if (value == 0 && number.signum() != 0) {
            throw new InvalidRecordException(field + " " + abbreviated(number) + " is too small for a double precision number (it would become 0)");
        }
        return value;
    }

    /**
     * Checks every text and JSON component of a row (a record of column values) with {@link #text}
     * and {@link #json}, each named by its column ({@code idAttributes} as {@code id_attributes}).
     */
    public static void requireStorable(Record row) {
        try {
            for (RecordComponent component : row.getClass().getRecordComponents()) {
                var accessor = component.getAccessor();
                accessor.setAccessible(true);
                Object value = accessor.invoke(row);
                String column = component.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(java.util.Locale.ROOT);
                if (value instanceof String text) {
                    text(column, text);
                } else if (value instanceof JsonNode json) {
                    json(column, json);
                } else if (value instanceof JsonValue json) {
                    json(column, json.tree());
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the components of " + row.getClass(), e);
        }
    }

    /** What keeps the text from being stored ("holds U+0000 at character 12"), or null. */
    static String textFault(String text) {
        if (text == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                return "holds the character U+0000 (at character " + (i + 1) + "), which PostgreSQL cannot store in text or JSON";
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "holds an unpaired surrogate \\u" + Integer.toHexString(c) + " (at character " + (i + 1)
                        + "), which is no character and cannot be stored as text";
            }
        }
        return null;
    }

    private static String numberFault(JsonNode number) {
        if (number.isDouble() || number.isFloat()) {
            double value = number.doubleValue();
            return Double.isNaN(value) || Double.isInfinite(value)
                    ? "is " + (Double.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity")
                      + ", which a JSON column cannot hold (JSON and PostgreSQL's jsonb have no such number)"
                    : null;
        }
        if (number.isBigDecimal()) {
            BigDecimal value = number.decimalValue();
            long integerDigits = (long) value.precision() - value.scale();
            if (value.scale() > MAX_FRACTION_DIGITS || integerDigits > MAX_INTEGER_DIGITS) {
                return abbreviated(value) + " is beyond the numbers a JSON column can hold (at most " + MAX_INTEGER_DIGITS
                        + " digits before the decimal point and " + MAX_FRACTION_DIGITS + " after it)";
            }
        } else if (number.isBigInteger() && number.bigIntegerValue().abs().toString().length() > MAX_INTEGER_DIGITS) {
            return "is a whole number of more than " + MAX_INTEGER_DIGITS + " digits, more than a JSON column can hold";
        }
        return null;
    }

    private static String abbreviated(BigDecimal number) {
        return JsonFields.abbreviate(number.toString());
    }

    private static String pointerToken(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
