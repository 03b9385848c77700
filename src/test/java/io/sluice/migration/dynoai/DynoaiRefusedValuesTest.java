package io.sluice.migration.dynoai;

import io.sluice.batch.RejectFile;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static io.sluice.migration.dynoai.DynoaiStore.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run holding a value the database refuses is rejected on its own, with the database's reason,
 * its file and location; every other run of its chunk lands once, and verification passes.
 */
class DynoaiRefusedValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RUNS = 250;

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    /** Index positions and the bad run written there; what each database refuses differs. */
    private static Map<Integer, String> refusedRuns(TestDatabase database) {
        String forbidden = run("run_00007", "complete", "2025-12-08T06:18:43.578Z", "a.csv")
                .replace("\"current_stage\": \"export\"", "\"current_stage\": \"forbidden\"");
        if (!database.isPostgres()) {
            return Map.of(7, forbidden,
                    // a year beyond HSQLDB's timestamps
                    130, run("run_00130", "complete", "2025-12-08T06:18:43.578Z", "a.csv")
                            .replace("2025-12-05T11:52:20.493Z", "+300000-01-01T00:00:00Z"));
        }
        return Map.of(7, forbidden,
                // PostgreSQL text cannot hold U+0000: in a text column (sent by binary COPY) and inside jsonb
                42, run("run_00042", "complete", "2025-12-08T06:18:43.578Z", "a.csv")
                        .replace("\"current_stage\": \"export\"", "\"current_stage\": \"ex\\u0000port\""),
                43, run("run_00043", "complete", "2025-12-08T06:18:43.578Z", "a.csv")
                        .replace("{\"avg_correction\": 1.5}", "{\"note\": \"nul \\u0000 here\"}"),
                // beyond PostgreSQL's timestamps (294276 AD), and beyond what binary COPY can encode
                199, run("run_00199", "complete", "2025-12-08T06:18:43.578Z", "a.csv")
                        .replace("2025-12-05T11:52:20.493Z", "+300000-01-01T00:00:00Z"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_value_the_database_refuses_rejects_only_its_run_and_the_rest_of_the_chunk_lands(TestDatabase database) throws Exception {
        // given a database with a check constraint on runs, and a store whose index holds runs it refuses
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aDynoaiStore().writeTo(temp.resolve("empty")).toString()).exitCode()).isZero();
        execute(database, "ALTER TABLE runs ADD CONSTRAINT ck_runs_stage CHECK (current_stage <> 'forbidden')");
        Map<Integer, String> refused = refusedRuns(database);
        DynoaiStore store = aDynoaiStore();
        for (int i = 0; i < RUNS; i++) {
            store.withIndexEntry(refused.getOrDefault(i, run("run_%05d".formatted(i), "complete", "2025-12-08T06:18:43.578Z", "a.csv")));
        }
        String badFolder = run("run_folder_bad", "complete", "2025-12-08T06:18:43.578Z")
                .replace("\"current_stage\": \"export\"", "\"current_stage\": \"forbidden\"");
        store.withRunFolder("run_folder_bad", badFolder, null)
                .withRunFolder("run_folder_good", run("run_folder_good", "complete", "2025-12-08T06:18:43.578Z"), null);
        Path runs = store.writeTo(temp.resolve("store"));

        // when
        Sluice.Result result = sluice.run("migrate", runs.toString(), "--chunk-size", "100");

        // then the job completes, verification passed, and only the refused runs are missing
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        long execution = newestExecution(database);
        assertThat(jobStatus(database, execution)).isEqualTo("COMPLETED");
        int bad = refused.size();
        assertThat(Rows.count(database, "runs")).isEqualTo(RUNS - bad + 1);
        assertThat(Rows.query(database, "SELECT id FROM runs WHERE id IN ('" + String.join("','",
                refused.keySet().stream().map("run_%05d"::formatted).toList()) + "', 'run_folder_bad')")).isEmpty();
        assertThat(Rows.count(database, "run_files")).isEqualTo(RUNS - bad);

        // and each refused run is one reject line naming its file, its place and the database's reason
        List<JsonNode> rejects = rejects(database, execution);
        assertThat(rejects).hasSize(bad + 1);
        for (Map.Entry<Integer, String> entry : refused.entrySet()) {
            JsonNode line = rejects.stream().filter(r -> r.get("location").asString().startsWith("/runs/" + entry.getKey() + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no reject line for /runs/" + entry.getKey() + ": " + rejects));
            assertThat(line.get("file").asString()).isEqualTo("index.json");
            // U+0000 sluice refuses itself, before the database would (StorableValues); the rest the database refuses
            assertThat(line.get("reason").asString()).satisfiesAnyOf(
                    reason -> assertThat(reason).startsWith("rejected by the database: "),
                    reason -> assertThat(reason).contains("U+0000")).doesNotContain("\n");
            assertThat(line.get("raw").asString()).contains("run_%05d".formatted(entry.getKey()));
        }
        assertThat(rejects).anySatisfy(line -> {
            assertThat(line.get("file").asString()).isEqualTo("run_folder_bad/run_state.json");
            assertThat(line.get("reason").asString()).startsWith("rejected by the database: ");
        });

        // and the counts add up, in the job repository and the summary
        Map<String, Object> index = step(database, execution, "migrate.load-index-runs%");
        assertThat(((Number) index.get("write_count")).longValue()).isEqualTo(RUNS - bad);
        assertThat(((Number) index.get("write_skip_count")).longValue() + ((Number) index.get("process_skip_count")).longValue())
                .as("refused by the database when written, or by sluice before (U+0000)").isEqualTo(bad);
        assertThat(result.out()).contains("inserted " + (RUNS - bad + 1) + ", updated 0, unchanged 0, rejected " + (bad + 1));
        assertThat(step(database, execution, "migrate.verify-runs").get("status")).isEqualTo("COMPLETED");

        // when the same store is migrated again
        Sluice.Result again = sluice.run("migrate", runs.toString(), "--chunk-size", "100");

        // then nothing changes, the same runs are refused again, and verification passes again
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("inserted 0, updated 0, unchanged " + (RUNS - bad + 1) + ", rejected " + (bad + 1));
        assertThat(Rows.count(database, "runs")).isEqualTo(RUNS - bad + 1);
    }

    static void execute(TestDatabase database, String sql) throws Exception {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    static List<JsonNode> rejects(TestDatabase database, long execution) throws Exception {
        Path file = RejectFile.pathFor(database.dataDir(), execution);
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The step's row (the sums of its partitions' counts when it was partitioned). */
    static Map<String, Object> step(TestDatabase database, long execution, String namePattern) throws Exception {
        List<Map<String, Object>> rows = Rows.query(database, """
                SELECT STEP_NAME, STATUS, WRITE_COUNT, WRITE_SKIP_COUNT, PROCESS_SKIP_COUNT, READ_COUNT FROM BATCH_STEP_EXECUTION
                WHERE JOB_EXECUTION_ID = %d AND STEP_NAME LIKE '%s'""".formatted(execution, namePattern));
        long writes = 0;
        long skips = 0;
        long processSkips = 0;
        long reads = 0;
        for (Map<String, Object> row : rows) {
            if (rows.size() > 1 && !row.get("step_name").toString().contains(":")) {
                continue; // a partitioned step's manager row sums its partitions already
            }
            writes += ((Number) row.get("write_count")).longValue();
            skips += ((Number) row.get("write_skip_count")).longValue();
            processSkips += ((Number) row.get("process_skip_count")).longValue();
            reads += ((Number) row.get("read_count")).longValue();
        }
        return Map.of("status", rows.get(0).get("status"), "write_count", writes, "write_skip_count", skips,
                "process_skip_count", processSkips, "read_count", reads);
    }

    static long newestExecution(TestDatabase database) throws Exception {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }

    static String jobStatus(TestDatabase database, long id) throws Exception {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }
}
