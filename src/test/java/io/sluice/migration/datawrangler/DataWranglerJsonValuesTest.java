package io.sluice.migration.datawrangler;

import io.sluice.batch.LegacyJson;
import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static io.sluice.migration.datawrangler.DataWranglerStore.workflowJson;
import static org.assertj.core.api.Assertions.assertThat;

/** Data Wrangler stores as Python's {@code json} writes them: every value lands exactly, or its record is rejected alone. */
class DataWranglerJsonValuesTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    private static String dataset(String id, String metadata, String description) {
        return """
                {"id": "%s", "name": "Dataset %s", "description": %s, "file_path": "samples/%s.csv",
                 "metadata": %s, "created_at": "2025-02-11T09:30:00", "updated_at": "2025-02-12T10:00:00"}"""
                .formatted(id, id, description, id, metadata);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_value_the_database_cannot_hold_rejects_its_dataset_alone_and_exact_numbers_land_exactly(TestDatabase database) throws Exception {
        // given
        Path store = aStoreIn(temp.resolve("data"))
                .dataset(dataset("nan", "{\"mean\": NaN}", "null"))
                .dataset(dataset("exact", "{\"pi\": 3.141592653589793238462643383279502884197, \"tiny\": 1e-400, \"deep\": "
                        + "[".repeat(600) + "]".repeat(600) + "}", "\"fine\""))
                .dataset(dataset("nul", "{}", "\"a\\u0000b\""))
                .dataset(dataset("later", "{\"max\": 1e400}", "null"))
                .indexed("surrogate", dataset("surrogate", "{}", "\"\\udc00 alone\""))
                .indexed("indexed", dataset("indexed", "{\"inf\": 1}", "null"))
                .write();

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.query(database, "SELECT id FROM datasets ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("exact", "indexed", "later");
        JsonNode exact = metadata(database, "exact");
        assertThat(exact.get("pi").decimalValue()).isEqualByComparingTo("3.141592653589793238462643383279502884197");
        assertThat(exact.get("tiny").decimalValue()).isEqualByComparingTo("1e-400");
        assertThat(metadata(database, "later").get("max").decimalValue()).isEqualByComparingTo("1e400");
        List<JsonNode> rejects = rejectLines(database);
        assertThat(rejects).extracting(line -> line.get("file").asString() + " " + line.get("location").asString().replaceAll(" \\(line \\d+\\)", ""))
                .containsExactlyInAnyOrder("datasets.json /0", "datasets.json /2", "index/datasets.json /datasets/surrogate");
        assertThat(rejects).extracting(line -> line.get("reason").asString())
                .anySatisfy(reason -> assertThat(reason).contains("metadata/mean is NaN"))
                .anySatisfy(reason -> assertThat(reason).contains("description holds the character U+0000 (at character 2)"))
                .anySatisfy(reason -> assertThat(reason).contains("description holds an unpaired surrogate \\udc00 (at character 1)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_dataset_nested_as_deep_as_the_bound_lands_exactly_and_datasets_nested_deeper_are_rejected_alone_while_every_later_one_lands(
            TestDatabase database) throws Exception {
        // given: datasets.json, an entry and its metadata are 3 levels; index/datasets.json adds its object
        int atTheBound = LegacyJson.MAX_DEPTH - 3;
        Path store = aStoreIn(temp.resolve("data"))
                .dataset(dataset("one", "{}", "null"))
                .dataset(dataset("deep", "{\"deep\": " + nested(atTheBound, "1.50") + "}", "null"))
                .dataset(dataset("too_deep", "{\"deep\": " + nested(atTheBound + 1, "1") + "}", "null"))
                .dataset(dataset("abyss", "{\"deep\": " + nested(100_000, "1") + "}", "null"))
                .dataset(dataset("two", "{}", "null"))
                .indexed("indexed_abyss", dataset("indexed_abyss", "{\"deep\": " + nested(100_000, "1") + "}", "null"))
                .indexed("indexed", dataset("indexed", "{}", "null"))
                .write();
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result first = sluice.run("migrate", store.toString());
        long firstExecution = Executions.newest(database);
        Sluice.Result again = sluice.run("migrate", store.toString());

        // then
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(Rows.query(database, "SELECT id FROM datasets ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("deep", "indexed", "one", "two");
        JsonNode deepest = metadata(database, "deep").get("deep");
        for (int level = 0; level < atTheBound; level++) {
            deepest = deepest.get(0);
        }
        assertThat(deepest.decimalValue()).isEqualByComparingTo("1.50");
        assertThat(Executions.total(database, firstExecution)).extracting(Executions.StepCounts::inserted, Executions.StepCounts::rejected)
                .containsExactly(4L, 3L);
        List<JsonNode> rejects = rejectLines(database);
        assertThat(rejects).extracting(line -> line.get("file").asString() + " " + line.get("location").asString())
                .containsExactlyInAnyOrder("datasets.json /2 (line 6)", "datasets.json /3 (line 8)",
                        "index/datasets.json /datasets/indexed_abyss (line 3)");
        assertThat(rejects).allSatisfy(line -> {
            assertThat(line.get("reason").asString()).startsWith("nested deeper than " + LegacyJson.MAX_DEPTH + " levels");
            assertThat(line.get("raw").asString()).startsWith("{\"id\": \"").endsWith("}");
        });
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(Executions.total(database, Executions.newest(database))).extracting(Executions.StepCounts::unchanged)
                .isEqualTo(4L);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_node_position_beyond_a_double_is_rejected_and_the_rest_of_the_workflow_lands_with_exact_data(TestDatabase database) throws Exception {
        // given
        String nodes = """
                [{"id": "n1", "type": "source", "position": {"x": 1e400, "y": 0}, "data": {}},
                 {"id": "n2", "type": "filter", "position": {"x": 10.5, "y": 1e-400}, "data": {}},
                 {"id": "n3", "type": "export", "position": {"x": 0.1, "y": -2}, "data": {"threshold": 0.30000000000000000000001}}]""";
        Path store = aStoreIn(temp.resolve("data")).workflow("wf", workflowJson("Flow", null, nodes, "[]")).write();

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        List<Map<String, Object>> stored = Rows.query(database, "SELECT id, position_x, position_y, data FROM workflow_nodes ORDER BY id");
        assertThat(stored).extracting(row -> row.get("id")).containsExactly("n3");
        assertThat(((Number) stored.get(0).get("position_x")).doubleValue()).isEqualTo(0.1);
        assertThat(LegacyJson.mapper().readTree(String.valueOf(stored.get(0).get("data"))).get("threshold").decimalValue())
                .isEqualByComparingTo("0.30000000000000000000001");
        assertThat(rejectLines(database)).extracting(line -> line.get("location").asString() + ": " + line.get("reason").asString())
                .containsExactlyInAnyOrder("/nodes/0: x 1E+400 is beyond the range of a double precision number",
                        "/nodes/1: y 1E-400 is too small for a double precision number (it would become 0)");
    }

    /** {@code value} inside {@code levels} arrays. */
    private static String nested(int levels, String value) {
        return "[".repeat(levels) + value + "]".repeat(levels);
    }

    private static JsonNode metadata(TestDatabase database, String id) throws Exception {
        Object text = Rows.query(database, "SELECT meta_data FROM datasets WHERE id = '" + id + "'").get(0).get("meta_data");
        return LegacyJson.mapper().readTree(String.valueOf(text));
    }

    private static List<JsonNode> rejectLines(TestDatabase database) throws Exception {
        Path file;
        try (var files = Files.walk(database.dataDir().resolve("executions"))) {
            file = files.filter(path -> path.getFileName().toString().equals("rejects.jsonl")).findFirst().orElseThrow();
        }
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        return text.lines().map(JsonMapper.builder().build()::readTree).toList();
    }
}
