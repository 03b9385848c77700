package io.sluice.migration;

import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * A JSON column value that compares by meaning, not by spelling: key order is ignored and numbers
 * compare by value, so that {@code 1e2} read back from PostgreSQL's jsonb as {@code 100} is the same
 * value, and {@code -0.0} (which jsonb reads back as {@code 0.0}) equals {@code 0.0}: a second
 * migration finds the row unchanged.
 */
public record JsonValue(JsonNode tree) {

    private static final Comparator<JsonNode> BY_MEANING = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    /** Null for a missing or JSON null value. */
    public static JsonValue of(JsonNode tree) {
        return tree == null || tree.isNull() || tree.isMissingNode() ? null : new JsonValue(tree);
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
        return tree.toString();
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
            BigDecimal value = node.decimalValue();
            return value.signum() == 0 ? "0" : value.stripTrailingZeros().toPlainString();
        }
        return node.toString();
    }
}
