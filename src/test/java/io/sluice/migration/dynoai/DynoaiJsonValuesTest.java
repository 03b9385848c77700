package io.sluice.migration.dynoai;

import io.sluice.batch.LegacyJson;
import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static org.assertj.core.api.Assertions.assertThat;

/** DynoAI stores as Python's {@code json} writes them: every value lands exactly, or its run is rejected alone. */
class DynoaiJsonValuesTest {

    /** Strict JSON, as a reader of the reject file would parse it. */
    private static final ObjectMapper STRICT = JsonMapper.builder().build();

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    /** A run state as Python's json.dumps writes it, with the given results_summary text and extra fields. */
    private static String run(String id, String resultsSummary, String extra) {
        return """
                {"run_id": "%s", "status": "complete", "source": "jetstream", "created_at": "2025-12-05T11:52:20.493Z",
                 "updated_at": "2025-12-08T06:18:43.578Z", "progress_percent": 100, "files": [], "results_summary": %s%s}"""
                .formatted(id, resultsSummary, extra);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void numbers_python_writes_land_exactly_and_a_rerun_finds_them_unchanged(TestDatabase database) throws Exception {
        // given
        String deep = "[".repeat(600) + "1.50" + "]".repeat(600);
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_pi", "{\"pi\": 3.141592653589793238462643383279502884197, \"tiny\": 1e-400,"
                        + " \"huge\": 1e400, \"vast\": 9e9999, \"zeros\": 1.50, \"whole\": 123456789012345678901234567890}", ""))
                .withIndexEntry(run("run_deep", "{\"deep\": " + deep + "}", ""))
                .writeTo(temp);
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result first = sluice.run("migrate", store.toString());
        Sluice.Result again = sluice.run("migrate", store.toString());

        // then
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        JsonNode summary = storedSummary(database, "run_pi");
        assertThat(summary.get("pi").decimalValue()).isEqualByComparingTo("3.141592653589793238462643383279502884197");
        assertThat(summary.get("tiny").decimalValue()).isEqualByComparingTo("1e-400").isNotEqualByComparingTo(BigDecimal.ZERO);
        assertThat(summary.get("huge").decimalValue()).isEqualByComparingTo("1e400");
        assertThat(summary.get("vast").decimalValue()).isEqualByComparingTo("9e9999");
        assertThat(summary.get("zeros").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(summary.get("whole").bigIntegerValue()).hasToString("123456789012345678901234567890");
        JsonNode deepest = storedSummary(database, "run_deep").get("deep");
        for (int level = 0; level < 600; level++) {
            deepest = deepest.get(0);
        }
        assertThat(deepest.decimalValue()).isEqualByComparingTo("1.50");
        assertThat(again.exitCode()).isZero();
        assertThat(again.out()).contains("inserted 0, updated 0, unchanged 2");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_value_the_database_cannot_hold_rejects_its_run_alone_and_every_later_run_lands(TestDatabase database) throws Exception {
        // given: NaN, Infinity, U+0000, a lone surrogate and a number beyond any range, each in one run
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_nan", "{\"score\": NaN}", ""))
                .withIndexEntry(run("run_1", "{}", ""))
                .withIndexEntry(run("run_inf", "{\"scores\": [1, -Infinity]}", ""))
                .withIndexEntry(run("run_nul", "{}", ", \"current_stage\": \"export\\u0000\""))
                .withIndexEntry(run("run_surrogate", "{\"note\": \"\\ud83d\"}", ""))
                .withIndexEntry(run("run_beyond", "{\"x\": 1e99999999999}", ""))
                .withIndexEntry(run("run_2", "{\"emoji\": \"\\ud83d\\ude00\"}", ""))
                .writeTo(temp);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString(), "--partitions", "1");

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.query(database, "SELECT id FROM runs ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("run_1", "run_2");
        assertThat(storedSummary(database, "run_2").get("emoji").asString()).isEqualTo("\uD83D\uDE00");
        List<JsonNode> rejects = rejectLines(database);
        assertThat(rejects).hasSize(5);
        assertThat(rejects).allSatisfy(line -> {
            assertThat(line.get("file").asString()).isEqualTo("index.json");
            assertThat(line.get("location").asString()).matches("/runs/\\d \\(line \\d+\\)");
            assertThat(line.get("reason").asString()).doesNotContain("JsonReadFeature", "enable", "`");
        });
        assertThat(reasonAt(rejects, "/runs/0")).contains("results_summary/score is NaN");
        assertThat(reasonAt(rejects, "/runs/2")).contains("results_summary/scores/1 is -Infinity");
        assertThat(reasonAt(rejects, "/runs/3")).contains("current_stage holds the character U+0000");
        assertThat(reasonAt(rejects, "/runs/4")).contains("results_summary/note holds an unpaired surrogate \\ud83d");
        assertThat(reasonAt(rejects, "/runs/5")).contains("number beyond any range");
        JsonNode surrogate = rejects.stream().filter(line -> line.get("location").asString().startsWith("/runs/4")).findFirst().orElseThrow();
        assertThat(LegacyJson.mapper().readTree(surrogate.get("raw").asString()).get("results_summary").get("note").asString())
                .as("the raw record reads back as the very text it held").isEqualTo("\uD83D");
        assertThat(rejects.stream().filter(line -> line.get("location").asString().startsWith("/runs/5")).findFirst().orElseThrow()
                .get("raw").asString()).contains("\"run_beyond\"", "1e99999999999");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_run_nested_as_deep_as_the_bound_lands_exactly_and_runs_nested_deeper_are_rejected_alone_while_every_later_run_lands(
            TestDatabase database) throws Exception {
        // given: the index, its runs, a run and its results_summary are 4 levels; "deep" adds its arrays
        int atTheBound = LegacyJson.MAX_DEPTH - 4;
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_1", "{}", ""))
                .withIndexEntry(run("run_deep", "{\"deep\": " + nested(atTheBound, "1.50") + "}", ""))
                .withIndexEntry(run("run_too_deep", "{\"deep\": " + nested(atTheBound + 1, "1") + "}", ""))
                .withIndexEntry(run("run_abyss", "{\"deep\": " + nested(100_000, "1") + "}", ""))
                .withIndexEntry(run("run_2", "{}", ""))
                .writeTo(temp);
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result first = sluice.run("migrate", store.toString());
        long firstExecution = Executions.newest(database);
        Sluice.Result again = sluice.run("migrate", store.toString());

        // then
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(Rows.query(database, "SELECT id FROM runs ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("run_1", "run_2", "run_deep");
        JsonNode deepest = storedSummary(database, "run_deep").get("deep");
        for (int level = 0; level < atTheBound; level++) {
            deepest = deepest.get(0);
        }
        assertThat(deepest.decimalValue()).isEqualByComparingTo("1.50");
        assertThat(Executions.total(database, firstExecution)).extracting(Executions.StepCounts::inserted, Executions.StepCounts::rejected)
                .containsExactly(3L, 2L);
        assertThat(verificationSummary(database, firstExecution)).startsWith("runs: source 3, target 3, checksum equal");
        List<JsonNode> rejects = rejectLines(database);
        assertThat(rejects).extracting(line -> line.get("location").asString())
                .containsExactlyInAnyOrder("/runs/2 (line 6)", "/runs/3 (line 8)");
        assertThat(reasonAt(rejects, "/runs/2")).startsWith("nested deeper than " + LegacyJson.MAX_DEPTH + " levels");
        assertThat(reasonAt(rejects, "/runs/3")).startsWith("nested deeper than " + LegacyJson.MAX_DEPTH + " levels");
        assertThat(rawAt(rejects, "/runs/2")).startsWith("{\"run_id\": \"run_too_deep\"").endsWith("}");
        assertThat(rawAt(rejects, "/runs/3")).startsWith("{\"run_id\": \"run_abyss\"").endsWith("}");
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(Executions.total(database, Executions.newest(database))).extracting(Executions.StepCounts::unchanged)
                .isEqualTo(3L);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_run_folder_whose_state_the_database_cannot_hold_is_rejected_with_its_file_and_the_reason(TestDatabase database) throws Exception {
        // given
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_ok", "{}", ""))
                .withRunFolder("run_bad", run("run_bad", "{\"gain\": Infinity}", ""), null)
                .withRunFolder("run_fine", run("run_fine", "{\"gain\": 2.50}", ""), null)
                .writeTo(temp);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.query(database, "SELECT id FROM runs ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("run_fine", "run_ok");
        assertThat(storedSummary(database, "run_fine").get("gain").decimalValue()).isEqualByComparingTo("2.50");
        List<JsonNode> rejects = rejectLines(database);
        assertThat(rejects).singleElement().satisfies(line -> {
            assertThat(line.get("file").asString()).isEqualTo("run_bad/run_state.json");
            assertThat(line.get("location").asString()).isEqualTo("/");
            assertThat(line.get("reason").asString()).contains("results_summary/gain is Infinity");
        });
    }

    @ParameterizedTest
    @MethodSource("databases")
    void an_index_that_is_a_folder_is_reported_as_such_and_the_run_folders_still_land(TestDatabase database) throws Exception {
        // given
        Path store = aDynoaiStore()
                .withRunFolder("run_fine", run("run_fine", "{}", ""), null)
                .writeTo(temp);
        Path index = store.resolve("index.json");
        Files.delete(index);
        Files.createDirectories(index);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString(), "--kind", "dynoai");

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.count(database, "runs")).isEqualTo(1);
        assertThat(rejectLines(database)).as("the folder index.json is also met as a run folder without a state")
                .anySatisfy(line -> {
            assertThat(line.get("file").asString()).isEqualTo("index.json");
            assertThat(line.get("location").asString()).isEqualTo("line 1");
            assertThat(line.get("reason").asString()).isEqualTo("cannot be read: it is a folder, not a file");
        });
    }

    private static String reasonAt(List<JsonNode> rejects, String pointer) {
        return rejects.stream().filter(line -> line.get("location").asString().startsWith(pointer + " "))
                .map(line -> line.get("reason").asString()).findFirst().orElseThrow(() -> new AssertionError("no reject at " + pointer + ": " + rejects));
    }

    /** {@code value} inside {@code levels} arrays. */
    private static String nested(int levels, String value) {
        return "[".repeat(levels) + value + "]".repeat(levels);
    }

    /** The exit description of the execution's verification step: "runs: source 3, target 3, ...". */
    private static String verificationSummary(TestDatabase database, long execution) throws Exception {
        return (String) Rows.query(database, "SELECT EXIT_MESSAGE FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + execution
                + " AND STEP_NAME = 'migrate.verify-runs'").get(0).get("exit_message");
    }

    private static String rawAt(List<JsonNode> rejects, String pointer) {
        return rejects.stream().filter(line -> line.get("location").asString().startsWith(pointer + " "))
                .map(line -> line.get("raw").asString()).findFirst().orElseThrow(() -> new AssertionError("no reject at " + pointer));
    }

    private static JsonNode storedSummary(TestDatabase database, String id) throws Exception {
        Map<String, Object> row = Rows.query(database, "SELECT results_summary FROM runs WHERE id = '" + id + "'").get(0);
        return LegacyJson.mapper().readTree(String.valueOf(row.get("results_summary")));
    }

    /** Every line of the execution's reject file, each parsed as strict JSON from strict UTF-8. */
    static List<JsonNode> rejectLines(TestDatabase database) throws Exception {
        Path file;
        try (var files = Files.walk(database.dataDir().resolve("executions"))) {
            file = files.filter(path -> path.getFileName().toString().equals("rejects.jsonl")).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(file);
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString(); // fails on invalid UTF-8
        assertThat(text).endsWith("\n");
        return text.lines().map(STRICT::readTree).toList();
    }
}
