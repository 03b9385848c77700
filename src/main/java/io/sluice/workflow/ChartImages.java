package io.sluice.workflow;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.PieChart;
import org.knowm.xchart.PieChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A {@link Visualization}'s PNG and SVG, drawn headless with XChart from the same aggregated data as
 * its Vega-Lite specification (no JVM renderer of Vega-Lite exists): 800 x 600 pixels. A box is drawn
 * by XChart's box chart from the five numbers (so its whiskers are XChart's, within the min and max).
 */
final class ChartImages {

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private static final int WIDTH = 800;
    private static final int HEIGHT = 600;

    private ChartImages() {
    }

    /** Draws the chart and writes it to {@code png} and {@code svg}, each through a temporary file beside it. */
    static void write(Visualization.Chart type, Visualization.ChartData data, String title, Path png, Path svg) throws IOException {
        Chart<?, ?> chart = draw(type, data, title == null ? "" : title);
        Files.createDirectories(png.getParent());
        publish(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
        publish(svg, out -> VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsEncoder.VectorGraphicsFormat.SVG));
    }

    private interface Encoding {
        void to(OutputStream out) throws IOException;
    }

    private static void publish(Path file, Encoding encoding) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(temporary)) {
            encoding.to(out);
        }
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Chart<?, ?> draw(Visualization.Chart type, Visualization.ChartData data, String title) {
        List<Map<String, Object>> values = data.values();
        switch (type) {
            case BAR, HISTOGRAM -> {
                CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(data.xTitle()).yAxisTitle(data.yTitle()).build();
                chart.getStyler().setLegendVisible(false);
                List<String> labels = new ArrayList<>();
                List<Number> heights = new ArrayList<>();
                for (Map<String, Object> value : values) {
                    labels.add(type == Visualization.Chart.HISTOGRAM
                            ? String.format(Locale.ROOT, "%.4g", ((Number) value.get("bin_start")).doubleValue())
                            : String.valueOf(value.get(data.x())));
                    heights.add(value.get(data.y()) instanceof Number number ? number : 0);
                }
                if (labels.isEmpty()) {
                    labels.add("");
                    heights.add(0);
                }
                chart.addSeries(data.y(), labels, heights);
                return chart;
            }
            case PIE -> {
                PieChart chart = new PieChartBuilder().width(WIDTH).height(HEIGHT).title(title).build();
                for (Map<String, Object> value : values) {
                    chart.addSeries(String.valueOf(value.get(data.x())), value.get(data.y()) instanceof Number number ? number : 0);
                }
                return chart;
            }
            case BOX -> {
                BoxChart chart = new BoxChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(data.xTitle()).yAxisTitle(data.yTitle()).build();
                for (Map<String, Object> value : values) {
                    chart.addSeries(String.valueOf(value.get(data.x())), new double[] {
                            ((Number) value.get("min")).doubleValue(), ((Number) value.get("q1")).doubleValue(), ((Number) value.get("median")).doubleValue(),
                            ((Number) value.get("q3")).doubleValue(), ((Number) value.get("max")).doubleValue()});
                }
                return chart;
            }
            case HEATMAP -> {
                HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(data.xTitle()).yAxisTitle(data.yTitle()).build();
                Map<String, Integer> xs = new LinkedHashMap<>();
                Map<String, Integer> ys = new LinkedHashMap<>();
                List<Number[]> cells = new ArrayList<>();
                for (Map<String, Object> value : values) {
                    int column = xs.computeIfAbsent(String.valueOf(value.get(data.x())), k -> xs.size());
                    int row = ys.computeIfAbsent(String.valueOf(value.get(data.y())), k -> ys.size());
                    if (value.get(data.value()) instanceof Number number) {
                        cells.add(new Number[] {column, row, number});
                    }
                }
                if (xs.isEmpty()) {
                    xs.put("", 0);
                    ys.put("", 0);
                }
                chart.addSeries(data.value(), new ArrayList<>(xs.keySet()), new ArrayList<>(ys.keySet()), cells);
                return chart;
            }
            default -> {
                XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(data.xTitle()).yAxisTitle(data.yTitle()).build();
                if (type == Visualization.Chart.SCATTER) {
                    chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
                }
                Map<String, List<List<Double>>> series = new LinkedHashMap<>();
                for (Map<String, Object> value : values) {
                    String name = data.series() == null ? data.y() : String.valueOf(value.get(data.series()));
                    List<List<Double>> xy = series.computeIfAbsent(name, k -> List.of(new ArrayList<>(), new ArrayList<>()));
                    xy.get(0).add(((Number) value.get(data.x())).doubleValue());
                    xy.get(1).add(((Number) value.get(data.y())).doubleValue());
                }
                if (series.isEmpty()) {
                    series.put(data.y(), List.of(List.of(0.0), List.of(0.0)));
                }
                series.forEach((name, xy) -> chart.addSeries(name, xy.get(0), xy.get(1)));
                return chart;
            }
        }
    }
}
