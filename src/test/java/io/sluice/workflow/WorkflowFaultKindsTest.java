package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kinds of input that once went wrong quietly: each is now refused before launch, or lands as pandas would have it. */
class WorkflowFaultKindsTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @Test
    void a_route_from_a_port_other_than_the_main_output_is_refused_naming_it() throws Exception {
        Path job = write("fail-route.json", """
                {"name": "fail route", "components": [
                  {"name": "r", "comp_type": "read_csv", "filepath": "%s", "routes": {"out": [{"to": "f", "in_port": "in"}]}},
                  {"name": "f", "comp_type": "filter", "rule": {"column": "name", "operator": "==", "value": "Bob"},
                   "routes": {"fail": [{"to": "w", "in_port": "in"}]}},
                  {"name": "w", "comp_type": "write_csv", "filepath": "%s"}]}
                """.formatted(people(), temp.resolve("out.csv")));

        assertThatThrownBy(() -> plan(job)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node f (filter) sends its 'fail' output to node w");
    }

    @Test
    void every_source_chain_is_checked_even_after_a_problem_in_another() throws Exception {
        Path workflow = write("two.json", """
                {"name": "two", "nodes": [
                  {"id": "a", "type": "data_source", "data": {"source_path": "%1$s", "file_type": "csv"}},
                  {"id": "fa", "type": "filter", "data": {"column": "nope", "operator": "==", "value": 1}},
                  {"id": "b", "type": "data_source", "data": {"source_path": "%1$s", "file_type": "csv"}},
                  {"id": "fb", "type": "filter", "data": {"column": "missing", "operator": "==", "value": 1}}],
                 "edges": [{"source": "a", "target": "fa"}, {"source": "b", "target": "fb"}]}
                """.formatted(people()));

        assertThatThrownBy(() -> plan(workflow)).hasMessageContaining("column nope").hasMessageContaining("column missing");
    }

    @Test
    void a_cycle_and_a_bad_formula_hide_no_other_problem() throws Exception {
        // given a chain with a broken formula, then an expression that reaches for a class, then a filter on a missing
        // column; and, apart from it, two nodes in a cycle
        Path workflow = write("many.json", """
                {"name": "many", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "bad", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "r",
                     "formula": "id * (id +"}},
                  {"id": "evil", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "q",
                     "formula": "''.getClass()"}},
                  {"id": "flt", "type": "filter", "data": {"column": "qtty", "operator": ">", "value": 1}},
                  {"id": "a", "type": "filter", "data": {"column": "id", "operator": ">", "value": 1}},
                  {"id": "b", "type": "filter", "data": {"column": "id", "operator": ">", "value": 1}}],
                 "edges": [{"source": "s", "target": "bad"}, {"source": "bad", "target": "evil"}, {"source": "evil", "target": "flt"},
                           {"source": "a", "target": "b"}, {"source": "b", "target": "a"}]}
                """.formatted(people()));

        assertThatThrownBy(() -> plan(workflow)).hasMessageContaining("cycle: a -> b -> a")
                .hasMessageContaining("node bad (data_transformation)").hasMessageContaining("(a syntax error)")
                .hasMessageContaining("node evil (data_transformation)").hasMessageContaining("getClass")
                .hasMessageContaining("node flt (filter) filters on column qtty");
    }

    @Test
    void an_in_list_of_anything_but_constants_and_a_k_means_seed_that_is_not_whole_are_refused_before_launch() throws Exception {
        Schema schema = new Schema(List.of(new Schema.Column("region", ColumnType.STRING), new Schema.Column("home", ColumnType.STRING)));
        assertThatThrownBy(() -> Expression.compile("region in [home, 'EU']", schema)).isInstanceOf(Expression.ExpressionException.class)
                .hasMessageContaining("constant");
        Path workflow = write("kmeans.json", """
                {"name": "k", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "c", "type": "analysis", "data": {"analysis_type": "clustering", "n_clusters": 2, "feature_columns": ["id"],
                     "random_state": "abc"}}],
                 "edges": [{"source": "s", "target": "c"}]}
                """.formatted(people()));
        assertThatThrownBy(() -> plan(workflow)).hasMessageContaining("node c (analysis) has random_state 'abc', not a whole number");
    }

    @Test
    void a_chain_of_long_node_ids_gets_a_step_name_the_job_repository_can_hold() {
        List<String> ids = List.of("8fe20a9e-b138-4ad5-adb9-fa15cedf6faf", "9fe20a9e-b138-4ad5-adb9-fa15cedf6faf",
                "afe20a9e-b138-4ad5-adb9-fa15cedf6faf", "bfe20a9e-b138-4ad5-adb9-fa15cedf6faf");

        String name = WorkflowPlan.stepName(ids);

        assertThat(name).hasSizeLessThanOrEqualTo(100).startsWith("workflow.8fe20a9e").contains("..+bfe20a9e")
                .isNotEqualTo(WorkflowPlan.stepName(List.of(ids.get(0), ids.get(2), ids.get(1), ids.get(3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void numbers_are_inferred_strictly_missing_group_keys_are_left_out_and_a_one_column_export_keeps_its_nulls(TestDatabase database)
            throws Exception {
        // given floors spelled 1F, 2F (text, not numbers), a 19-digit id (a whole number), and a row without a floor
        Path in = write("floors.csv", "floor,id,n,big\n1F,1234567890123456789,1,123456789012345678901234567890\n2F,2,2,1\n,3,3,2\n1F,4,4,3\n");
        Path sums = temp.resolve("sums.csv");
        Path ids = temp.resolve("floors-only.csv");
        Path workflow = write("floors.json", """
                {"name": "floors", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "g", "type": "aggregate", "data": {"group_columns": ["floor"], "aggregation_functions": {"n": "sum", "id": "max"}}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "g"}, {"source": "g", "target": "o"}]}
                """.formatted(in, sums));
        Path select = write("select.json", """
                {"name": "select", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "k", "type": "data_transformation", "data": {"transformation_type": "select_columns", "columns": ["floor"]}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "k"}, {"source": "k", "target": "o"}]}
                """.formatted(in, ids));
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result grouped = sluice.run("workflow", "run", "--file", workflow.toString());
        Sluice.Result selected = sluice.run("workflow", "run", "--file", select.toString());

        // then
        assertThat(grouped.exitCode()).as(grouped.err()).isZero();
        assertThat(Files.readAllLines(sums)).containsExactly("floor,n_sum,id_max", "1F,5,1234567890123456789", "2F,2,2");
        assertThat(WorkflowPlan.of(WorkflowFiles.read(select, Map.of())).segments().get(0).input().column(3))
                .as("a whole number beyond 64 bits keeps its digits").isEqualTo(new Schema.Column("big", ColumnType.STRING));
        assertThat(selected.exitCode()).as(selected.err()).isZero();
        assertThat(Files.readAllLines(ids)).containsExactly("floor", "1F", "2F", "\"\"", "1F");
    }

    private WorkflowPlan plan(Path file) {
        return WorkflowPlan.of(WorkflowFiles.read(file, Map.of()));
    }

    private Path people() throws Exception {
        return write("people.csv", "id,name\n1,Alice\n2,Bob\n");
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
