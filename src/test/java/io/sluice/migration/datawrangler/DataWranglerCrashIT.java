package io.sluice.migration.datawrangler;

import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static io.sluice.migration.datawrangler.DataWranglerStore.workflowJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Data Wrangler migration runs in a JVM of its own (the packaged jar), which is killed with
 * SIGKILL while it loads the workflow files; the execution is then recovered and restarted, and the
 * database must equal a clean run's, row for row.
 */
class DataWranglerCrashIT {

    private static final int DATASETS = 5_000;
    private static final int WORKFLOWS = 8_000;
    /** Workflows committed before the kill: the dataset steps are done, the workflow step is part way. */
    private static final int WORKFLOWS_BEFORE_KILL = 1_000;

    /** What is compared, table by table, in key order. */
    private static final List<String> CONTENT = List.of(
            "SELECT id, name, description, file_path, source, meta_data, created_at, updated_at, indexed_at FROM datasets ORDER BY id",
            "SELECT dt.dataset_id, t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id ORDER BY dt.dataset_id, t.name",
            "SELECT id, name, description, dataset_id, dangling_dataset_id, template, created_at, updated_at, created_by, is_ai_generated,"
                    + " meta_data FROM workflows ORDER BY id",
            "SELECT workflow_id, id, type, position_x, position_y, data FROM workflow_nodes ORDER BY workflow_id, id",
            "SELECT workflow_id, id, source, target, source_handle, target_handle, type FROM workflow_edges ORDER BY workflow_id, id");

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_migration_killed_mid_run_is_recovered_and_restarted_to_the_same_database_as_a_clean_run(TestDatabase database)
            throws Exception {
        // given a large store, and a clean run of it for reference
        Path store = aLargeStore(temp.resolve("store"));
        TestDatabase reference = database.isPostgres() ? TestDatabase.postgres() : TestDatabase.hsqldb();
        assertThat(new Sluice(reference).run("migrate", store.toString()).exitCode()).isZero();

        // when the migration is killed while it loads the workflows
        Process process = PackagedJar.start(database, temp.resolve("killed.log"), "migrate", store.toString(), "--chunk-size", "500");
        PackagedJar.awaitCount(database, process, "SELECT count(*) FROM workflows", WORKFLOWS_BEFORE_KILL, Duration.ofMinutes(5));
        process.destroyForcibly().waitFor();
        database.awaitReleasedByKilledProcess();

        // then the execution is left running; recover and restart complete it
        Sluice sluice = new Sluice(database);
        long id = ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
        assertThat(status(database, id)).isEqualTo("STARTED");
        // every commit seen before the kill is still there (HSQLDB without write delay: V7)
        long committed = Rows.count(database, "workflows");
        assertThat(committed).as("killed part way").isBetween((long) WORKFLOWS_BEFORE_KILL, WORKFLOWS - 1L);
        Sluice.Result recovered = sluice.run("recover", Long.toString(id));
        assertThat(recovered.exitCode()).as(recovered.out() + recovered.err()).isZero();
        assertThat(status(database, id)).isEqualTo("FAILED");
        Sluice.Result restarted = sluice.run("restart", Long.toString(id));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();

        long restartedId = ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id"))
                .longValue();
        assertThat(status(database, restartedId)).isEqualTo("COMPLETED");
        Map<String, Object> workflowStep = Rows.query(database, """
                SELECT READ_COUNT, WRITE_COUNT FROM BATCH_STEP_EXECUTION
                WHERE JOB_EXECUTION_ID = %d AND STEP_NAME = 'migrate.load-workflows'""".formatted(restartedId)).get(0);
        assertThat(((Number) workflowStep.get("read_count")).longValue()).as("only what the killed run had not committed is read again")
                .isEqualTo(WORKFLOWS - committed);
        assertThat(Rows.count(database, "workflows")).isEqualTo(WORKFLOWS);
        for (String content : CONTENT) {
            assertThat(dump(database, content)).as(content).isEqualTo(dump(reference, content));
        }
    }

    /**
     * {@value DATASETS} datasets, the last hundred of them also in the index with a tag (half of
     * those new), and {@value WORKFLOWS} workflows of four nodes and three edges (one without id).
     */
    private static Path aLargeStore(Path root) {
        DataWranglerStore store = aStoreIn(root);
        for (int i = 1; i <= DATASETS; i++) {
            store.dataset("""
                    {"id": "ds-%05d", "name": "Dataset %d", "description": "rows of %d", "file_path": "samples/%d.csv",
                     "metadata": {"rows": %d, "format": "csv"}, "created_at": "2025-02-11T09:30:00.%06d",
                     "updated_at": "2025-02-11T09:30:00Z"}""".formatted(i, i, i, i, i, i));
        }
        for (int i = DATASETS - 49; i <= DATASETS + 50; i++) {
            store.indexed("ds-%05d".formatted(i), """
                    {"id": "ds-%05d", "name": "Indexed %d", "file_path": "samples/%d.csv", "tags": ["tag-%d", "all"],
                     "source": "kaggle", "metadata": {"file_name": "%d.csv"}, "indexed_at": "2025-02-12T10:00:00",
                     "updated_at": "2025-02-12T10:00:00"}""".formatted(i, i, i, i % 7, i));
        }
        for (int i = 1; i <= WORKFLOWS; i++) {
            store.workflow("wf-%05d".formatted(i), workflowJson("Workflow " + i, "ds-%05d".formatted(i), """
                    [{"id": "node-1", "type": "dataSource", "position": {"x": 0, "y": 0}, "data": {"datasetId": "ds-%05d"}},
                     {"id": "node-2", "type": "filter", "position": {"x": 200, "y": %d.5}, "data": {"column": "n", "value": %d}},
                     {"id": "node-3", "type": "transform", "position_x": 400, "position_y": 0, "data": {"operation": "groupBy"}},
                     {"id": "node-4", "type": "output"}]""".formatted(i, i, i), """
                    [{"id": "e1", "source": "node-1", "target": "node-2"}, {"source": "node-2", "target": "node-3"},
                     {"id": "e3", "source": "node-3", "target": "node-4", "sourceHandle": "out", "type": "default"}]"""));
        }
        return store.write();
    }

    private static String status(TestDatabase database, long id) throws Exception {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }

    private static List<String> dump(TestDatabase database, String sql) throws Exception {
        return Rows.query(database, sql).stream().map(row -> row.values().toString()).toList();
    }
}
