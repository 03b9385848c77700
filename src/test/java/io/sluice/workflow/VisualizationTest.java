package io.sluice.workflow;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Visualization nodes of every chart type in one workflow, on both databases: the Vega-Lite
 * specification stored per node (its mark and its aggregated data, worked out by hand from the CSV
 * here), and its PNG and SVG files.
 */
class VisualizationTest {

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void every_chart_type_stores_its_vega_lite_spec_with_aggregated_data_and_writes_a_png_and_an_svg(TestDatabase database) throws Exception {
        // given prices EU 10 and 2, US 4 and 9, APAC 6; quantities EU 3 and 5, US 1 and 4, APAC 2
        Path folder = temp.resolve("dw");
        Files.createDirectories(folder.resolve("workflows"));
        Files.writeString(folder.resolve("sales.csv"), "region,price,quantity\nEU,10.0,3\nUS,4.0,1\nEU,2.0,5\nAPAC,6.0,2\nUS,9.0,4\n");
        Path workflow = folder.resolve("workflows").resolve("charts.json"); // relative paths resolve against the data folder
        Files.writeString(workflow, """
                {"name": "Charts", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "sales.csv", "file_type": "csv"}},
                  {"id": "bar", "type": "visualization", "data": {"visualization_type": "bar", "x_column": "region", "y_column": "price", "title": "Mean price"}},
                  {"id": "counts", "type": "visualization", "data": {"type": "barChart", "x": "region", "output_path": "charts/counts.png"}},
                  {"id": "pie", "type": "visualization", "data": {"visualization_type": "pie", "category_column": "region", "y_column": "quantity"}},
                  {"id": "hist", "type": "visualization", "data": {"visualization_type": "histogram", "x_column": "price", "bins": 2}},
                  {"id": "box", "type": "visualization", "data": {"visualization_type": "box", "x_column": "region", "y_column": "price"}},
                  {"id": "heat", "type": "visualization", "data": {"visualization_type": "heatmap", "columns": ["price", "quantity"]}},
                  {"id": "scatter", "type": "visualization", "data": {"visualization_type": "scatter", "x_column": "price", "y_column": "quantity"}},
                  {"id": "line", "type": "visualization", "data": {"visualization_type": "line", "x_column": "quantity", "y_column": "price"}}],
                 "edges": [{"id": "e1", "source": "src", "target": "bar"}, {"id": "e2", "source": "bar", "target": "counts"},
                           {"id": "e3", "source": "counts", "target": "pie"}, {"id": "e4", "source": "pie", "target": "hist"},
                           {"id": "e5", "source": "hist", "target": "box"}, {"id": "e6", "source": "box", "target": "heat"},
                           {"id": "e7", "source": "heat", "target": "scatter"}, {"id": "e8", "source": "scatter", "target": "line"}]}
                """);

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        Map<String, JsonNode> results = new HashMap<>();
        for (Map<String, Object> row : Rows.query(database, "SELECT node_id, analysis_type, result FROM analysis_results")) {
            assertThat(row.get("analysis_type")).isEqualTo("visualization");
            results.put((String) row.get("node_id"), JsonMapper.builder().build().readTree(String.valueOf(row.get("result"))));
        }
        assertThat(results).containsOnlyKeys("bar", "counts", "pie", "hist", "box", "heat", "scatter", "line");

        JsonNode bar = spec(results, "bar");
        assertThat(bar.get("$schema").asString()).isEqualTo("https://vega.github.io/schema/vega-lite/v5.json");
        assertThat(bar.get("mark").asString()).isEqualTo("bar");
        assertThat(bar.get("title").asString()).isEqualTo("Mean price");
        assertThat(bar.get("encoding").get("y").get("field").asString()).isEqualTo("mean_price");
        assertThat(bar.get("data").get("values")).isEqualTo(json("[{\"region\":\"EU\",\"mean_price\":6.0},{\"region\":\"US\",\"mean_price\":6.5},{\"region\":\"APAC\",\"mean_price\":6.0}]"));
        assertThat(spec(results, "counts").get("data").get("values")).isEqualTo(json("[{\"region\":\"EU\",\"count\":2},{\"region\":\"US\",\"count\":2},{\"region\":\"APAC\",\"count\":1}]"));
        JsonNode pie = spec(results, "pie");
        assertThat(pie.get("mark").asString()).isEqualTo("arc");
        assertThat(pie.get("encoding").get("theta").get("field").asString()).isEqualTo("sum_quantity");
        assertThat(pie.get("data").get("values")).isEqualTo(json("[{\"region\":\"APAC\",\"sum_quantity\":2.0},{\"region\":\"EU\",\"sum_quantity\":8.0},{\"region\":\"US\",\"sum_quantity\":5.0}]"));
        // bins [2, 6) and [6, 10]: 4 and 2 in the first, 10, 6 and 9 in the second
        assertThat(spec(results, "hist").get("data").get("values")).isEqualTo(json("[{\"bin_start\":2.0,\"bin_end\":6.0,\"count\":2},{\"bin_start\":6.0,\"bin_end\":10.0,\"count\":3}]"));
        JsonNode box = spec(results, "box");
        assertThat(box.get("layer")).hasSize(3);
        assertThat(box.get("data").get("values").get(0)).isEqualTo(json("{\"region\":\"EU\",\"min\":2.0,\"q1\":4.0,\"median\":6.0,\"q3\":8.0,\"max\":10.0,\"count\":2}"));
        JsonNode heat = spec(results, "heat");
        assertThat(heat.get("mark").asString()).isEqualTo("rect");
        assertThat(heat.get("data").get("values")).hasSize(4);
        assertThat(heat.get("data").get("values").get(0).get("correlation").asDouble()).isEqualTo(1.0);
        JsonNode scatter = spec(results, "scatter");
        assertThat(scatter.get("mark").asString()).isEqualTo("point");
        assertThat(scatter.get("data").get("values").get(0)).isEqualTo(json("{\"price\":10.0,\"quantity\":3.0}"));
        assertThat(scatter.get("data").get("values").get(1)).isEqualTo(json("{\"price\":4.0,\"quantity\":1.0}"));
        assertThat(results.get("scatter").get("points").asLong()).isEqualTo(5);
        assertThat(spec(results, "line").get("mark").asString()).isEqualTo("line");

        assertThat(Path.of(results.get("counts").get("images").get("png").asString())).isEqualTo(folder.resolve("charts").resolve("counts.png").toAbsolutePath());
        assertThat(Path.of(results.get("bar").get("images").get("png").asString())).isEqualTo(folder.resolve("visualizations").resolve("bar.png").toAbsolutePath());
        for (String node : List.of("bar", "counts", "pie", "hist", "box", "heat", "scatter", "line")) {
            byte[] png = Files.readAllBytes(Path.of(results.get(node).get("images").get("png").asString()));
            assertThat(png).as(node).startsWith(PNG_SIGNATURE);
            Path svg = Path.of(results.get(node).get("images").get("svg").asString());
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            assertThat(factory.newDocumentBuilder().parse(svg.toFile()).getDocumentElement().getNodeName()).as(node).isEqualTo("svg");
        }
    }

    /** JSON objects compare by their members, whatever their order (PostgreSQL's jsonb keeps no order). */
    private static JsonNode json(String text) {
        return JsonMapper.builder().build().readTree(text);
    }

    private static JsonNode spec(Map<String, JsonNode> results, String node) {
        return results.get(node).get("spec");
    }
}
