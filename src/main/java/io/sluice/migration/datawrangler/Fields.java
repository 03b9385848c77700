package io.sluice.migration.datawrangler;

import io.sluice.migration.InvalidRecordException;
import io.sluice.migration.LegacyTimestamps;
import tools.jackson.databind.JsonNode;

import java.time.OffsetDateTime;

/**
 * Reads typed fields out of a legacy JSON object; a value of the wrong type, or too long for its
 * column, is an {@link InvalidRecordException} naming the field. Missing and JSON null are the same.
 */
final class Fields {

    private Fields() {
    }

    static String requiredText(JsonNode node, String field, int maxLength) {
        String text = optionalText(node, field, maxLength);
        if (text == null || text.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return text;
    }

    static String optionalText(JsonNode node, String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw new InvalidRecordException(field + " must be text, found " + abbreviate(value.toString()));
        }
        return fitting(field, value.asString(), maxLength);
    }

    /** An identifier: text, or a whole number as the Python tools sometimes wrote them. */
    static String optionalId(JsonNode node, String field, int maxLength) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString() && !value.isIntegralNumber()) {
            throw new InvalidRecordException(field + " must be text, found " + abbreviate(value.toString()));
        }
        String text = value.asString();
        if (text.isBlank()) {
            return null;
        }
        return fitting(field, text, maxLength);
    }

    static OffsetDateTime optionalTimestamp(JsonNode node, String field) {
        String text = optionalText(node, field, 64);
        return text == null || text.isBlank() ? null : LegacyTimestamps.parse(field, text);
    }

    static Boolean optionalBoolean(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isBoolean()) {
            throw new InvalidRecordException(field + " must be true or false, found " + abbreviate(value.toString()));
        }
        return value.booleanValue();
    }

    static Double optionalNumber(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            throw new InvalidRecordException(field + " must be a number, found " + abbreviate(value.toString()));
        }
        return value.doubleValue();
    }

    static JsonValue optionalObject(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw new InvalidRecordException(field + " must be a JSON object, found " + abbreviate(value.toString()));
        }
        return new JsonValue(value);
    }

    /** The array under the field, or null when it is missing. */
    static JsonNode optionalArray(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            throw new InvalidRecordException(field + " must be a JSON array, found " + abbreviate(value.toString()));
        }
        return value;
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }

    private static String fitting(String field, String text, int maxLength) {
        if (text.length() > maxLength) {
            throw new InvalidRecordException(field + " is " + text.length() + " characters long, at most " + maxLength + " fit");
        }
        return text;
    }
}
