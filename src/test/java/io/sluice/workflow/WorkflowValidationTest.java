package io.sluice.workflow;

import io.sluice.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A workflow is checked whole before it runs: every problem at once, each naming its node; expressions are sandboxed. */
class WorkflowValidationTest {

    @TempDir
    Path temp;

    @Test
    void a_cycle_is_refused_naming_the_nodes_on_it() throws Exception {
        Path file = write("loop.json", """
                {"name": "loop", "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "x", "type": "filter", "data": {"column": "a", "operator": "==", "value": 1}},
                  {"id": "y", "type": "filter", "data": {"column": "a", "operator": "==", "value": 1}}],
                 "edges": [{"source": "s", "target": "x"}, {"source": "x", "target": "y"}, {"source": "y", "target": "x"}]}
                """.formatted(csv()));

        assertThatThrownBy(() -> plan(file)).isInstanceOf(InvalidInputException.class).hasMessageContaining("cycle: x -> y -> x");
    }

    @Test
    void every_problem_is_reported_at_once_each_naming_its_node() throws Exception {
        Path file = write("bad.json", """
                {"name": "bad", "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "f", "type": "data_transformation", "data": {"transformation_type": "filter_rows", "filter_column": "nope",
                     "filter_operator": ">", "filter_value": 1}},
                  {"id": "m", "type": "mystery", "data": {}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "out.csv"}}],
                 "edges": [{"source": "s", "target": "f"}, {"source": "f", "target": "o"}, {"source": "o", "target": "m"}]}
                """.formatted(csv()));

        assertThatThrownBy(() -> plan(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node m has the type 'mystery'")
                .hasMessageContaining("node f (data_transformation) filters on column nope, which its input does not have (columns: a, price)")
                .hasMessageContaining("node o (export) is an export but has 1 output");
    }

    @Test
    void a_column_missing_from_its_input_is_named_with_the_columns_there_are() throws Exception {
        Path file = write("column.json", """
                {"name": "c", "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "f", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "r",
                     "formula": "price * amount"}}],
                 "edges": [{"source": "s", "target": "f"}]}
                """.formatted(csv()));

        assertThatThrownBy(() -> plan(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node f (data_transformation)").hasMessageContaining("amount");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "''.getClass()",
            "price.getClass().forName('java.lang.Runtime')",
            "java.lang.Runtime.getRuntime().exec('id')",
            "Runtime.getRuntime()",
            "readFile('/etc/passwd')",
            "http.get('http://example.com')",
            "[1, 2, 3].map(x, x * 1000000000)",
            "size([1].all(x, x > 0))",
            "system('id')"})
    void an_expression_that_reaches_outside_its_row_is_refused_before_anything_runs(String expression) {
        Schema schema = new Schema(List.of(new Schema.Column("price", ColumnType.DOUBLE), new Schema.Column("region", ColumnType.STRING)));

        assertThatThrownBy(() -> Expression.compile(expression, schema)).isInstanceOf(Expression.ExpressionException.class)
                .hasMessageStartingWith("'" + expression + "'");
    }

    @Test
    void an_expression_nested_beyond_the_parser_limit_is_refused() {
        Schema schema = new Schema(List.of(new Schema.Column("price", ColumnType.DOUBLE)));
        String deep = "(".repeat(10_000) + "price" + ")".repeat(10_000);

        assertThatThrownBy(() -> Expression.compile(deep, schema)).isInstanceOf(Expression.ExpressionException.class);
    }

    @Test
    void formulas_as_the_python_tools_wrote_them_compute_as_pandas_does() {
        Schema schema = new Schema(List.of(new Schema.Column("price", ColumnType.DOUBLE), new Schema.Column("quantity", ColumnType.LONG),
                new Schema.Column("region", ColumnType.STRING), new Schema.Column("amount", ColumnType.LONG)));
        Object[] row = {2.5, 4L, "EU", 150L};
        Object[] missing = {null, 4L, null, null};

        assertThat(Expression.compile("price * quantity", schema).evaluate(row)).isEqualTo(10.0);
        assertThat(Expression.compile("amount > 100 and region == 'EU'", schema).evaluate(row)).isEqualTo(true);
        assertThat(Expression.compile("not (amount > 100) or region == \"US\"", schema).evaluate(row)).isEqualTo(false);
        assertThat(Expression.compile("quantity / 8", schema).evaluate(row)).isEqualTo(0.5);
        assertThat(Expression.compile("-7 % quantity", schema).evaluate(row)).isEqualTo(1L);
        assertThat(Expression.compile("region in ['EU', 'US']", schema).evaluate(row)).isEqualTo(true);
        assertThat(Expression.compile("region.startsWith('E') ? amount : 0", schema).evaluate(row)).isEqualTo(150L);
        assertThat(Expression.compile("price * quantity", schema).evaluate(missing)).isNull();
        assertThat(Expression.compile("amount > 100", schema).evaluate(missing)).isEqualTo(false);
        assertThat(Expression.compile("region != 'EU'", schema).evaluate(missing)).isEqualTo(true);
    }

    @Test
    void an_etl_core_aggregation_of_text_or_with_an_unknown_op_is_refused_naming_its_node() throws Exception {
        Path file = write("agg.json", """
                {"name": "agg", "components": [
                  {"name": "reader", "comp_type": "read_csv", "filepath": "%s", "routes": {"out": [{"to": "agg", "in_port": "in"}]}},
                  {"name": "agg", "comp_type": "aggregation", "group_by": [], "aggregations": [
                     {"src": "a", "op": "mean", "dest": "a_mean"}, {"src": "price", "op": "mode", "dest": "m"},
                     {"src": "*", "op": "sum", "dest": "s"}]}]}
                """.formatted(csv()));

        assertThatThrownBy(() -> plan(file)).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node agg (aggregation) computes mean of column a, which holds string values, not numbers")
                .hasMessageContaining("node agg (aggregation) has the unknown aggregation function 'mode'")
                .hasMessageContaining("node agg (aggregation) has the function 'sum' of *; of all rows it counts only (count)");
    }

    @Test
    void a_json_lines_source_reads_its_columns_from_its_lines_skipping_blank_ones() throws Exception {
        Path file = write("in.ndjson", "\uFEFF{\"a\": 1}\n\n{\"b\": \"x\", \"a\": 2.5}\nnot json\n{\"c\": [true]}\n");

        Schema schema = JsonSource.open(file, JsonSource.isJsonLines(file), java.nio.charset.StandardCharsets.UTF_8).schema();

        assertThat(schema.columns()).containsExactly(new Schema.Column("a", ColumnType.DOUBLE), new Schema.Column("b", ColumnType.STRING),
                new Schema.Column("c", ColumnType.STRING));
    }

    private WorkflowPlan plan(Path file) {
        return WorkflowPlan.of(WorkflowFiles.read(file, Map.of()));
    }

    private Path csv() throws Exception {
        return write("in.csv", "a,price\n1,2.5\n");
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
