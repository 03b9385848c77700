package io.sluice.batch;

import tools.jackson.databind.JsonNode;

import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A JSON column value that compares by meaning, not by spelling: key order is ignored and numbers
 * compare by their exact decimal value, so that {@code 1e2} read back from PostgreSQL's jsonb as
 * {@code 100} is the same value, and {@code -0.0} (which jsonb reads back as {@code 0.0}) equals
 * {@code 0.0}: a second migration finds the row unchanged. Numbers are never compared as doubles:
 * {@code 1e-400} differs from {@code 0}, and {@code 3.141592653589793238462643383279502884197}
 * from {@code 3.141592653589793} (read with {@link LegacyJson#mapper()}, which keeps every digit).
 */
public record JsonValue(JsonNode tree) {

    /** Each record type's accessors, looked up once; the stores' records are package-private. */
    private static final ClassValue<List<Method>> ACCESSORS = new ClassValue<>() {
        @Override
        protected List<Method> computeValue(Class<?> type) {
            List<Method> accessors = new ArrayList<>();
            for (RecordComponent component : type.getRecordComponents()) {
                Method accessor = component.getAccessor();
                accessor.setAccessible(true);
                accessors.add(accessor);
            }
            return accessors;
        }
    };

    private static final Comparator<JsonNode> BY_MEANING = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            if (nonFinite(a) || nonFinite(b)) {
                return Double.compare(a.doubleValue(), b.doubleValue()) == 0 && nonFinite(a) == nonFinite(b) ? 0 : 1;
            }
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Null for a missing or JSON null value. */
    public static JsonValue of(JsonNode tree) {
        return tree == null || tree.isNull() || tree.isMissingNode() ? null : new JsonValue(tree);
    }

    /**
     * Whether two records of the same type hold the same values, their JSON components compared
     * by meaning: how a writer tells a stored row from an incoming one when both are records
     * with {@link JsonNode} components.
     */
    public static boolean sameRecords(Record a, Record b) {
        if (a == null || b == null || a.getClass() != b.getClass()) {
            return a == b;
        }
        try {
            for (Method accessor : ACCESSORS.get(a.getClass())) {
                Object x = accessor.invoke(a);
                Object y = accessor.invoke(b);
                boolean same = x instanceof JsonNode xj && y instanceof JsonNode yj
                        ? Objects.equals(of(xj), of(yj))
                        : Objects.equals(x, y);
                if (!same) {
                    return false;
                }
            }
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the components of " + a.getClass(), e);
        }
    }

    /** A hash of a record that agrees with {@link #sameRecords}: JSON components hash by meaning. */
    public static int recordHash(Record record) {
        int hash = record.getClass().hashCode();
        try {
            for (Method accessor : ACCESSORS.get(record.getClass())) {
                Object value = accessor.invoke(record);
                hash = 31 * hash + (value instanceof JsonNode json ? Objects.hashCode(of(json)) : Objects.hashCode(value));
            }
            return hash;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the components of " + record.getClass(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof JsonValue value && tree.equals(BY_MEANING, value.tree);
    }

    @Override
    public int hashCode() {
        return canonical(tree).hashCode();
    }

    @Override
    public String toString() {
        return LegacyJson.text(tree);
    }

    /** NaN or an infinity, which only a double holds. */
    private static boolean nonFinite(JsonNode number) {
        return (number.isDouble() || number.isFloat()) && !Double.isFinite(number.doubleValue());
    }

    /** Keys sorted, numbers in plain decimal form: equal values give equal text. */
    private static Object canonical(JsonNode node) {
        if (node.isObject()) {
            Map<String, Object> sorted = new TreeMap<>();
            node.properties().forEach(entry -> sorted.put(entry.getKey(), canonical(entry.getValue())));
            return sorted;
        }
        if (node.isArray()) {
            return node.valueStream().map(JsonValue::canonical).toList();
        }
        if (node.isNumber()) {
            if (nonFinite(node)) {
                return Double.toString(node.doubleValue());
            }
            BigDecimal value = node.decimalValue();
            return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
        }
        return node.toString();
    }
}
