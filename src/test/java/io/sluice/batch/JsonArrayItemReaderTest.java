package io.sluice.batch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import tools.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class JsonArrayItemReaderTest {

    @TempDir
    Path temp;

    @Test
    void partitions_together_read_every_element_once_each_in_file_order_with_its_position_in_the_file() throws Exception {
        // given
        Path file = anIndexOf(300);

        // when
        List<List<SourceRecord<JsonNode>>> read = new ArrayList<>();
        for (int index = 0; index < 3; index++) {
            read.add(readAll(reader(file, new Partition(index, 3)), new ExecutionContext()));
        }

        // then
        assertThat(read).allSatisfy(partition -> assertThat(partition).hasSizeBetween(50, 150));
        List<String> all = read.stream().flatMap(List::stream).map(JsonArrayItemReaderTest::id).sorted().toList();
        assertThat(all).isEqualTo(IntStream.range(0, 300).mapToObj(JsonArrayItemReaderTest::runId).sorted().toList());
        for (List<SourceRecord<JsonNode>> partition : read) {
            List<Integer> numbers = partition.stream().map(record -> Integer.parseInt(id(record).substring(4))).toList();
            assertThat(numbers).isSorted();
            assertThat(partition).allSatisfy(record ->
                    assertThat(record.location()).startsWith("/runs/" + Integer.parseInt(id(record).substring(4)) + " "));
        }
    }

    @Test
    void a_partition_restarts_after_its_last_saved_element() throws Exception {
        // given a partition read part way, its state saved
        Path file = anIndexOf(200);
        Partition partition = new Partition(1, 2);
        List<SourceRecord<JsonNode>> whole = readAll(reader(file, partition), new ExecutionContext());
        JsonArrayItemReader first = reader(file, partition);
        ExecutionContext saved = new ExecutionContext();
        first.open(saved);
        for (int i = 0; i < 10; i++) {
            first.read();
        }
        first.update(saved);
        first.close();

        // when
        List<SourceRecord<JsonNode>> rest = readAll(reader(file, partition), saved);

        // then
        assertThat(rest.stream().map(JsonArrayItemReaderTest::id).toList())
                .isEqualTo(whole.subList(10, whole.size()).stream().map(JsonArrayItemReaderTest::id).toList());
        assertThat(rest.get(0).location()).isEqualTo(whole.get(10).location());
    }

    @Test
    void every_partition_steps_over_an_element_nested_too_deep_and_together_they_read_every_other_element() throws Exception {
        // given run_5 nested 100,000 levels deep
        Path file = anIndexWithDeep(20, 5, 100_000);

        // when
        List<SourceRecord<JsonNode>> read = new ArrayList<>();
        for (int index = 0; index < 2; index++) {
            read.addAll(readAll(reader(file, new Partition(index, 2)), new ExecutionContext()));
        }

        // then
        assertThat(read.stream().map(JsonArrayItemReaderTest::id).sorted().toList())
                .isEqualTo(IntStream.range(0, 20).filter(i -> i != 5).mapToObj(JsonArrayItemReaderTest::runId).sorted().toList());
    }

    @Test
    void a_restart_saved_after_an_element_nested_too_deep_resumes_with_the_element_after_the_next() throws Exception {
        // given a reader that read run_0, run_1, stepped over run_2 and read run_3, then saved its state
        Path file = anIndexWithDeep(6, 2, 100_000);
        JsonArrayItemReader first = reader(file, Partition.WHOLE);
        ExecutionContext saved = new ExecutionContext();
        first.open(saved);
        List<String> before = List.of(id(first.read()), id(first.read()), id(first.read()));
        first.update(saved);
        first.close();

        // when
        List<SourceRecord<JsonNode>> rest = readAll(reader(file, Partition.WHOLE), saved);

        // then
        assertThat(before).containsExactly("run_0", "run_1", "run_3");
        assertThat(rest).extracting(JsonArrayItemReaderTest::id).containsExactly("run_4", "run_5");
        assertThat(rest.get(0).location()).isEqualTo("/runs/4 (line 6)");
    }

    /** An index of {@code runs} runs, one a line, run {@code deep} holding arrays {@code levels} deep. */
    private Path anIndexWithDeep(int runs, int deep, int levels) throws Exception {
        Path file = temp.resolve("index.json");
        Files.writeString(file, IntStream.range(0, runs)
                .mapToObj(i -> "{\"status\": \"complete\", \"run_id\": \"" + runId(i) + "\""
                        + (i == deep ? ", \"x\": " + "[".repeat(levels) + "]".repeat(levels) : "") + "}")
                .collect(Collectors.joining(",\n", "{\"runs\": [\n", "\n]}\n")));
        return file;
    }

    private Path anIndexOf(int runs) throws Exception {
        Path file = temp.resolve("index.json");
        Files.writeString(file, IntStream.range(0, runs)
                .mapToObj(i -> "{\"status\": \"complete\", \"run_id\": \"" + runId(i) + "\"}")
                .collect(Collectors.joining(",\n", "{\"runs\": [\n", "\n]}\n")));
        return file;
    }

    private static String runId(int i) {
        return "run_" + i;
    }

    private static JsonArrayItemReader reader(Path file, Partition partition) {
        return new JsonArrayItemReader("test", file, "index.json", "runs", null, LegacyJson.mapper())
                .partitioned(partition, element -> element.get("run_id").asString());
    }

    private static List<SourceRecord<JsonNode>> readAll(JsonArrayItemReader reader, ExecutionContext context) {
        reader.open(context);
        List<SourceRecord<JsonNode>> records = new ArrayList<>();
        for (SourceRecord<JsonNode> record = reader.read(); record != null; record = reader.read()) {
            records.add(record);
        }
        reader.close();
        return records;
    }

    private static String id(SourceRecord<JsonNode> record) {
        return record.value().get("run_id").asString();
    }
}
