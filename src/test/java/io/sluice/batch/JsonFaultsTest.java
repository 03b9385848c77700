package io.sluice.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonFaultsTest {

    @TempDir
    Path temp;

    @Test
    void a_file_that_cannot_be_read_is_said_to_be_unreadable_not_malformed() throws IOException {
        // given: root reads any file, so a real AccessDeniedException is made by hand; the others by the file system
        Files.writeString(temp.resolve("plain"), "{}");
        IOException underAFile = catchThrowableOfType(IOException.class,
                () -> Files.newInputStream(temp.resolve("plain").resolve("index.json")).close());
        JacksonException folder = catchThrowableOfType(JacksonException.class, () -> LegacyJson.mapper().readTree(temp.toFile()));

        // when / then
        assertThat(JsonFaults.describe(new AccessDeniedException("/store/index.json"))).isEqualTo("permission denied");
        assertThat(JsonFaults.describe(underAFile)).isEqualTo("a part of its path is a file, not a folder");
        assertThat(JsonFaults.describe(folder)).isEqualTo("cannot be read: it is a folder, not a file");
    }

    @Test
    void the_parser_advice_to_programmers_is_left_out_of_the_reason() {
        // given: a parser that reads standard JSON only, as Jackson's defaults do
        JacksonException nan = catchThrowableOfType(JacksonException.class, () -> JsonMapper.builder().build().readTree("[NaN]"));
        JacksonException bad = catchThrowableOfType(JacksonException.class, () -> LegacyJson.mapper().readTree("[nope]"));
        JacksonException deep = catchThrowableOfType(JacksonException.class,
                () -> LegacyJson.mapper().readTree("[".repeat(LegacyJson.MAX_DEPTH + 1)));

        // when / then
        assertThat(nan.getOriginalMessage()).contains("JsonReadFeature");
        assertThat(JsonFaults.describe(nan)).startsWith("not valid JSON: Non-standard token 'NaN'").doesNotContain("`", "enable");
        assertThat(JsonFaults.describe(bad)).startsWith("not valid JSON: Unrecognized token 'nope'").doesNotContain("`", "(JSON String");
        assertThat(JsonFaults.describe(deep)).isEqualTo("nested deeper than 2000 levels (more than any JSON column can hold)");
    }
}
