package io.sluice.migration.datawrangler;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static io.sluice.migration.datawrangler.DataWranglerStore.workflowJson;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A dataset or workflow holding a value the database refuses is rejected on its own, with the
 * database's reason, its file and location, never as a false duplicate; the rest of its chunk lands.
 */
class DataWranglerRefusedValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int DATASETS = 30;

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    private static String dataset(String id, String name, String description, String metadata) {
        return """
                {"id": "%s", "name": "%s", "description": "%s", "file_path": "samples/%s.csv",
                 "metadata": %s, "created_at": "2025-02-11T09:30:00", "updated_at": "2025-02-12T10:00:00"}"""
                .formatted(id, name, description, id, metadata);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_value_the_database_refuses_rejects_only_its_dataset_or_workflow(TestDatabase database) throws Exception {
        // given check constraints on names, and (on PostgreSQL) U+0000 in a description, in metadata and in a node
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", "--kind", "data-wrangler", aStoreIn(temp.resolve("empty")).write().toString()).exitCode()).isZero();
        execute(database, "ALTER TABLE datasets ADD CONSTRAINT ck_datasets_name CHECK (name <> 'forbidden')");
        execute(database, "ALTER TABLE workflows ADD CONSTRAINT ck_workflows_name CHECK (name <> 'forbidden')");
        Map<Integer, String> refused = new LinkedHashMap<>();
        refused.put(3, dataset("ds_03", "forbidden", "fine", "{}"));
        if (database.isPostgres()) {
            refused.put(14, dataset("ds_14", "Fine", "a \\u0000 b", "{}"));
            refused.put(15, dataset("ds_15", "Fine", "fine", "{\"note\": \"\\u0000\"}"));
        } else {
            // text is VARCHAR(16777216) on HSQLDB: one character more is over its limit
            refused.put(20, dataset("ds_20", "Fine", "x".repeat(16_777_217), "{}"));
        }
        DataWranglerStore builder = aStoreIn(temp.resolve("data"));
        for (int i = 0; i < DATASETS; i++) {
            builder.dataset(refused.getOrDefault(i, dataset("ds_%02d".formatted(i), "Dataset " + i, "fine", "{\"rows\": " + i + "}")));
        }
        String node = """
                [{"id": "n1", "type": "source", "position": {"x": 1, "y": 2}, "data": {"label": "%s"}}]""";
        builder.workflow("wf_ok", workflowJson("Fine", "ds_00", node.formatted("ok"), "[]"))
                .workflow("wf_forbidden", workflowJson("forbidden", null, node.formatted("ok"), "[]"));
        List<String> refusedWorkflows = new ArrayList<>(List.of("wf_forbidden"));
        if (database.isPostgres()) {
            // U+0000 in a node's data: sluice refuses it before the database does; the node alone is
            // rejected, and the rest of the workflow lands
            builder.workflow("wf_nul", workflowJson("Fine", null, node.formatted("nul \\u0000"), "[]"));
            refusedWorkflows.add("wf_nul");
        }
        Path store = builder.write();

        // when
        Sluice.Result result = sluice.run("migrate", store.toString(), "--chunk-size", "10");

        // then the job completes, verification passed, and only the refused records are missing
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        long execution = newestExecution(database);
        assertThat(jobStatus(database, execution)).isEqualTo("COMPLETED");
        assertThat(Rows.count(database, "datasets")).isEqualTo(DATASETS - refused.size());
        assertThat(Rows.count(database, "workflows")).isEqualTo(database.isPostgres() ? 2 : 1);
        assertThat(Rows.count(database, "workflow_nodes")).isEqualTo(1);

        // and each is one reject line with its file, place and the database's reason, and no false duplicate
        List<JsonNode> rejects = rejects(database, execution);
        assertThat(rejects).hasSize(refused.size() + refusedWorkflows.size());
        assertThat(rejects).allSatisfy(line -> assertThat(line.get("reason").asString())
                .satisfiesAnyOf(reason -> assertThat(reason).startsWith("rejected by the database: "),
                        reason -> assertThat(reason).contains("U+0000"))
                .doesNotContain("duplicate"));
        for (int i : refused.keySet()) {
            assertThat(rejects).anySatisfy(line -> {
                assertThat(line.get("file").asString()).isEqualTo("datasets.json");
                assertThat(line.get("location").asString()).startsWith("/" + i + " (line ");
            });
        }
        for (String workflow : refusedWorkflows) {
            assertThat(rejects).anySatisfy(line -> assertThat(line.get("file").asString()).isEqualTo("workflows/" + workflow + ".json"));
        }
        assertThat(result.out()).contains("inserted " + (DATASETS - refused.size() + (database.isPostgres() ? 2 : 1)) + ", updated 0, unchanged 0, rejected "
                + (refused.size() + refusedWorkflows.size()));
    }

    private static void execute(TestDatabase database, String sql) throws Exception {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static List<JsonNode> rejects(TestDatabase database, long execution) throws Exception {
        Path file = RejectFile.pathFor(database.dataDir(), execution);
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    private static long newestExecution(TestDatabase database) throws Exception {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }

    private static String jobStatus(TestDatabase database, long id) throws Exception {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }
}
