package io.sluice.workflow;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vega-Lite v5 specifications (https://vega.github.io/vega-lite/docs/) of a {@link Visualization}'s
 * aggregated data, inline ({@code data.values}): bar ({@code bar}), pie ({@code arc} with {@code theta}),
 * histogram ({@code bar} over pre-binned {@code bin_start}/{@code bin_end}), box (Vega-Lite's layered
 * box plot of pre-computed summaries: a {@code rule} from min to max, a {@code bar} from q1 to q3, a
 * {@code tick} at the median), heatmap ({@code rect}), line ({@code line}) and scatter ({@code point}).
 */
final class VegaLite {

    private VegaLite() {
    }

    static Map<String, Object> spec(Visualization.Chart chart, Visualization.ChartData data, String title, String xTitle, String yTitle) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("$schema", Visualization.SCHEMA);
        if (title != null) {
            spec.put("title", title);
        }
        spec.put("data", Map.of("values", data.values()));
        switch (chart) {
            case BAR -> {
                spec.put("mark", "bar");
                spec.put("encoding", Map.of("x", field(data.x(), "nominal", data.xTitle(), true), "y", field(data.y(), "quantitative", data.yTitle(), false)));
            }
            case PIE -> {
                spec.put("mark", "arc");
                spec.put("encoding", Map.of("theta", field(data.y(), "quantitative", null, false), "color", field(data.x(), "nominal", data.xTitle(), true)));
            }
            case HISTOGRAM -> {
                spec.put("mark", "bar");
                Map<String, Object> x = field("bin_start", "quantitative", data.xTitle(), false);
                x.put("bin", Map.of("binned", true));
                spec.put("encoding", Map.of("x", x, "x2", Map.of("field", "bin_end"), "y", field("count", "quantitative", data.yTitle(), false)));
            }
            case BOX -> {
                Map<String, Object> x = field(data.x(), "nominal", data.xTitle(), true);
                spec.put("encoding", Map.of("x", x));
                spec.put("layer", List.of(
                        Map.of("mark", "rule", "encoding", Map.of("y", field("min", "quantitative", data.yTitle(), false), "y2", Map.of("field", "max"))),
                        Map.of("mark", Map.of("type", "bar", "size", 14), "encoding", Map.of("y", field("q1", "quantitative", null, false), "y2", Map.of("field", "q3"))),
                        Map.of("mark", Map.of("type", "tick", "color", "white", "size", 14), "encoding", Map.of("y", field("median", "quantitative", null, false)))));
            }
            case HEATMAP -> {
                spec.put("mark", "rect");
                spec.put("encoding", Map.of("x", field(data.x(), "nominal", data.xTitle(), true), "y", field(data.y(), "nominal", data.yTitle(), true),
                        "color", field(data.value(), "quantitative", null, false)));
            }
            case LINE, SCATTER -> {
                spec.put("mark", chart == Visualization.Chart.LINE ? "line" : "point");
                Map<String, Object> encoding = new LinkedHashMap<>();
                encoding.put("x", field(data.x(), "quantitative", data.xTitle(), false));
                encoding.put("y", field(data.y(), "quantitative", data.yTitle(), false));
                if (data.series() != null) {
                    encoding.put("color", field(data.series(), "nominal", null, false));
                }
                spec.put("encoding", encoding);
            }
        }
        return spec;
    }

    /** An encoding channel: a field, its type, its title, and {@code sort: null} (the data's order) for categories. */
    private static Map<String, Object> field(String name, String type, String title, boolean dataOrder) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("field", name);
        field.put("type", type);
        if (title != null) {
            field.put("title", title);
        }
        if (dataOrder) {
            field.put("sort", null);
        }
        return field;
    }
}
