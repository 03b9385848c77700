package io.sluice.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RejectFileTest {

    @TempDir
    Path temp;

    @Test
    void a_record_holding_text_with_no_utf8_form_makes_whole_valid_lines_that_read_back_as_that_text() throws Exception {
        // given
        RejectFile file = new RejectFile(temp.resolve("rejects.jsonl"));
        String loneHigh = "{\"note\": \"\uD83D\"}";
        String loneLowAndNul = "x\uDC00y\u0000z";

        // when
        file.reject("index.json", "/runs/0 (line 2)", "a reason", loneHigh);
        file.reject("index.json", "/runs/1 (line 3)", "another", loneLowAndNul);
        file.reject("index.json", "/runs/2 (line 4)", "third", "plain \uD83D\uDE00");
        file.close();

        // then
        String text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file.path()))).toString();
        List<JsonNode> lines = text.lines().map(JsonMapper.builder().build()::readTree).toList();
        assertThat(lines).extracting(line -> line.get("raw").asString()).containsExactly(loneHigh, loneLowAndNul, "plain \uD83D\uDE00");
        assertThat(text).contains("\\uD83D", "\\uDC00").endsWith("\n");
        assertThat(file.count()).isEqualTo(3);
    }
}
