package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.LegacyJson;
import io.sluice.batch.LegacyTimestamps;
import io.sluice.batch.JsonFaults;
import io.sluice.batch.StorableValues;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

import static io.sluice.batch.JsonFields.abbreviate;

/**
 * Reads the values Hamilton's SQLAlchemy models wrote into SQLite, where every column can hold any
 * type: booleans as 0/1, integers as text, JSON as text (sometimes the text {@code null}, sometimes
 * a JSON string holding the JSON), timestamps as {@code 2025-11-07 16:00:39.807751}. And the
 * counterparts for reading the target back.
 */
final class LegacyValues {

    private LegacyValues() {
    }

    static String required(String field, String text, int maxLength) {
        String value = optional(field, text, maxLength);
        if (value == null || value.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return value;
    }

    static String optional(String field, String text, int maxLength) {
        if (text != null && text.length() > maxLength) {
            throw new InvalidRecordException(field + " is " + text.length() + " characters long, at most " + maxLength + " fit");
        }
        return text;
    }

    static Integer integer(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.trim();
        try {
            return Integer.valueOf(trimmed);
        } catch (NumberFormatException e) {
            try {
                double number = Double.parseDouble(trimmed);
                if (number == Math.rint(number) && Math.abs(number) <= Integer.MAX_VALUE) {
                    return (int) number;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new InvalidRecordException(field + " '" + abbreviate(trimmed) + "' is not a whole number");
        }
    }

    static int requiredInteger(String field, String text) {
        Integer value = integer(field, text);
        if (value == null) {
            throw new InvalidRecordException("missing " + field);
        }
        return value;
    }

    static Double number(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        BigDecimal value;
        try {
            value = new BigDecimal(text.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(field + " '" + abbreviate(text.trim()) + "' is not a number");
        }
        return StorableValues.real(field, value);
    }

    /** SQLite booleans: 0/1 as SQLAlchemy writes them, or true/false text. */
    static boolean bool(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "1", "true", "t", "yes" -> true;
            case "0", "false", "f", "no" -> false;
            default -> throw new InvalidRecordException(field + " '" + abbreviate(text.trim()) + "' is not a boolean (0/1)");
        };
    }

    static OffsetDateTime requiredTime(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidRecordException("missing " + field);
        }
        return LegacyTimestamps.parse(field, text);
    }

    static OffsetDateTime optionalTime(String field, String text) {
        return text == null || text.isBlank() ? null : LegacyTimestamps.parse(field, text);
    }

    /**
     * A JSON column: empty, SQL NULL and the JSON {@code null} are NULL; a column that holds a JSON
     * string whose content is JSON (encoded twice, as Hamilton wrote {@code clusters}) is decoded once more.
     */
    static JsonNode json(String field, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode node = parse(field, text);
        if (node.isString()) {
            String inner = node.asString().trim();
            if (inner.startsWith("[") || inner.startsWith("{")) {
                node = parse(field, inner);
            }
        }
        return node.isNull() || node.isMissingNode() ? null : node;
    }

    private static JsonNode parse(String field, String text) {
        try {
            return LegacyJson.mapper().readTree(text);
        } catch (JacksonException e) {
            throw new InvalidRecordException(field + " " + JsonFaults.describe(e));
        } catch (NumberFormatException e) {
            throw new InvalidRecordException(field + " holds a number beyond any range that can be read or stored");
        }
    }

    static String upper(String text) {
        return text == null ? null : text.trim().toUpperCase(Locale.ROOT);
    }

    // reading the target back ------------------------------------------------------------------

    static JsonNode targetJson(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : LegacyJson.mapper().readTree(text);
    }

    static String jsonText(JsonNode node) {
        return node == null ? null : LegacyJson.mapper().writeValueAsString(node);
    }

    static OffsetDateTime targetTime(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC);
    }

    static Integer targetInteger(ResultSet rs, String column) throws SQLException {
        int value = rs.getInt(column);
        return rs.wasNull() ? null : value;
    }

    static Double targetDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
