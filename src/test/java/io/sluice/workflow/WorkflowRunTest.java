package io.sluice.workflow;

import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Workflow files of both tools run as jobs, through the CLI in this JVM, on both databases; the
 * expected outputs are worked out by hand from the inputs written here.
 */
class WorkflowRunTest {

    private static final Path FIXTURES = Path.of("..", "shared", "fixtures");

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_data_wrangler_sales_summary_filters_derives_groups_and_exports_as_pandas_would(TestDatabase database) throws Exception {
        // given sales whose big orders (quantity >= 3) are, by category and store: Books/East 2 x 10.0 and 4 x 2.5,
        // Books/West 3 x 1.5, Home/East 5 x 2.0 (one small order and one with no quantity left out)
        Path csv = write("sales.csv", """
                product_category,store_location,price,quantity
                Books,East,10.0,2
                Books,East,10.0,3
                Books,East,2.5,4
                Home,East,2.0,5
                Books,West,1.5,3
                Home,West,7.0,
                """);
        Path out = temp.resolve("out").resolve("summary.csv");
        Path workflow = write("sales.workflow.json", """
                {"name": "Sales summary", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_type": "file", "source_path": "{csv}", "file_type": "csv"}},
                  {"id": "big", "type": "data_transformation", "data": {"transformation_type": "filter_rows", "filter_type": "condition",
                     "filter_column": "quantity", "filter_operator": ">=", "filter_value": 3}},
                  {"id": "rev", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "revenue",
                     "formula": "price * quantity"}},
                  {"id": "agg", "type": "data_transformation", "data": {"transformation_type": "aggregate",
                     "group_columns": ["product_category", "store_location"],
                     "aggregation_functions": {"revenue": ["sum"], "price": ["mean"], "quantity": ["count"]}}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "{out}"}}],
                 "edges": [{"id": "e1", "source": "src", "target": "big"}, {"id": "e2", "source": "big", "target": "rev"},
                           {"id": "e3", "source": "rev", "target": "agg"}, {"id": "e4", "source": "agg", "target": "out"}]}
                """);

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString(),
                "--set", "csv=" + csv, "--set", "out=" + out);

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(
                "product_category,store_location,revenue_sum,price_mean,quantity_count",
                "Books,East,40.0,6.25,2",
                "Books,West,4.5,1.5,1",
                "Home,East,10.0,2.0,1");
        long id = Executions.newest(database);
        assertThat(Executions.status(database, id)).isEqualTo("COMPLETED");
        assertThat(Executions.steps(database, id)).extracting(Executions.StepCounts::name)
                .containsExactly("workflow.src+big+rev+agg", "workflow.out");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void the_data_wrangler_fixture_workflows_read_their_datasets_from_their_data_folder(TestDatabase database) throws Exception {
        // given a copy of the fixtures' data folder, not migrated: its workflows name datasets of its own catalogues
        Path fixture = FIXTURES.resolve("data-wrangler");
        assumeThat(Files.isDirectory(fixture)).as("the shared fixtures are beside the project").isTrue();
        Path folder = temp.resolve("dw");
        try (Stream<Path> files = Files.walk(fixture)) {
            for (Path file : files.filter(Files::isRegularFile).filter(file -> !fixture.relativize(file).startsWith("data")).toList()) {
                Path copy = folder.resolve(fixture.relativize(file).toString());
                Files.createDirectories(copy.getParent());
                Files.copy(file, copy);
            }
        }
        Sluice sluice = new Sluice(database);
        // the orders with more than 5 items, counted here from the sample itself
        List<String> sales = Files.readAllLines(folder.resolve("samples/sales_analysis.csv"));
        int quantity = List.of(sales.get(0).split(",")).indexOf("quantity");
        List<String> big = new ArrayList<>(List.of(sales.get(0)));
        sales.stream().skip(1).filter(line -> Long.parseLong(line.split(",")[quantity]) > 5).forEach(big::add);

        // when
        Sluice.Result cleaning = sluice.run("workflow", "run", "--file", folder.resolve("workflows/d8e77a99-c61e-47f6-9963-b6a53ee61b2b.json").toString());
        Sluice.Result byCategory = sluice.run("workflow", "run", "--file", folder.resolve("workflows/1c2bac65-060f-447b-9079-fe8cb3a4d109.json").toString());

        // then: the filter's rows as they are; the category sums drawn as a bar chart (its note node is not part of the flow)
        assertThat(cleaning.exitCode()).as(cleaning.err()).isZero();
        assertThat(Files.readAllLines(folder.resolve("out/big_orders.csv"))).containsExactlyElementsOf(big);
        assertThat(byCategory.exitCode()).as(byCategory.err()).isZero();
        assertThat(folder.resolve("visualizations/node-3.png")).isNotEmptyFile();
        assertThat(folder.resolve("visualizations/node-3.svg")).isNotEmptyFile();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_data_wrangler_type_conversion_converts_by_pandas_dtype_and_rejects_what_does_not_convert(TestDatabase database) throws Exception {
        // given quantities as text (one of them no number at all), converted to float64 as pandas' astype would
        Path csv = write("qty.csv", "item,qty\na,3\nb,4.5\nc,many\n");
        Path out = temp.resolve("qty-out.csv");
        Path workflow = write("astype.json", """
                {"name": "astype", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "types", "type": "data_transformation", "data": {"transformation_type": "type_conversion", "convert_dict": {"qty": "float64"}}},
                  {"id": "out", "type": "export", "data": {"output_path": "%s"}}],
                 "edges": [{"source": "src", "target": "types"}, {"source": "types", "target": "out"}]}
                """.formatted(csv, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("item,qty", "a,3.0", "b,4.5");
        assertThat(Executions.total(database, Executions.newest(database)).rejected()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void an_etl_core_job_filters_by_its_rule_and_writes_through_its_routes(TestDatabase database) throws Exception {
        // given etl-core's filter job of the fixtures (name != "Bob" over Alice, Bob, Charlie)
        Path job = FIXTURES.resolve("etl-core/jobs/mixed/file_filter_file/csv_row_filter_csv.json");
        assumeThat(Files.exists(job)).as("the shared fixtures are beside the project").isTrue();
        Path in = write("people.csv", "id,name\n1,Alice\n2,Bob\n3,Charlie\n");
        Path out = temp.resolve("people-out.csv");
        Path file = write("job.json", Files.readString(job).replace("__IN__", in.toString()).replace("__OUT__", out.toString()));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", file.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("id,name", "1,Alice", "3,Charlie");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_csv_row_that_does_not_fit_is_rejected_with_its_line_and_the_others_are_exported(TestDatabase database) throws Exception {
        // given 1,100 rows of whole amounts (so typed from the first 1,000), where id 2 has a field too many
        // and id 1050, past the rows the type is inferred from, has text
        StringBuilder csv = new StringBuilder("id,amount\n");
        List<String> expected = new ArrayList<>(List.of("id,amount"));
        for (int id = 1; id <= 1100; id++) {
            String line = id == 2 ? "2,20,x" : id == 1050 ? "1050,thirty" : id + "," + id * 10;
            csv.append(line).append('\n');
            if (id != 2 && id != 1050) {
                expected.add(line);
            }
        }
        Path in = write("rows.csv", csv.toString());
        Path out = temp.resolve("rows-out.csv");
        Path workflow = write("rows.json", """
                {"name": "rows", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(in, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactlyElementsOf(expected);
        long id = Executions.newest(database);
        assertThat(Executions.total(database, id).rejected()).isEqualTo(2);
        List<String> rejects = Files.readAllLines(database.dataDir().resolve("executions").resolve(Long.toString(id)).resolve("rejects.jsonl"));
        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(0)).contains("line 3").contains("3 fields");
        assertThat(rejects.get(1)).contains("line 1051").contains("amount").contains("thirty");
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
