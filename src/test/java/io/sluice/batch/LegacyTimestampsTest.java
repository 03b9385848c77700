package io.sluice.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LegacyTimestampsTest {

    @ParameterizedTest
    @CsvSource({
            "2025-12-05T11:52:20.493Z,          2025-12-05T11:52:20.493Z",
            "2025-12-06T00:03:47.081238+00:00,  2025-12-06T00:03:47.081238Z",
            "2025-02-12T10:00:00.123456,        2025-02-12T10:00:00.123456Z",
            "2025-02-11T09:30:00,               2025-02-11T09:30:00Z",
            "2025-11-07 16:00:39.807751,        2025-11-07T16:00:39.807751Z",
            "2025-11-07T18:00:39+02:00,         2025-11-07T16:00:39Z",
            "2025-11-07T16:00:39.123456789Z,    2025-11-07T16:00:39.123456Z"})
    void everyFormTheToolsWroteIsReadAsAnInstantInUtcToTheMicrosecond(String text, String expected) {
        assertThat(LegacyTimestamps.parse("created_at", text)).isEqualTo(OffsetDateTime.parse(expected));
    }

    @Test
    void somethingElseIsAnInvalidRecordNamingTheField() {
        assertThatThrownBy(() -> LegacyTimestamps.parse("created_at", "yesterday at noon"))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("created_at 'yesterday at noon' is not a timestamp (expected ISO-8601)");
    }
}
