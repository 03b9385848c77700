package io.sluice.workflow;

import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Data Wrangler workflows over JSON and JSON Lines files, through the CLI in this JVM on both
 * databases: the columns and types a JSON source infers, and a JSON array export that stays one
 * valid array across a failure and a restart.
 */
class WorkflowJsonTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_json_source_has_the_keys_of_its_objects_as_columns_typed_as_pandas_would(TestDatabase database) throws Exception {
        // given objects whose keys differ (city only in the first, nickname only in the third), whose score mixes
        // whole numbers and floats, whose code mixes numbers and text, and whose address is nested
        Path in = write("people.json", """
                [
                  {"id": 1, "name": "Alice", "score": 95, "code": 7, "active": true, "address": {"city": "Berlin", "zip": "10115"}},
                  {"id": 2, "name": "Bob", "score": 88.5, "code": "B-2", "city": "Hamburg", "address": null},
                  {"id": 3, "nickname": "Charlie", "score": null, "code": 9.5, "active": false, "address": [1, 2]}
                ]
                """);
        Path out = temp.resolve("people.jsonl");
        Path workflow = write("people.workflow.json", """
                {"name": "people", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "%s", "file_type": "json"}},
                  {"id": "out", "type": "export", "data": {"export_type": "jsonl", "output_path": "%s"}}],
                 "edges": [{"source": "src", "target": "out"}]}
                """.formatted(in, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then the columns in the order first seen, a missing key null, score a float, code text, the address its JSON text
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(
                "{\"id\":1,\"name\":\"Alice\",\"score\":95.0,\"code\":\"7\",\"active\":true,\"address\":\"{\\\"city\\\":\\\"Berlin\\\",\\\"zip\\\":\\\"10115\\\"}\",\"city\":null,\"nickname\":null}",
                "{\"id\":2,\"name\":\"Bob\",\"score\":88.5,\"code\":\"B-2\",\"active\":null,\"address\":null,\"city\":\"Hamburg\",\"nickname\":null}",
                "{\"id\":3,\"name\":null,\"score\":null,\"code\":\"9.5\",\"active\":false,\"address\":\"[1,2]\",\"city\":null,\"nickname\":\"Charlie\"}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_json_array_export_cut_short_by_a_failure_is_one_whole_array_after_the_restart(TestDatabase database) throws Exception {
        // given 20,000 JSON Lines records whose record 10,000 has a zero divisor, in a workflow that may reject no row,
        // so that the step fails in its second chunk of 8,192 rows after the first was committed to the export
        Path in = temp.resolve("numbers.jsonl");
        Files.writeString(in, numbers(10_000, 0));
        Path out = temp.resolve("out").resolve("numbers.json");
        String definition = """
                {"name": "numbers", "max_rejects": %s, "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "%s", "file_type": "jsonl"}},
                  {"id": "mod", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "rest",
                     "formula": "id %% divisor"}},
                  {"id": "out", "type": "export", "data": {"export_type": "json", "output_path": "%s"}}],
                 "edges": [{"source": "src", "target": "mod"}, {"source": "mod", "target": "out"}]}
                """;
        Path workflow = write("numbers.workflow.json", definition.formatted(0, in, out));
        Sluice sluice = new Sluice(database);
        Sluice.Result failed = sluice.run("workflow", "run", "--file", workflow.toString());
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
        long first = Executions.newest(database);
        assertThat(Files.exists(out)).isFalse();
        Path partial = out.resolveSibling("numbers.json.sluice-partial");
        assertThat(Files.readAllLines(partial)).hasSize(1 + 8192).first().isEqualTo("[");
        assertThat(Files.readAllLines(partial)).last().isEqualTo("{\"id\":8192,\"divisor\":3,\"rest\":2}"); // no closing bracket yet

        // when the workflow allows the bad row and the execution is restarted (the source unchanged: a changed one is refused)
        write("numbers.workflow.json", definition.formatted(1, in, out));
        Sluice.Result restarted = sluice.run("restart", Long.toString(first));

        // then the export is one array of every good record once, in order, and nothing partial is left
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        JsonNode array = JsonMapper.builder().build().readTree(out.toFile());
        assertThat(array.size()).isEqualTo(20_000 - 1);
        for (int i = 0; i < 20_000 - 1; i++) {
            long id = i < 9_999 ? i + 1 : i + 2;
            assertThat(array.get(i).get("id").asLong()).isEqualTo(id);
            assertThat(array.get(i).get("rest").asLong()).isEqualTo(id % 3);
        }
        assertThat(Files.list(out.getParent())).containsExactly(out);
        long second = Executions.newest(database);
        // and the restart read only the rows after the committed chunk
        assertThat(Executions.steps(database, second).get(0).read()).isEqualTo(20_000 - 8_192);
    }

    /** Ids 1 to 20,000 as JSON Lines, each with the divisor 3 but {@code odd} at {@code at}. */
    private static String numbers(int at, int odd) {
        StringBuilder lines = new StringBuilder();
        for (int id = 1; id <= 20_000; id++) {
            lines.append("{\"id\": ").append(id).append(", \"divisor\": ").append(id == at ? odd : 3).append("}\n");
        }
        return lines.toString();
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
