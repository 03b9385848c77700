package io.sluice.migration.datawrangler;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static io.sluice.migration.datawrangler.DataWranglerStore.workflowJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Data Wrangler migration that fails part way (a database trigger refuses one dataset or one
 * workflow) ends FAILED with the chunks before it committed, and its restart reads only the rest and
 * ends with every row once.
 */
class DataWranglerRestartTest {

    private static final int DATASETS = 1000;
    private static final int INDEXED = 100;
    private static final int WORKFLOWS = 1000;
    private static final int CHUNK = 100;

    @TempDir
    Path temp;

    /** Where the fault is: the table whose trigger refuses a row, the row's id, and the step that writes it. */
    record Fault(String table, String id, String step, List<String> restartedSteps) {
        @Override
        public String toString() {
            return step;
        }
    }

    static Stream<Arguments> databasesAndFaults() {
        return Stream.of(new Fault("datasets", "ds-0555", "migrate.load-datasets", List.of("migrate.load-datasets",
                                "migrate.load-dataset-index", "migrate.load-workflows")),
                        new Fault("workflows", "wf-0555", "migrate.load-workflows", List.of("migrate.load-workflows")))
                .flatMap(fault -> TestDatabase.both().map(database -> Arguments.of(database, fault)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("databasesAndFaults")
    void a_failed_migration_restarts_after_its_last_committed_chunk_and_ends_with_every_row_once(TestDatabase database, Fault fault)
            throws Exception {
        // given a database that refuses one row, and a store of a thousand datasets and workflows
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aStoreIn(temp.resolve("empty")).dataset("{\"id\": \"seed\", \"name\": \"seed\"}").write()
                .toString()).exitCode()).isZero();
        poison(database, fault, true);
        Path store = aLargeStore(temp.resolve("store"));

        // when
        Sluice.Result failed = sluice.run("migrate", store.toString(), "--chunk-size", Integer.toString(CHUNK));

        // then the five chunks before the refused row are committed, and nothing after them
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        long failedId = newestExecution(database);
        assertThat(status(database, failedId)).isEqualTo("FAILED");
        Map<String, Object> failedStep = step(database, failedId, fault.step());
        assertThat(failedStep).containsEntry("status", "FAILED").containsEntry("commit_count", 5);
        if (fault.table().equals("datasets")) {
            assertThat(Rows.count(database, "datasets")).isEqualTo(1 + 500);
            assertThat(Rows.count(database, "workflows")).isZero();
        } else {
            assertThat(Rows.count(database, "datasets")).isEqualTo(1 + DATASETS + INDEXED / 2);
            assertThat(Rows.count(database, "workflows")).isEqualTo(500);
            assertThat(Rows.count(database, "workflow_nodes")).isEqualTo(500 * 3);
            assertThat(Rows.count(database, "workflow_edges")).isEqualTo(500 * 2);
        }

        // when the cause is gone and the execution restarted
        poison(database, fault, false);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));

        // then it completes, reading only the rest of the failed step, and every row is there once
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restartedId = newestExecution(database);
        assertThat(status(database, restartedId)).isEqualTo("COMPLETED");
        int total = fault.table().equals("datasets") ? DATASETS : WORKFLOWS;
        assertThat(step(database, restartedId, fault.step())).containsEntry("status", "COMPLETED")
                .containsEntry("read_count", total - 500).containsEntry("write_count", total - 500)
                .containsEntry("write_skip_count", 0).containsEntry("read_skip_count", 0).containsEntry("process_skip_count", 0);
        assertThat(Rows.count(database, "datasets")).isEqualTo(1 + DATASETS + INDEXED / 2);
        assertThat(((Number) Rows.query(database, "SELECT count(DISTINCT id) AS n FROM datasets").get(0).get("n")).longValue())
                .isEqualTo(1 + DATASETS + INDEXED / 2);
        assertThat(Rows.count(database, "dataset_tags")).isEqualTo(INDEXED);
        assertThat(Rows.count(database, "workflows")).isEqualTo(WORKFLOWS);
        assertThat(Rows.count(database, "workflow_nodes")).isEqualTo(WORKFLOWS * 3);
        assertThat(Rows.count(database, "workflow_edges")).isEqualTo(WORKFLOWS * 2);
        assertThat(Rows.count(database, "workflows WHERE dataset_id IS NULL")).as("every workflow linked to its dataset").isZero();
        assertThat(stepsThatRead(database, restartedId)).as("the steps that had completed read nothing again")
                .containsExactlyInAnyOrderElementsOf(fault.restartedSteps());
        assertThat(sluice.run("restart", Long.toString(restartedId)).exitCode()).isEqualTo(5);
    }

    /**
     * {@value DATASETS} datasets in {@code datasets.json}; {@value INDEXED} in the index, half of them
     * new and each with a tag; {@value WORKFLOWS} workflows of three nodes and two edges, each on a dataset.
     */
    private static Path aLargeStore(Path root) {
        DataWranglerStore store = aStoreIn(root);
        for (int i = 1; i <= DATASETS; i++) {
            store.dataset("""
                    {"id": "ds-%04d", "name": "Dataset %d", "file_path": "samples/%d.csv", "metadata": {"rows": %d},
                     "created_at": "2025-02-11T09:30:00", "updated_at": "2025-02-11T09:30:00"}""".formatted(i, i, i, i));
        }
        for (int i = DATASETS - INDEXED / 2 + 1; i <= DATASETS + INDEXED / 2; i++) {
            store.indexed("ds-%04d".formatted(i), """
                    {"id": "ds-%04d", "name": "Indexed %d", "file_path": "samples/%d.csv", "tags": ["tag-%d"], "source": "upload",
                     "metadata": {"file_name": "%d.csv"}, "indexed_at": "2025-02-12T10:00:00", "updated_at": "2025-02-12T10:00:00"}"""
                    .formatted(i, i, i, i, i));
        }
        for (int i = 1; i <= WORKFLOWS; i++) {
            store.workflow("wf-%04d".formatted(i), workflowJson("Workflow " + i, "ds-%04d".formatted(i), """
                    [{"id": "node-1", "type": "dataSource", "position": {"x": 0, "y": 0}, "data": {"datasetId": "ds-%04d"}},
                     {"id": "node-2", "type": "filter", "position": {"x": 200, "y": 0}, "data": {"column": "n", "value": %d}},
                     {"id": "node-3", "type": "output", "position": {"x": 400, "y": 0}}]""".formatted(i, i), """
                    [{"id": "e1", "source": "node-1", "target": "node-2"}, {"source": "node-2", "target": "node-3"}]"""));
        }
        return store.write();
    }

    private static void poison(TestDatabase database, Fault fault, boolean on) throws Exception {
        if (on) {
            database.refuseInserts(fault.table(), fault.id());
        } else {
            database.allowInserts(fault.table());
        }
    }

    private static long newestExecution(TestDatabase database) throws Exception {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }

    private static String status(TestDatabase database, long id) throws Exception {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }

    /** The step's status and counts in the job repository, the counts as ints. */
    private static Map<String, Object> step(TestDatabase database, long executionId, String name) throws Exception {
        List<Map<String, Object>> rows = Rows.query(database, """
                SELECT STATUS, READ_COUNT, WRITE_COUNT, COMMIT_COUNT, READ_SKIP_COUNT, PROCESS_SKIP_COUNT, WRITE_SKIP_COUNT
                FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = %d AND STEP_NAME = '%s'""".formatted(executionId, name));
        assertThat(rows).as(name + " in execution " + executionId).hasSize(1);
        Map<String, Object> step = new LinkedHashMap<>();
        rows.get(0).forEach((column, value) -> step.put(column, value instanceof Number number ? number.intValue() : value));
        return step;
    }

    /**
     * The steps of an execution that read something. A load step that completed earlier runs again on a
     * restart (to notice a source changed since, see RerunOnRestart), but reads nothing from an unchanged one.
     */
    private static List<String> stepsThatRead(TestDatabase database, long executionId) throws Exception {
        return Rows.query(database, "SELECT STEP_NAME FROM BATCH_STEP_EXECUTION WHERE READ_COUNT > 0 AND JOB_EXECUTION_ID = " + executionId)
                .stream().map(row -> (String) row.get("step_name")).toList();
    }
}
