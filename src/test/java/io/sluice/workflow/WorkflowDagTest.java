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

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_join_takes_its_right_side_from_the_right_dataset_handle_and_goes_on_as_a_chain(TestDatabase database) throws Exception {
        // given orders (left) and customers (right, on the engine's right_dataset handle); a left join on the customer id,
        // then a filter on the joined name: order 3's customer 9 has no name, so it drops out, as do none of the others
        Path orders = write("orders.csv", "order,customer,amount\n1,1,10\n2,2,20\n3,9,30\n4,1,40\n");
        Path customers = write("customers.csv", "customer,name\n1,Ada\n2,Bob\n");
        Path out = temp.resolve("joined.csv");
        Path workflow = write("join.json", """
                {"name": "join", "nodes": [
                  {"id": "customers", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "orders", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "j", "type": "data_transformation", "data": {"transformation_type": "join", "join_type": "left", "on": "customer"}},
                  {"id": "named", "type": "filter", "data": {"column": "name", "operator": "not_null"}},
                  {"id": "out", "type": "export", "data": {"output_path": "%s"}}],
                 "edges": [{"source": "customers", "target": "j", "targetHandle": "right_dataset"}, {"source": "orders", "target": "j"},
                           {"source": "j", "target": "named"}, {"source": "named", "target": "out"}]}
                """.formatted(customers, orders, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("order,customer,amount,name", "1,1,10,Ada", "2,2,20,Bob", "4,1,40,Ada");
        long id = Executions.newest(database);
        assertThat(Executions.steps(database, id)).extracting(Executions.StepCounts::name)
                .containsExactlyInAnyOrder("workflow.customers", "workflow.orders", "workflow.j+named+out");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_merger_node_of_the_ui_joins_its_left_and_right_handles(TestDatabase database) throws Exception {
        // given the UI's merger node with left and right handles, an inner join on differently named keys
        Path left = write("left.csv", "id,x\n1,a\n2,b\n3,c\n");
        Path right = write("right.csv", "key,y\n3,z\n1,w\n");
        Path out = temp.resolve("merged.csv");
        Path workflow = write("merger.json", """
                {"name": "merger", "nodes": [
                  {"id": "l", "type": "dataSource", "data": {"source_path": "%s"}},
                  {"id": "r", "type": "dataSource", "data": {"source_path": "%s"}},
                  {"id": "m", "type": "merger", "data": {"how": "inner", "left_on": "id", "right_on": "key"}},
                  {"id": "o", "type": "output", "data": {"output_path": "%s"}}],
                 "edges": [{"source": "r", "target": "m", "targetHandle": "right"}, {"source": "l", "target": "m", "targetHandle": "left"},
                           {"source": "m", "target": "o"}]}
                """.formatted(left, right, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then: pandas merge(how="inner", left_on="id", right_on="key") keeps both keys, in the left's order
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("id,x,key,y", "1,a,1,w", "3,c,3,z");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_join_whose_sides_cannot_be_told_apart_is_refused_naming_it(TestDatabase database) throws Exception {
        Path a = write("a.csv", "id\n1\n");
        Path workflow = write("ambiguous.json", """
                {"name": "ambiguous", "nodes": [
                  {"id": "a", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "b", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "j", "type": "join", "data": {"on": "id"}}],
                 "edges": [{"source": "a", "target": "j"}, {"source": "b", "target": "j"}]}
                """.formatted(a, a));

        Sluice.Result result = new Sluice(database).run("workflow", "validate", "--file", workflow.toString());

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("node j (join) cannot tell its left input from its right");
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
