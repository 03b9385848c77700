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

/** A restarted reader seeks to its saved offset only in the file it saved it in; a rewritten file is read again whole. */
class JsonArrayItemReaderRestartTest {

    @TempDir
    Path temp;

    @Test
    void a_restart_in_an_unchanged_file_resumes_after_the_saved_offset() throws Exception {
        // given a reader that committed after 4 of 10 runs
        Path file = index(IntStream.range(0, 10).boxed().toList());
        ExecutionContext context = readThenSave(file, 4);

        // when
        List<String> rest = readAll(file, context);

        // then
        assertThat(rest).containsExactly("run_4", "run_5", "run_6", "run_7", "run_8", "run_9");
    }

    @Test
    void a_restart_after_the_file_was_rewritten_newest_first_reads_it_again_from_the_start_and_its_counts_start_over() throws Exception {
        // given a reader that committed after 4 of 10 runs, with the step's counts beside it
        Path file = index(IntStream.range(0, 10).boxed().toList());
        ExecutionContext context = readThenSave(file, 4);
        context.putLong(WriteCounts.INSERTED, 4);

        // when the file is rewritten the way DynoAI does it (newest first, one more run), and the reader restarted
        index(IntStream.rangeClosed(0, 10).map(i -> 10 - i).boxed().toList());
        List<String> all = readAll(file, context);

        // then every run of the new file is read, from its first, and the counts start over
        assertThat(all).hasSize(11).startsWith("run_10", "run_9").endsWith("run_0");
        assertThat(context.containsKey(WriteCounts.INSERTED)).isFalse();
    }

    private Path index(List<Integer> runs) throws Exception {
        Path file = temp.resolve("index.json");
        String elements = runs.stream().map(i -> "  {\"run_id\": \"run_" + i + "\", \"status\": \"complete\"}").collect(Collectors.joining(",\n"));
        Files.writeString(file, "{\"runs\": [\n" + elements + "\n]}\n");
        return file;
    }

    private static ExecutionContext readThenSave(Path file, int count) {
        ExecutionContext context = new ExecutionContext();
        JsonArrayItemReader reader = reader(file);
        reader.open(context);
        for (int i = 0; i < count; i++) {
            reader.read();
        }
        reader.update(context);
        reader.close();
        return context;
    }

    private static List<String> readAll(Path file, ExecutionContext context) {
        JsonArrayItemReader reader = reader(file);
        reader.open(context);
        List<String> ids = new ArrayList<>();
        for (SourceRecord<JsonNode> record = reader.read(); record != null; record = reader.read()) {
            ids.add(record.value().get("run_id").asString());
        }
        reader.update(context);
        reader.close();
        return ids;
    }

    private static JsonArrayItemReader reader(Path file) {
        return new JsonArrayItemReader("test.reader", file, "index.json", "runs", null, LegacyJson.mapper());
    }
}
