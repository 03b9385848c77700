package io.sluice.workflow;

import io.sluice.testing.Executions;
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
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A workflow migrated into the database runs by its id, and its run is recorded in its rows. */
class StoredWorkflowTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_stored_workflow_runs_by_id_and_records_each_node_and_the_workflow(TestDatabase database) throws Exception {
        // given a Data Wrangler store with one workflow, migrated
        Path csv = temp.resolve("in.csv");
        Files.writeString(csv, "k,v\na,1\nb,2\na,3\n");
        Path out = temp.resolve("sums.csv");
        Sluice sluice = new Sluice(database);
        migrate(sluice, "wf-sums", """
                {"name": "sums", "nodes": [
                  {"id": "s", "type": "data_source", "position": {"x": 0, "y": 0}, "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "g", "type": "aggregate", "position": {"x": 1, "y": 0}, "data": {"group_columns": ["k"], "aggregation_functions": {"v": "sum"}}},
                  {"id": "o", "type": "export", "position": {"x": 2, "y": 0}, "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"id": "sg", "source": "s", "target": "g"}, {"id": "go", "source": "g", "target": "o"}]}
                """.formatted(csv, out));

        // when
        Sluice.Result result = sluice.run("workflow", "run", "wf-sums");

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("k,v_sum", "a,4", "b,2");
        assertThat(nodes(database, "wf-sums")).extracting(row -> row.get("id") + "=" + row.get("status"))
                .containsExactly("g=completed", "o=completed", "s=completed");
        assertThat(nodes(database, "wf-sums")).allSatisfy(row -> assertThat(row.get("execution_time_ms")).isNotNull());
        Map<String, Object> workflow = Rows.query(database, "SELECT status, last_run_at FROM workflows WHERE id = 'wf-sums'").get(0);
        assertThat(workflow.get("status")).isEqualTo("completed");
        assertThat(workflow.get("last_run_at")).isNotNull();
        Sluice.Result list = sluice.run("workflow", "list");
        assertThat(list.out()).containsPattern("wf-sums +sums +3 +completed");
        Sluice.Result show = sluice.run("workflow", "show", "wf-sums");
        assertThat(show.out()).containsPattern("(?m)^  g +aggregate +completed +\\d+$");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_stored_workflow_that_fails_marks_its_failed_node_and_skips_the_rest(TestDatabase database) throws Exception {
        // given a stored workflow whose export cannot be written (its folder is a file)
        Path csv = temp.resolve("in.csv");
        Files.writeString(csv, "k,v\na,1\n");
        Path blocked = temp.resolve("blocked");
        Files.writeString(blocked, "a file");
        Sluice sluice = new Sluice(database);
        migrate(sluice, "wf-fails", """
                {"name": "fails", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "g", "type": "aggregate", "data": {"group_columns": ["k"], "aggregation_functions": {"v": "sum"}}},
                  {"id": "f", "type": "filter", "data": {"column": "v_sum", "operator": ">", "value": 0}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"id": "sg", "source": "s", "target": "g"}, {"id": "gf", "source": "g", "target": "f"}, {"id": "fo", "source": "f", "target": "o"}]}
                """.formatted(csv, blocked.resolve("out.csv")));

        // when
        Sluice.Result result = sluice.run("workflow", "run", "wf-fails");

        // then
        assertThat(result.exitCode()).as(result.err()).isEqualTo(1);
        assertThat(nodes(database, "wf-fails")).extracting(row -> row.get("id") + "=" + row.get("status"))
                .containsExactly("f=failed", "g=completed", "o=failed", "s=completed");
        assertThat(Rows.query(database, "SELECT status FROM workflows WHERE id = 'wf-fails'").get(0).get("status")).isEqualTo("failed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void history_lists_each_execution_with_its_nodes_rows_in_and_out(TestDatabase database) throws Exception {
        // given a stored workflow over 4 rows: a filter keeps 3 (v > 1), the sum makes 3 groups (a, b, c), and its export fails once
        Path csv = temp.resolve("in.csv");
        Files.writeString(csv, "k,v\na,1\nb,2\na,3\nc,4\n");
        Path blocked = temp.resolve("blocked");
        Files.writeString(blocked, "a file");
        Sluice sluice = new Sluice(database);
        migrate(sluice, "wf-history", """
                {"name": "history", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "f", "type": "filter", "data": {"column": "v", "operator": ">", "value": 1}},
                  {"id": "g", "type": "aggregate", "data": {"group_columns": ["k"], "aggregation_functions": {"v": "sum"}}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"id": "sf", "source": "s", "target": "f"}, {"id": "fg", "source": "f", "target": "g"}, {"id": "go", "source": "g", "target": "o"}]}
                """.formatted(csv, blocked.resolve("out.csv")));
        Sluice.Result failed = sluice.run("workflow", "run", "wf-history");
        long first = Executions.newest(database);
        Files.delete(blocked);
        Sluice.Result restarted = sluice.run("restart", String.valueOf(first));
        long second = Executions.newest(database);

        // when
        Sluice.Result history = sluice.run("workflow", "history", "wf-history");

        // then
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(restarted.exitCode()).as(restarted.err()).isZero();
        assertThat(history.exitCode()).as(history.err()).isZero();
        String out = history.out();
        assertThat(out.indexOf("Execution " + second + ": COMPLETED")).isNotNegative().isLessThan(out.indexOf("Execution " + first + ": FAILED"));
        String firstRun = out.substring(out.indexOf("Execution " + first));
        assertThat(firstRun).containsPattern("(?m)^  s +completed +4 +\\d+$")
                .containsPattern("(?m)^  f +completed +4 +3 +\\d+$")
                .containsPattern("(?m)^  g +completed +3 +3 +\\d+$")
                .containsPattern("(?m)^  o +failed +\\d+ +\\d+ +\\d+$");
        String secondRun = out.substring(out.indexOf("Execution " + second), out.indexOf("Execution " + first));
        assertThat(secondRun).containsPattern("(?m)^  o +completed +3 +3 +\\d+$").doesNotContainPattern("(?m)^  s ");
        assertThat(sluice.run("workflow", "history", "no-such").exitCode()).isEqualTo(4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void an_imported_workflow_runs_by_id_with_its_paths_resolved_against_its_data_folder(TestDatabase database) throws Exception {
        // given a Data Wrangler data folder whose workflow reads samples/in.csv and writes out/sums.csv, imported twice
        Path folder = temp.resolve("data-folder");
        Files.createDirectories(folder.resolve("samples"));
        Files.createDirectories(folder.resolve("workflows"));
        Files.writeString(folder.resolve("samples").resolve("in.csv"), "k,v\na,1\nb,2\na,3\n");
        Path file = folder.resolve("workflows").resolve("wf-relative.json");
        Files.writeString(file, """
                {"name": "relative", "nodes": [
                  {"id": "s", "type": "data_source", "position": {"x": 0, "y": 0}, "data": {"source_path": "samples/in.csv", "file_type": "csv"}},
                  {"id": "g", "type": "aggregate", "position": {"x": 1, "y": 0}, "data": {"group_columns": ["k"], "aggregation_functions": {"v": "sum"}}},
                  {"id": "o", "type": "export", "position": {"x": 2, "y": 0}, "data": {"export_type": "csv", "output_path": "out/sums.csv"}}],
                 "edges": [{"id": "sg", "source": "s", "target": "g"}, {"id": "go", "source": "g", "target": "o"}]}
                """);
        Sluice sluice = new Sluice(database);
        Sluice.Result first = sluice.run("workflow", "import", file.toString());
        Sluice.Result second = sluice.run("workflow", "import", file.toString());

        // when
        Sluice.Result result = sluice.run("workflow", "run", "wf-relative");

        // then
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("workflow wf-relative (relative): added, 3 nodes, 2 edges");
        assertThat(second.out()).contains("workflow wf-relative (relative): replaced, 3 nodes, 2 edges");
        assertThat(Rows.count(database, "workflow_nodes")).isEqualTo(3L);
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(folder.resolve("out").resolve("sums.csv"))).containsExactly("k,v_sum", "a,4", "b,2");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void an_unknown_workflow_id_is_not_found(TestDatabase database) {
        Sluice.Result result = new Sluice(database).run("workflow", "run", "no-such-workflow");

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err()).contains("no workflow with id 'no-such-workflow'");
    }

    private void migrate(Sluice sluice, String id, String workflow) throws Exception {
        Path store = temp.resolve("store-" + id);
        Files.createDirectories(store.resolve("workflows"));
        Files.writeString(store.resolve("workflows").resolve(id + ".json"), workflow);
        Sluice.Result migrated = sluice.run("migrate", store.toString());
        assertThat(migrated.exitCode()).as(migrated.out() + migrated.err()).isZero();
    }

    private static List<Map<String, Object>> nodes(TestDatabase database, String workflowId) throws Exception {
        return Rows.query(database, "SELECT id, status, execution_time_ms FROM workflow_nodes WHERE workflow_id = '" + workflowId + "' ORDER BY id");
    }
}
