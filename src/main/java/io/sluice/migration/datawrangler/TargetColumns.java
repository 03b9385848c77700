package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonValue;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The column values the writers put into the target and read back from it, in the form they
 * compare rows in: JSON as {@link JsonValue}, written as text for a {@code CAST(... AS jsonb)};
 * timestamps in UTC, whatever offset the database returns them with.
 */
final class TargetColumns {

    private final ObjectMapper mapper;

    TargetColumns(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    JsonValue json(ResultSet rs, String column) throws SQLException {
        String text = rs.getString(column);
        return text == null ? null : JsonValue.of(mapper.readTree(text));
    }

    String text(JsonValue value) {
        return value == null ? null : mapper.writeValueAsString(value.tree());
    }

    static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.withOffsetSameInstant(ZoneOffset.UTC);
    }
}
