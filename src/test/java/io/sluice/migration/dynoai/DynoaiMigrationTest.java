package io.sluice.migration.dynoai;

import io.sluice.testing.Executions;
import io.sluice.testing.Executions.StepCounts;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static io.sluice.migration.dynoai.DynoaiStore.manifest;
import static io.sluice.migration.dynoai.DynoaiStore.run;
import static org.assertj.core.api.Assertions.assertThat;

class DynoaiMigrationTest {

    @TempDir
    Path temp;

    static java.util.stream.Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void index_runs_and_run_folders_land_and_the_folder_adds_sizes_paths_and_the_manifest(TestDatabase database) throws Exception {
        // given
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_a", "complete", "2025-12-08T06:18:43.578Z", "a.csv", "b.txt"))
                .withIndexEntry(run("run_b", "error", "2025-12-08T06:18:43.578Z"))
                .withRunFolder("run_a", run("run_a", "complete", "2025-12-08T06:18:43.578Z", "a.csv", "b.txt"),
                        manifest("C:\\\\raw\\\\run_a.csv"), "a.csv", "b.txt")
                .withRunFolder("run_c", "{\"run_id\": \"run_c\", \"status\": \"complete\", \"source\": \"timeline_demo\","
                        + " \"created_at\": \"2025-12-06T00:03:47.081238+00:00\", \"updated_at\": \"2025-12-06T00:03:47.081238+00:00\"}",
                        null, "VE_Final.csv")
                .writeTo(temp);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Rows.count(database, "runs")).isEqualTo(3);
        List<Map<String, Object>> files = Rows.query(database,
                "SELECT run_id, filename, file_type, size_bytes, storage_path FROM run_files ORDER BY run_id, filename");
        assertThat(files).extracting(row -> row.get("run_id") + "/" + row.get("filename"))
                .containsExactly("run_a/a.csv", "run_a/b.txt", "run_c/VE_Final.csv");
        assertThat(files.get(0)).containsEntry("file_type", "csv").containsEntry("storage_path", "run_a/output/a.csv");
        assertThat(((Number) files.get(0).get("size_bytes")).longValue()).isEqualTo(16L);
        Map<String, Object> runA = Rows.query(database, "SELECT input_filename, config_snapshot, jetstream_metadata FROM runs WHERE id = 'run_a'").get(0);
        assertThat(runA.get("input_filename")).isEqualTo("run_a.csv");
        assertThat(String.valueOf(runA.get("config_snapshot"))).contains("clamp");
        assertThat(String.valueOf(runA.get("jetstream_metadata"))).contains("peak_hp");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_second_run_over_the_same_store_changes_nothing_and_a_grown_store_adds_only_what_changed(TestDatabase database) throws Exception {
        // given
        Sluice sluice = new Sluice(database);
        Path store = aDynoaiStore().withIndexRuns(30)
                .withRunFolder("run_00001", run("run_00001", "complete", "2025-12-08T06:18:43.578Z", "a.csv"), manifest("in.csv"), "a.csv")
                .writeTo(temp);
        assertThat(sluice.run("migrate", store.toString()).exitCode()).isZero();
        List<Map<String, Object>> runs = Rows.query(database, "SELECT * FROM runs ORDER BY id");
        List<Map<String, Object>> files = Rows.query(database, "SELECT * FROM run_files ORDER BY id");

        // when
        Sluice.Result again = sluice.run("migrate", store.toString());

        // then
        assertThat(again.exitCode()).isZero();
        assertThat(Executions.total(database, Executions.newest(database)))
                .extracting(StepCounts::read, StepCounts::inserted, StepCounts::updated, StepCounts::unchanged, StepCounts::rejected)
                .containsExactly(31L, 0L, 0L, 31L, 0L);
        assertThat(Rows.query(database, "SELECT * FROM runs ORDER BY id")).isEqualTo(runs);
        assertThat(Rows.query(database, "SELECT * FROM run_files ORDER BY id")).isEqualTo(files);
        assertThat(runs).hasSize(30);
        assertThat(files).hasSize(59);

        // when the store grows and one run is updated
        Path grown = aDynoaiStore().withIndexRuns(32)
                .withIndexEntry(run("run_00002", "error", "2026-01-01T00:00:00Z"))
                .withRunFolder("run_00001", run("run_00001", "complete", "2025-12-08T06:18:43.578Z", "a.csv"), manifest("in.csv"), "a.csv")
                .writeTo(temp.resolve("grown"));
        Sluice.Result third = sluice.run("migrate", grown.toString());

        // then the duplicate id is rejected, the two new runs are added, nothing else changes
        assertThat(third.exitCode()).isZero();
        assertThat(Executions.total(database, Executions.newest(database)))
                .extracting(StepCounts::skipped, StepCounts::inserted, StepCounts::updated, StepCounts::unchanged, StepCounts::rejected)
                .containsExactly(1L, 2L, 0L, 31L, 1L);
        assertThat(Rows.query(database, "SELECT * FROM runs WHERE id NOT IN ('run_00030', 'run_00031') ORDER BY id")).isEqualTo(runs);
        assertThat(Rows.count(database, "runs")).isEqualTo(32);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void json_that_the_database_spells_differently_still_counts_as_unchanged(TestDatabase database) throws Exception {
        // given a run folder whose summary holds -0.0 and 1e2, which PostgreSQL's jsonb gives back as 0.0 and 100
        Sluice sluice = new Sluice(database);
        String state = run("run_a", "complete", "2025-12-08T06:18:43.578Z")
                .replace("{\"avg_correction\": 1.5}", "{\"avg_correction\": -0.0, \"cells\": 1e2, \"z\": {\"b\": 1, \"a\": 2}}");
        Path store = aDynoaiStore().withIndexEntry(state).withRunFolder("run_a", state, manifest("in.csv")).writeTo(temp);
        assertThat(sluice.run("migrate", store.toString()).exitCode()).isZero();

        // when
        Sluice.Result again = sluice.run("migrate", store.toString());

        // then
        assertThat(again.exitCode()).isZero();
        assertThat(Executions.total(database, Executions.newest(database)))
                .extracting(StepCounts::inserted, StepCounts::updated, StepCounts::unchanged)
                .containsExactly(0L, 0L, 2L);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void bad_records_go_to_the_reject_file_with_their_location_and_the_good_ones_land(TestDatabase database) throws Exception {
        // given
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_good_1", "complete", "2025-12-08T06:18:43.578Z", "a.csv"))
                .withIndexEntry("{\"status\": \"complete\", \"source\": \"jetstream\", \"created_at\": \"2025-12-05T11:52:20Z\"}")
                .withIndexEntry(run("run_bad_status", "exploded", "2025-12-08T06:18:43.578Z"))
                .withIndexEntry(run("run_bad_progress", "complete", "2025-12-08T06:18:43.578Z").replace("\"progress_percent\": 100", "\"progress_percent\": \"sixty\""))
                .withIndexEntry(run("run_bad_stage", "complete", "2025-12-08T06:18:43.578Z").replace("\"export\"", "\"" + "x".repeat(5000) + "\""))
                .withIndexEntry(run("run_bad_time", "complete", "2025-12-08T06:18:43.578Z").replace("2025-12-05T11:52:20.493Z", "yesterday at noon"))
                .withIndexEntry(run("run_good_1", "complete", "2025-12-08T06:18:43.578Z"))
                .withIndexEntry(run("run_good_2", "pending", "2025-12-08T06:18:43.578Z"))
                .writeTo(temp);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString(), "--fail-on-rejects");

        // then
        assertThat(result.exitCode()).as(result.err()).isEqualTo(3);
        assertThat(Rows.query(database, "SELECT id FROM runs ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("run_good_1", "run_good_2");
        List<String> rejects = Files.readAllLines(onlyRejectFile(database));
        assertThat(rejects).hasSize(6);
        assertThat(rejects).as("partitions write their rejects side by side, so in no set order")
                .anySatisfy(line -> assertThat(line).contains("\"file\":\"index.json\"", "/runs/1 ", "missing run_id"));
        assertThat(String.join("\n", rejects)).contains("unknown status 'exploded'", "progress_percent \\\"sixty\\\"",
                "current_stage is 5000 characters", "created_at 'yesterday at noon'", "duplicate run_id 'run_good_1'");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_truncated_index_keeps_the_runs_before_the_fault_and_the_run_folders_still_migrate(TestDatabase database) throws Exception {
        // given
        String truncated = "{\"runs\": [\n" + run("run_a", "complete", "2025-12-08T06:18:43.578Z") + ",\n"
                + run("run_b", "complete", "2025-12-08T06:18:43.578Z") + ",\n{\"run_id\": \"run_c\", \"sta";
        Path store = aDynoaiStore().withRawIndex(truncated)
                .withRunFolder("run_d", run("run_d", "complete", "2025-12-08T06:18:43.578Z"), null)
                .writeTo(temp);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Executions.total(database, Executions.newest(database)).rejected()).isEqualTo(1);
        assertThat(Rows.query(database, "SELECT id FROM runs ORDER BY id")).extracting(row -> row.get("id"))
                .containsExactly("run_a", "run_b", "run_d");
        assertThat(Files.readString(onlyRejectFile(database))).contains("\"file\":\"index.json\"", "line 8", "not valid JSON");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void an_index_that_is_not_utf8_or_empty_is_reported_and_the_rest_of_the_store_migrates(TestDatabase database) throws Exception {
        // given
        Path store = aDynoaiStore().withRawIndex("")
                .withRunFolder("run_d", run("run_d", "complete", "2025-12-08T06:18:43.578Z"), null)
                .writeTo(temp);

        // when
        Sluice.Result empty = new Sluice(database).run("migrate", store.toString());
        long emptyId = Executions.newest(database);
        Files.write(store.resolve("index.json"), new byte[] {'{', '"', 'r', (byte) 0xC3, (byte) 0x28, '"', ':', '[', ']', '}'});
        Sluice.Result notUtf8 = new Sluice(database).run("migrate", store.toString());
        long notUtf8Id = Executions.newest(database);

        // then
        assertThat(empty.exitCode()).isZero();
        assertThat(notUtf8.exitCode()).isZero();
        assertThat(Rows.count(database, "runs")).isEqualTo(1);
        assertThat(Executions.total(database, emptyId).rejected()).isEqualTo(1);
        assertThat(Executions.total(database, notUtf8Id).rejected()).isEqualTo(1);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_dry_run_reports_what_would_change_and_leaves_the_database_unchanged(TestDatabase database) throws Exception {
        // given
        Sluice sluice = new Sluice(database);
        Path store = aDynoaiStore().withIndexRuns(10).writeTo(temp);

        // when
        Sluice.Result dryRun = sluice.run("migrate", store.toString(), "--dry-run");

        // then
        assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
        assertThat(Executions.total(database, Executions.newest(database)).inserted()).as("would insert").isEqualTo(10);
        assertThat(Rows.count(database, "runs")).isZero();
        assertThat(Rows.count(database, "run_files")).isZero();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_chunk_whose_records_are_all_rejected_leaves_the_other_chunks_to_land(TestDatabase database) throws Exception {
        // given
        Path store = aDynoaiStore()
                .withIndexEntry("{\"run_id\": \"x\"}")
                .withIndexEntry("{\"run_id\": \"y\"}")
                .withIndexEntry(run("run_good", "complete", "2025-12-08T06:18:43.578Z"))
                .writeTo(temp);

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString(), "--chunk-size", "2");

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Executions.total(database, Executions.newest(database)))
                .extracting(StepCounts::inserted, StepCounts::updated, StepCounts::unchanged, StepCounts::rejected)
                .containsExactly(1L, 0L, 0L, 2L);
        assertThat(Rows.count(database, "runs")).isEqualTo(1);
    }

    private static Path onlyRejectFile(TestDatabase database) throws Exception {
        try (var files = Files.walk(database.dataDir().resolve("executions"))) {
            return files.filter(path -> path.getFileName().toString().equals("rejects.jsonl")).findFirst().orElseThrow();
        }
    }
}
