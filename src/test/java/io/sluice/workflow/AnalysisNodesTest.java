package io.sluice.workflow;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The analysis nodes (column statistics, correlation, k-means) run in workflows on both databases, their
 * results stored in {@code analysis_results} and read back; the expected figures were produced by
 * pandas 1.5.3 ({@code pd.read_csv(...).describe()}, {@code .isna().sum()}, {@code .nunique()},
 * {@code .corr()}) on the same CSV, and the k-means ones by hand.
 */
class AnalysisNodesTest {

    /** pandas' figures are doubles printed with 17 significant digits; ours may differ in the last bit or two. */
    private static final double CLOSE = 1e-12;
    private static final String SALES = """
            region,price,quantity,discount,note
            EU,10.5,3,0.1,a
            US,7.25,,0.0,b
            EU,3.0,5,,a
            APAC,12.0,2,0.25,
            US,,4,0.05,c
            EU,8.75,1,0.2,a
            US,7.25,6,0.15,b
            """;

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void statistics_and_correlation_of_a_file_run_are_stored_with_pandas_figures_and_the_rows_pass_through(TestDatabase database) throws Exception {
        // given a workflow file: source -> statistics -> correlation -> export
        Path csv = write("sales.csv", SALES);
        Path out = temp.resolve("out").resolve("copy.csv");
        Path workflow = write("analysis.workflow.json", """
                {"name": "Analysis", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "{csv}", "file_type": "csv"}},
                  {"id": "stats", "type": "analysis", "data": {"analysis_type": "statistical"}},
                  {"id": "corr", "type": "analysis", "data": {"analysis_type": "correlation", "method": "pearson"}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "{out}"}}],
                 "edges": [{"id": "e1", "source": "src", "target": "stats"}, {"id": "e2", "source": "stats", "target": "corr"},
                           {"id": "e3", "source": "corr", "target": "out"}]}
                """);

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString(), "--set", "csv=" + csv, "--set", "out=" + out);

        // then the rows went through unchanged
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(8).startsWith("region,price,quantity,discount,note", "EU,10.5,3,0.1,a");
        List<Map<String, Object>> rows = Rows.query(database,
                "SELECT workflow_id, node_id, dataset_id, analysis_type, result, created_at FROM analysis_results ORDER BY id");
        assertThat(rows).extracting(row -> row.get("node_id"), row -> row.get("analysis_type"), row -> row.get("workflow_id"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("stats", "statistical", null),
                        org.assertj.core.groups.Tuple.tuple("corr", "correlation", null));
        assertThat(rows).allSatisfy(row -> assertThat(row.get("created_at")).isNotNull());

        JsonNode statistics = json(rows.get(0)).get("statistics");
        assertThat(json(rows.get(0)).get("row_count").asLong()).isEqualTo(7);
        JsonNode price = statistics.get("price");
        assertThat(price.get("count").asLong()).isEqualTo(6);
        assertThat(price.get("nulls").asLong()).isEqualTo(1);
        assertThat(price.get("distinct").asLong()).isEqualTo(5);
        assertThat(price.get("mean").asDouble()).isCloseTo(8.125, within(CLOSE));
        assertThat(price.get("std").asDouble()).isCloseTo(3.125499960006399, within(CLOSE));
        assertThat(price.get("min").asDouble()).isEqualTo(3.0);
        assertThat(price.get("25%").asDouble()).isCloseTo(7.25, within(CLOSE));
        assertThat(price.get("50%").asDouble()).isCloseTo(8.0, within(CLOSE));
        assertThat(price.get("75%").asDouble()).isCloseTo(10.0625, within(CLOSE));
        assertThat(price.get("max").asDouble()).isEqualTo(12.0);
        JsonNode quantity = statistics.get("quantity");
        assertThat(quantity.get("count").asLong()).isEqualTo(6);
        assertThat(quantity.get("nulls").asLong()).isEqualTo(1);
        assertThat(quantity.get("distinct").asLong()).isEqualTo(6);
        assertThat(quantity.get("mean").asDouble()).isCloseTo(3.5, within(CLOSE));
        assertThat(quantity.get("std").asDouble()).isCloseTo(1.8708286933869707, within(CLOSE));
        assertThat(quantity.get("min").asLong()).isEqualTo(1);
        assertThat(quantity.get("q1").asDouble()).isCloseTo(2.25, within(CLOSE));
        assertThat(quantity.get("median").asDouble()).isCloseTo(3.5, within(CLOSE));
        assertThat(quantity.get("q3").asDouble()).isCloseTo(4.75, within(CLOSE));
        assertThat(quantity.get("max").asLong()).isEqualTo(6);
        JsonNode discount = statistics.get("discount");
        assertThat(discount.get("std").asDouble()).isCloseTo(0.09354143466934853, within(CLOSE));
        assertThat(discount.get("25%").asDouble()).isCloseTo(0.0625, within(CLOSE));
        assertThat(discount.get("75%").asDouble()).isCloseTo(0.1875, within(CLOSE));
        JsonNode region = statistics.get("region");
        assertThat(region.get("count").asLong()).isEqualTo(7);
        assertThat(region.get("nulls").asLong()).isZero();
        assertThat(region.get("distinct").asLong()).isEqualTo(3);
        assertThat(region.has("mean")).isFalse();
        JsonNode note = statistics.get("note");
        assertThat(note.get("count").asLong()).isEqualTo(6);
        assertThat(note.get("nulls").asLong()).isEqualTo(1);
        assertThat(note.get("distinct").asLong()).isEqualTo(3);

        JsonNode correlation = json(rows.get(1));
        assertThat(correlation.get("columns_analyzed").toString()).isEqualTo("[\"price\",\"quantity\",\"discount\"]");
        JsonNode matrix = correlation.get("matrix");
        assertThat(matrix.get("price").get("price").asDouble()).isCloseTo(1.0, within(CLOSE));
        assertThat(matrix.get("price").get("quantity").asDouble()).isCloseTo(-0.6391323267837293, within(CLOSE));
        assertThat(matrix.get("quantity").get("price").asDouble()).isCloseTo(-0.6391323267837293, within(CLOSE));
        assertThat(matrix.get("price").get("discount").asDouble()).isCloseTo(0.602642608166825, within(CLOSE));
        assertThat(matrix.get("quantity").get("discount").asDouble()).isCloseTo(-0.493196961916072, within(CLOSE));
        JsonNode strongest = correlation.get("correlations").get(0);
        assertThat(strongest.get("column1").asString()).isEqualTo("price");
        assertThat(strongest.get("column2").asString()).isEqualTo("quantity");
        assertThat(correlation.get("correlations")).hasSize(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_stored_workflows_k_means_stores_its_centroids_counts_and_inertia_under_the_workflow(TestDatabase database) throws Exception {
        // given two clear groups: (0, 0), (0, 1) and (10, 10), (10, 11), so the centroids are (0, 0.5) and
        // (10, 10.5), each point 0.5 from its centroid: inertia 4 x 0.25 = 1.0
        Path folder = temp.resolve("dw");
        Files.createDirectories(folder.resolve("workflows"));
        Files.writeString(folder.resolve("points.csv"), "x,y\n0,0\n0,1\n10,10\n10,11\n");
        Path file = folder.resolve("workflows").resolve("wf-clusters.json");
        Files.writeString(file, """
                {"name": "clusters", "nodes": [
                  {"id": "s", "type": "data_source", "position": {"x": 0, "y": 0}, "data": {"source_path": "points.csv", "file_type": "csv"}},
                  {"id": "km", "type": "analysis", "position": {"x": 1, "y": 0},
                   "data": {"analysis_type": "clustering", "algorithm": "kmeans", "n_clusters": 2, "feature_columns": ["x", "y"]}},
                  {"id": "o", "type": "export", "position": {"x": 2, "y": 0}, "data": {"export_type": "csv", "output_path": "out/clusters.csv"}}],
                 "edges": [{"id": "a", "source": "s", "target": "km"}, {"id": "b", "source": "km", "target": "o"}]}
                """);
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("workflow", "import", file.toString()).exitCode()).isZero();

        // when
        Sluice.Result result = sluice.run("workflow", "run", "wf-clusters");

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<Map<String, Object>> rows = Rows.query(database, "SELECT workflow_id, node_id, analysis_type, result FROM analysis_results");
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).get("workflow_id")).isEqualTo("wf-clusters");
        assertThat(rows.get(0).get("node_id")).isEqualTo("km");
        assertThat(rows.get(0).get("analysis_type")).isEqualTo("clustering");
        JsonNode clustering = json(rows.get(0));
        assertThat(clustering.get("inertia").asDouble()).isCloseTo(1.0, within(CLOSE));
        assertThat(clustering.get("cluster_counts").toString()).isEqualTo("[2,2]");
        JsonNode centers = clustering.get("cluster_centers");
        List<String> centroids = Stream.of(centers.get("cluster_0"), centers.get("cluster_1"))
                .map(center -> center.get("x").asDouble() + "," + center.get("y").asDouble()).toList();
        assertThat(centroids).containsExactlyInAnyOrder("0.0,0.5", "10.0,10.5");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_correlation_of_a_text_column_or_of_one_column_is_refused_naming_the_node(TestDatabase database) throws Exception {
        // given
        Path csv = write("sales.csv", SALES);
        Path workflow = write("bad.workflow.json", """
                {"name": "Bad", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "{csv}", "file_type": "csv"}},
                  {"id": "c1", "type": "analysis", "data": {"analysis_type": "correlation", "columns": ["price", "region"]}},
                  {"id": "c2", "type": "analysis", "data": {"analysis_type": "correlation", "columns": ["price"]}},
                  {"id": "c3", "type": "analysis", "data": {"analysis_type": "statistical", "columns": ["prize"]}}],
                 "edges": [{"id": "e1", "source": "src", "target": "c1"}, {"id": "e2", "source": "c1", "target": "c2"},
                           {"id": "e3", "source": "c2", "target": "c3"}]}
                """);

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "validate", "--file", workflow.toString(), "--set", "csv=" + csv);

        // then
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.out() + result.err()).contains("node c1 (analysis) analyses column region, which holds string values, not numbers");
    }

    private static JsonNode json(Map<String, Object> row) {
        return JsonMapper.builder().build().readTree(String.valueOf(row.get("result")));
    }

    private Path write(String name, String content) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, content);
        return file;
    }
}
