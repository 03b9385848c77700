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
 * Sort and dedupe nodes in whole workflows (a CSV source, the node, a CSV export), run through the CLI in
 * this JVM on both databases. The expected orders are pandas' (1.5.3) for the same CSV, written in
 * sluice's CSV form (a whole-number column with a missing value stays whole, where pandas writes floats).
 */
class SortDedupeWorkflowTest {

    private static final String SALES = """
            region,amount,qty
            EU,10.5,2
            US,3.0,
            EU,,1
            US,7.25,3
            EU,10.5,5
            ,1.0,2
            """;

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_data_wrangler_sort_orders_by_several_keys_with_missing_values_last(TestDatabase database) throws Exception {
        // given: pandas: df.sort_values(['region', 'amount'], ascending=[True, False], kind='stable', na_position='last')
        Path csv = write("sales.csv", SALES);
        Path out = temp.resolve("out").resolve("sorted.csv");
        Path workflow = write("sort.workflow.json", """
                {"name": "Sorted sales", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_type": "file", "source_path": "%s", "file_type": "csv"}},
                  {"id": "sorted", "type": "data_transformation", "data": {"transformation_type": "sort",
                     "sort_columns": ["region", "amount"], "ascending": [true, false]}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"id": "e1", "source": "src", "target": "sorted"}, {"id": "e2", "source": "sorted", "target": "out"}]}
                """.formatted(csv, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(
                "region,amount,qty",
                "EU,10.5,2",
                "EU,10.5,5",
                "EU,,1",
                "US,7.25,3",
                "US,3.0,",
                ",1.0,2");
        long id = Executions.newest(database);
        assertThat(Executions.status(database, id)).isEqualTo("COMPLETED");
        assertThat(Executions.steps(database, id)).extracting(Executions.StepCounts::name)
                .containsExactly("workflow.src+sorted", "workflow.out");
        // and the sort's row file, kept only for restarts, is gone once the execution completed
        Path rowFiles = database.dataDir().resolve("workflows");
        assertThat(rowFiles).as("where the run kept its row files").isDirectory();
        try (Stream<Path> left = Files.walk(rowFiles)) {
            assertThat(left.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_data_wrangler_dedupe_keeps_each_regions_last_row_in_input_order(TestDatabase database) throws Exception {
        // given: pandas: df.drop_duplicates(subset=['region'], keep='last') (the missing region is a key of its own)
        Path csv = write("sales.csv", SALES);
        Path out = temp.resolve("out").resolve("deduped.csv");
        Path workflow = write("dedupe.workflow.json", """
                {"name": "Last sale per region", "nodes": [
                  {"id": "src", "type": "dataSource", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "last", "type": "transform", "data": {"operation": "deduplicate", "columns": ["region"], "keep": "last"}},
                  {"id": "out", "type": "output", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"id": "e1", "source": "src", "target": "last"}, {"id": "e2", "source": "last", "target": "out"}]}
                """.formatted(csv, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(
                "region,amount,qty",
                "US,7.25,3",
                "EU,10.5,5",
                ",1.0,2");
        assertThat(Executions.status(database, Executions.newest(database))).isEqualTo("COMPLETED");
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
