package io.sluice.migration.datawrangler;

import io.sluice.batch.RejectFile;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static io.sluice.migration.datawrangler.DataWranglerStore.workflowJson;
import static org.assertj.core.api.Assertions.assertThat;

/** A Data Wrangler migration that failed part way restarts, and notices the catalogue that changed since. */
class DataWranglerSourceChangeTest {

    private static final String POISONED_WORKFLOW = "wf_b";

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    private static String dataset(String id, String name, String updatedAt) {
        return """
                {"id": "%s", "name": "%s", "description": "d", "file_path": "samples/%s.csv", "metadata": {},
                 "created_at": "2025-02-11T09:30:00", "updated_at": "%s"}""".formatted(id, name, id, updatedAt);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_restart_after_datasets_json_was_rewritten_loads_it_again_and_completes_with_every_record_once(TestDatabase database)
            throws Exception {
        // given a migration whose datasets step completed and whose workflow step failed on a refused workflow
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", "--kind", "data-wrangler", aStoreIn(temp.resolve("empty")).write().toString()).exitCode()).isZero();
        poison(database, true);
        DataWranglerStore first = aStoreIn(temp.resolve("data"));
        for (int i = 0; i < 30; i++) {
            first.dataset(dataset("ds_%02d".formatted(i), "Dataset " + i, "2025-02-12T10:00:00"));
        }
        String node = "[{\"id\": \"n1\", \"type\": \"source\", \"position\": {\"x\": 1, \"y\": 2}, \"data\": {}}]";
        Path store = first.workflow("wf_a", workflowJson("A", "ds_00", node, "[]"))
                .workflow(POISONED_WORKFLOW, workflowJson("B", "ds_01", node, "[]")).write();
        Sluice.Result failed = sluice.run("migrate", store.toString(), "--chunk-size", "10");
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        long failedId = newestExecution(database);
        assertThat(Rows.count(database, "datasets")).isEqualTo(30);

        // when Data Wrangler rewrote datasets.json since (newest first, one renamed, one added) and the cause is gone
        StringBuilder rewritten = new StringBuilder("[\n  " + dataset("ds_30", "Dataset 30", "2025-03-01T10:00:00"));
        for (int i = 29; i >= 0; i--) {
            rewritten.append(",\n  ").append(i == 5 ? dataset("ds_05", "Renamed", "2025-03-01T09:00:00")
                    : dataset("ds_%02d".formatted(i), "Dataset " + i, "2025-02-12T10:00:00"));
        }
        Files.writeString(store.resolve("datasets.json"), rewritten + "\n]\n");
        poison(database, false);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));

        // then the completed datasets step noticed the change and loaded the new catalogue; everything is there once
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restartedId = newestExecution(database);
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + restartedId)
                .get(0).get("status")).isEqualTo("COMPLETED");
        assertThat(Rows.count(database, "datasets")).isEqualTo(31);
        assertThat(Rows.query(database, "SELECT name FROM datasets WHERE id = 'ds_05'").get(0).get("name")).isEqualTo("Renamed");
        assertThat(Rows.count(database, "workflows")).isEqualTo(2);
        assertThat(Files.exists(RejectFile.pathFor(database.dataDir(), restartedId))).as("no reject").isFalse();
        assertThat(restarted.out()).contains("datasets.json changed since the last commit: read again from the start");
        // ds_30 and the two workflows of the rolled-back chunk inserted, ds_05 updated, the other datasets unchanged
        assertThat(restarted.out()).contains("inserted 3, updated 1, unchanged 29, rejected 0");
    }

    private static void poison(TestDatabase database, boolean on) throws Exception {
        if (on) {
            database.refuseInserts("workflows", POISONED_WORKFLOW);
        } else {
            database.allowInserts("workflows");
        }
    }

    private static long newestExecution(TestDatabase database) throws Exception {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }
}
