package io.sluice.workflow;

import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workflows beyond chains: a node that feeds several others, independent branches side by side, and
 * a failed branch restarted alone; expected outputs worked out by hand from the inputs written here.
 */
class WorkflowDagTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_node_that_feeds_two_branches_gives_each_all_its_rows(TestDatabase database) throws Exception {
        // given orders filtered to the big ones (amount >= 10: ids 2, 3, 4), then exported whole and summed by region
        Path csv = write("orders.csv", "id,region,amount\n1,EU,5\n2,EU,10\n3,US,20\n4,EU,30\n");
        Path all = temp.resolve("out/big.csv");
        Path byRegion = temp.resolve("out/by-region.csv");
        Path workflow = write("fan-out.json", """
                {"name": "fan-out", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "big", "type": "filter", "data": {"column": "amount", "operator": ">=", "value": 10}},
                  {"id": "all", "type": "export", "data": {"output_path": "%s"}},
                  {"id": "sum", "type": "aggregate", "data": {"group_columns": ["region"], "aggregation_functions": {"amount": ["sum"]}}},
                  {"id": "regions", "type": "export", "data": {"output_path": "%s"}}],
                 "edges": [{"source": "src", "target": "big"}, {"source": "big", "target": "all"},
                           {"source": "big", "target": "sum"}, {"source": "sum", "target": "regions"}]}
                """.formatted(csv, all, byRegion));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(all)).containsExactly("id,region,amount", "2,EU,10", "3,US,20", "4,EU,30");
        assertThat(Files.readAllLines(byRegion)).containsExactly("region,amount_sum", "EU,40", "US,20");
        long id = Executions.newest(database);
        assertThat(Executions.steps(database, id)).extracting(Executions.StepCounts::name)
                .containsExactlyInAnyOrder("workflow.src+big", "workflow.all", "workflow.sum", "workflow.regions");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void independent_branches_run_side_by_side_and_a_failed_one_alone_is_run_again(TestDatabase database) throws Exception {
        // given two sources each exported on its own; the second's export goes into a folder that is a file, so it fails
        Path first = write("first.csv", "a\n1\n2\n");
        Path second = write("second.csv", "b\nx\ny\nz\n");
        Path blocker = write("blocked", "not a folder");
        Path firstOut = temp.resolve("first-out.csv");
        Path secondOut = blocker.resolve("second-out.csv");
        Path workflow = write("branches.json", """
                {"name": "branches", "nodes": [
                  {"id": "one", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "one-out", "type": "export", "data": {"output_path": "%s"}},
                  {"id": "two", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "two-out", "type": "export", "data": {"output_path": "%s"}}],
                 "edges": [{"source": "one", "target": "one-out"}, {"source": "two", "target": "two-out"}]}
                """.formatted(first, firstOut, second, secondOut));
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result failed = sluice.run("workflow", "run", "--file", workflow.toString());
        long id = Executions.newest(database);
        Files.delete(blocker);
        Sluice.Result restarted = sluice.run("restart", String.valueOf(id));

        // then
        assertThat(failed.exitCode()).as(failed.err()).isNotZero();
        assertThat(restarted.exitCode()).as(restarted.err()).isZero();
        assertThat(Files.readAllLines(firstOut)).containsExactly("a", "1", "2");
        assertThat(Files.readAllLines(secondOut)).containsExactly("b", "x", "y", "z");
        long restart = Executions.newest(database);
        assertThat(Executions.steps(database, restart)).extracting(Executions.StepCounts::name)
                .containsExactly("workflow.two+two-out");
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
