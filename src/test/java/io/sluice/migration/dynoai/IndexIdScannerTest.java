package io.sluice.migration.dynoai;

import io.sluice.batch.LegacyJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class IndexIdScannerTest {

    @TempDir
    Path temp;

    @Test
    void findsEachRunsIdAndCanReadAnyRunBackWhole() throws Exception {
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
    void aTruncatedIndexYieldsTheRunsBeforeTheFault() throws Exception {
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
