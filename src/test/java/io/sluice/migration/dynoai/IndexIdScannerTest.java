package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.LegacyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexIdScannerTest {

    @TempDir
    Path temp;

    @Test
    void the_scanner_finds_each_runs_id_and_can_read_any_run_back_whole() throws Exception {
        // given
        Path index = temp.resolve("index.json");
        Files.writeString(index, """
                {"total": 3, "runs": [
                  {"status": "complete", "run_id": "run_a", "results_summary": {"run_id": "not this one"}},
                  42,
                  {"run_id": 7},
                  {"run_id": "run_é", "files": ["a.csv"]}
                ], "updated_at": "2025-12-08T06:18:43.624Z"}
                """);
        IndexIdScanner scanner = new IndexIdScanner(index, LegacyJson.mapper());
        List<IndexIdScanner.Element> elements = new ArrayList<>();

        // when
        scanner.scan(elements::add);

        // then
        assertThat(elements).extracting(IndexIdScanner.Element::id).containsExactly("run_a", null, null, "run_é");
        assertThat(scanner.element(elements.get(3)).get("files").get(0).asString()).isEqualTo("a.csv");
        assertThat(scanner.element(elements.get(0)).get("status").asString()).isEqualTo("complete");
    }

    @Test
    void a_run_nested_deeper_than_the_load_step_reads_is_scanned_past_and_cannot_be_read_back_as_the_load_step_could_not() throws Exception {
        // given: the index, its runs and a run are 3 levels, "x" adds its arrays
        int aboveTheBound = LegacyJson.MAX_DEPTH - 3 + 1;
        Path index = temp.resolve("index.json");
        Files.writeString(index, "{\"runs\": [{\"run_id\": \"run_a\"},\n {\"run_id\": \"run_deep\", \"x\": "
                + "[".repeat(aboveTheBound) + "]".repeat(aboveTheBound) + "},\n {\"run_id\": \"run_b\"}]}");
        IndexIdScanner scanner = new IndexIdScanner(index, LegacyJson.mapper());
        List<IndexIdScanner.Element> elements = new ArrayList<>();

        // when
        scanner.scan(elements::add);

        // then
        assertThat(elements).extracting(IndexIdScanner.Element::id).containsExactly("run_a", "run_deep", "run_b");
        assertThatThrownBy(() -> scanner.element(elements.get(1))).isInstanceOf(InvalidRecordException.class);
        assertThat(scanner.element(elements.get(2)).get("run_id").asString()).isEqualTo("run_b");
    }

    @Test
    void a_truncated_index_yields_the_runs_before_the_fault() throws Exception {
        // given
        Path index = temp.resolve("index.json");
        Files.writeString(index, "{\"runs\": [{\"run_id\": \"run_a\"}, {\"run_id\": \"run_b\"}, {\"run_id\": \"ru");
        List<IndexIdScanner.Element> elements = new ArrayList<>();

        // when
        new IndexIdScanner(index, LegacyJson.mapper()).scan(elements::add);

        // then
        assertThat(elements).extracting(IndexIdScanner.Element::id).containsExactly("run_a", "run_b");
    }
}
