package io.sluice.persistence;

import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static io.sluice.persistence.PostgresCopy.Type.INT4;
import static io.sluice.persistence.PostgresCopy.Type.INT8;
import static io.sluice.persistence.PostgresCopy.Type.JSONB;
import static io.sluice.persistence.PostgresCopy.Type.TEXT;
import static io.sluice.persistence.PostgresCopy.Type.TIMESTAMPTZ;
import static io.sluice.persistence.PostgresCopy.column;
import static org.assertj.core.api.Assertions.assertThat;

/** Binary COPY writes each type as PostgreSQL reads it back. */
class PostgresCopyTest {

    private static final PostgresCopy COPY = new PostgresCopy("sample", List.of(column("name", TEXT), column("small", INT4),
            column("big", INT8), column("at", TIMESTAMPTZ), column("doc", JSONB), column("doc_bytes", JSONB)));

    @Test
    void every_type_and_null_arrive_as_written() throws Exception {
        // given
        TestDatabase database = TestDatabase.postgres();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE sample (name varchar(50), small integer, big bigint, at timestamptz, doc jsonb, doc_bytes jsonb)");
            OffsetDateTime recent = OffsetDateTime.parse("2025-12-08T06:18:43.578123+02:00");
            OffsetDateTime old = OffsetDateTime.parse("1999-12-31T23:59:59.5000009Z");

            // when
            long copied = COPY.copy(connection, List.of(
                    new Object[] {"café \"quoted\", with comma\nand newline", 42, 5_000_000_000L, recent,
                            "{\"a\": [1, 2.5, null]}", "{\"é\": true}".getBytes(StandardCharsets.UTF_8)},
                    new Object[] {"old", -1, 0L, old, null, null},
                    new Object[] {null, null, null, null, null, null}));

            // then
            assertThat(copied).isEqualTo(3);
            try (ResultSet rs = statement.executeQuery("SELECT * FROM sample ORDER BY name NULLS LAST")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getString("name")).isEqualTo("café \"quoted\", with comma\nand newline");
                assertThat(rs.getInt("small")).isEqualTo(42);
                assertThat(rs.getLong("big")).isEqualTo(5_000_000_000L);
                assertThat(rs.getObject("at", OffsetDateTime.class).toInstant()).isEqualTo(recent.toInstant());
                assertThat(rs.getString("doc")).isEqualTo("{\"a\": [1, 2.5, null]}");
                assertThat(rs.getString("doc_bytes")).isEqualTo("{\"é\": true}");
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("at", OffsetDateTime.class)).as("to the microsecond, never later")
                        .isEqualTo(OffsetDateTime.parse("1999-12-31T23:59:59.500000Z").withOffsetSameInstant(ZoneOffset.UTC));
                assertThat(rs.getObject("doc")).isNull();
                assertThat(rs.next()).isTrue();
                assertThat(rs.getObject("name")).isNull();
                assertThat(rs.getObject("small")).isNull();
                assertThat(rs.getObject("at")).isNull();
                assertThat(rs.next()).isFalse();
            }
        }
    }
}
