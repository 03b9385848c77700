package io.sluice.batch;

import tools.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.function.Predicate;

/**
 * Reads typed fields out of a legacy JSON object; a value of the wrong type, or too long for its
 * column, or not storable as it is ({@link StorableValues}), is an {@link InvalidRecordException} naming
 * the field. Missing and JSON null are the same.
 */
public final class JsonFields {

    private JsonFields() {
    }

    public static String requiredText(JsonNode node, String field, int maxLength) {
        String text = optionalText(node, field, maxLength);
        if (text == null || text.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return text;
    }

    public static String optionalText(JsonNode node, String field, int maxLength) {
        JsonNode value = optional(node, field, JsonNode::isString, "text");
        return value == null ? null : fitting(field, StorableValues.text(field, value.asString()), maxLength);
    }

    /** An identifier: text, or a whole number as the Python tools sometimes wrote them. */
    public static String optionalId(JsonNode node, String field, int maxLength) {
        JsonNode value = optional(node, field, id -> id.isString() || id.isIntegralNumber(), "text");
        if (value == null) {
            return null;
        }
        String text = value.asString();
        if (text.isBlank()) {
            return null;
        }
        return fitting(field, StorableValues.text(field, text), maxLength);
    }

    public static OffsetDateTime optionalTimestamp(JsonNode node, String field) {
        String text = optionalText(node, field, 64);
        return text == null || text.isBlank() ? null : LegacyTimestamps.parse(field, text);
    }

    public static Boolean optionalBoolean(JsonNode node, String field) {
        JsonNode value = optional(node, field, JsonNode::isBoolean, "true or false");
        return value == null ? null : value.booleanValue();
    }

    /** A number for a {@code double precision} column: the nearest double (see {@link StorableValues#real}). */
    public static Double optionalNumber(JsonNode node, String field) {
        JsonNode value = optional(node, field, JsonNode::isNumber, "a number");
        return value == null ? null : StorableValues.real(field, value);
    }

    /** An object for a JSON column, checked by {@link StorableValues#json}. */
    public static JsonValue optionalObject(JsonNode node, String field) {
        JsonNode value = optional(node, field, JsonNode::isObject, "a JSON object");
        return value == null ? null : new JsonValue(StorableValues.json(field, value));
    }

    /** The array under the field, or null when it is missing. */
    public static JsonNode optionalArray(JsonNode node, String field) {
        return optional(node, field, JsonNode::isArray, "a JSON array");
    }

    /** The JSON value's text, abbreviated for a message (however deep it nests). */
    public static String abbreviate(JsonNode value) {
        return abbreviate(LegacyJson.text(value));
    }

    public static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    /** The value under the field, null when it is missing or JSON null, else of the expected type. */
    private static JsonNode optional(JsonNode node, String field, Predicate<JsonNode> expected, String description) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!expected.test(value)) {
            throw new InvalidRecordException(field + " must be " + description + ", found " + abbreviate(value));
        }
        return value;
    }

    private static String fitting(String field, String text, int maxLength) {
        if (text.length() > maxLength) {
            throw new InvalidRecordException(field + " is " + text.length() + " characters long, at most " + maxLength + " fit");
        }
        return text;
    }
}
