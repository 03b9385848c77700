package io.sluice.workflow;

import org.apache.commons.statistics.descriptive.Quantile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Data Wrangler's visualization node ({@code visualization_type}, or the UI's {@code type}: bar, line,
 * scatter, histogram, box, heatmap, pie; {@code barChart}, {@code pieChart}... alike; default bar): the
 * data the chart needs, aggregated in one pass, as a Vega-Lite v5 specification with that data inline
 * (the result, {@code analysis_type: visualization}), and a PNG and an SVG of it drawn with XChart
 * ({@link ChartImages}). The rows go through unchanged, as in Data Wrangler.
 *
 * <p>What each chart aggregates, as Data Wrangler's matplotlib/seaborn code does:
 * <ul>
 * <li>bar: per {@code x_column} value, the mean of {@code y_column} (seaborn's {@code barplot}) or, with no
 *     y column, the count of rows (pandas' {@code value_counts()}, largest first); {@code aggregation}
 *     ({@code mean}, {@code sum}, {@code count}) chooses another. Categories in order of first appearance.</li>
 * <li>pie: per {@code category_column} (or {@code x_column}) value, the sum of {@code y_column}
 *     ({@code groupby().sum()}, categories sorted) or the count of rows ({@code value_counts()}).</li>
 * <li>histogram: {@code bins} (default 10) equal-width bins from the minimum to the maximum of
 *     {@code x_column}, the last one closed, as {@code numpy.histogram}.</li>
 * <li>box: per {@code x_column} value (or one box), the five-number summary of {@code y_column}
 *     (min, 25%, median, 75%, max; pandas' linear quantiles). Each group keeps its values (8 bytes each).</li>
 * <li>heatmap: with {@code x_column} and {@code y_column}, per (x, y) pair the mean of {@code value_column}
 *     ({@code z_column}, {@code color_column}) or the count of rows; without them, Data Wrangler's heatmap:
 *     the correlation matrix of {@code columns} (default every numeric one), as {@link Correlation}.</li>
 * <li>line and scatter: the (x, y) points ({@code color_column} or {@code category_column} naming the
 *     series), in input order; above {@value #POINT_CAP} points, a uniform sample of that many (reservoir
 *     sampling, seeded with {@code random_state}, default 42, so the same input gives the same sample),
 *     kept in input order; the result says how many points there were. x must be numeric.</li>
 * </ul>
 * Rows whose x (or category) is null are left out, as pandas' grouping does; null y values are left out
 * of the aggregates.
 *
 * <p>Images: {@code output_path} ({@code image_path}) names the PNG (or the SVG, or their common name
 * without extension), relative to the workflow's data folder; the other is written beside it. Without
 * it, both go to {@code visualizations/<node id>.png} and {@code .svg} under the workflow's data folder
 * (where its relative exports go too). Each is written to a temporary file and moved into place.
 */
final class Visualization extends PassThroughAnalysis {

    static final String TYPE = "visualization";
    static final String SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";
    /** The most points a line or scatter chart carries. */
    static final int POINT_CAP = 10_000;
    private static final Quantile QUANTILES = Quantile.withDefaults().with(Quantile.EstimationMethod.HF7).withCopy(false);

    /** The chart types, by Data Wrangler's {@code visualization_type} names. */
    enum Chart { BAR, LINE, SCATTER, HISTOGRAM, BOX, HEATMAP, PIE }

    private final Chart chart;
    private final int x;
    private final int y;
    private final int series;
    private final int[] columns;
    private final int bins;
    private final String aggregation;
    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final Path png;
    private final Path svg;
    private final long seed;

    private final Map<Object, double[]> categories = new LinkedHashMap<>();
    private final Map<List<Object>, double[]> cells = new LinkedHashMap<>();
    private final Map<Object, PrimitiveValues.Doubles> groups = new LinkedHashMap<>();
    private final Correlation.Matrix matrix;
    private final List<Object[]> points = new ArrayList<>();
    private final SplittableRandom random;
    private long seen;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    private Visualization(Schema input, Chart chart, int x, int y, int series, int[] columns, int bins, String aggregation,
                          String title, String xLabel, String yLabel, Path png, long seed) {
        super(input);
        this.chart = chart;
        this.x = x;
        this.y = y;
        this.series = series;
        this.columns = columns;
        this.bins = bins;
        this.aggregation = aggregation;
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.png = png;
        this.svg = png.resolveSibling(png.getFileName().toString().replaceFirst("\\.png$", ".svg"));
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.matrix = columns == null ? null : new Correlation.Matrix(columns.length);
    }

    /**
     * From the node's settings (see the class comment for the names).
     *
     * @param baseDir the workflow's data folder, against which {@code output_path} resolves
     * @return null (problems noted) when they do not describe a chart of this input
     */
    static Visualization of(Settings settings, Schema input, Path baseDir) {
        String type = settings.text("visualization_type", "chart_type", "chartType", "type");
        Chart chart = chart(type == null ? "bar" : type);
        if (chart == null) {
            settings.problem("has the chart type '" + type + "'; sluice draws bar, line, scatter, histogram, box, heatmap and pie charts");
            return null;
        }
        List<String> problems = new ArrayList<>();
        int x = column(settings, input, problems, "x", "x_column", "x", "xAxis", "x_axis");
        int y = column(settings, input, problems, "y", "y_column", "y", "yAxis", "y_axis", "value_column");
        int category = column(settings, input, problems, "category", "category_column", "group_column");
        int color = column(settings, input, problems, "color", "color_column");
        int value = column(settings, input, problems, "value", "value_column", "z_column", "color_column");
        if (!problems.isEmpty()) {
            return null;
        }
        int[] columns = null;
        switch (chart) {
            case BAR -> require(settings, x, "x_column", problems);
            case PIE -> {
                if (category < 0) {
                    category = x;
                }
                require(settings, category, "category_column", problems);
                x = category;
            }
            case HISTOGRAM -> requireNumeric(settings, input, x, "x_column", problems);
            case BOX -> requireNumeric(settings, input, y, "y_column", problems);
            case LINE, SCATTER -> {
                requireNumeric(settings, input, x, "x_column", problems);
                requireNumeric(settings, input, y, "y_column", problems);
            }
            case HEATMAP -> {
                if (x < 0 || y < 0) {
                    columns = ColumnStatistics.columnsOf(settings, input, settings.texts("columns"), true);
                    if (columns == null) {
                        return null;
                    }
                    if (columns.length < 2) {
                        settings.problem("draws a correlation heatmap of " + columns.length + " numeric column(s); it needs at least two, or an x_column and a y_column");
                        return null;
                    }
                } else if (value >= 0 && !input.column(value).type().numeric()) {
                    requireNumeric(settings, input, value, "value_column", problems);
                }
            }
        }
        if (chart == Chart.BAR || chart == Chart.PIE) {
            if (y >= 0 && !input.column(y).type().numeric()) {
                requireNumeric(settings, input, y, "y_column", problems);
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        String aggregation = settings.text("aggregation", "aggregate", "agg_func", "aggfunc");
        if (aggregation != null) {
            aggregation = aggregation.toLowerCase(Locale.ROOT);
            if (!List.of("mean", "sum", "count").contains(aggregation)) {
                settings.problem("has aggregation '" + aggregation + "'; sluice aggregates a chart's values by mean, sum or count");
                return null;
            }
        }
        Long bins = whole(settings, "bins", 10);
        Long seed = whole(settings, "random_state", 42);
        if (bins == null || seed == null) {
            return null;
        }
        if (bins < 1 || bins > 10_000) {
            settings.problem("has bins " + bins + "; it must be from 1 to 10000");
            return null;
        }
        String output = settings.text("output_path", "image_path");
        Path image = output == null
                ? baseDir.resolve("visualizations").resolve(settings.node().id().replaceAll("[^A-Za-z0-9._-]", "_") + ".png")
                : baseDir.resolve(output);
        String name = image.getFileName().toString().replaceFirst("\\.(png|svg)$", "");
        image = image.resolveSibling(name + ".png").toAbsolutePath().normalize();
        int seriesColumn = chart == Chart.SCATTER || chart == Chart.LINE ? (color >= 0 ? color : category) : -1;
        return new Visualization(input, chart, x, y, seriesColumn, columns, (int) (long) bins, aggregation, settings.text("title"), settings.text("x_label", "xLabel"),
                settings.text("y_label", "yLabel"), image, seed).withValue(chart == Chart.HEATMAP ? value : -1);
    }

    private int valueColumn = -1;

    private Visualization withValue(int value) {
        this.valueColumn = value;
        return this;
    }

    /** A chart type by Data Wrangler's engine name or its UI's ({@code barChart}, {@code scatterPlot}, {@code boxPlot}, {@code heatMap}). */
    static Chart chart(String name) {
        String type = name.toLowerCase(Locale.ROOT).replaceAll("[ _-]", "").replaceFirst("(chart|plot)$", "");
        return switch (type) {
            case "bar", "column" -> Chart.BAR;
            case "line" -> Chart.LINE;
            case "scatter", "point" -> Chart.SCATTER;
            case "histogram", "hist" -> Chart.HISTOGRAM;
            case "box", "boxwhisker" -> Chart.BOX;
            case "heatmap", "heat" -> Chart.HEATMAP;
            case "pie", "donut" -> Chart.PIE;
            default -> null;
        };
    }

    private static int column(Settings settings, Schema input, List<String> problems, String role, String... names) {
        String name = settings.text(names);
        if (name == null || name.isBlank()) {
            return -1;
        }
        int at = input.indexOf(name);
        if (at < 0) {
            String problem = "draws column " + name + " (" + names[0] + "), which its input does not have (columns: " + String.join(", ", input.names()) + ")";
            settings.problem(problem);
            problems.add(problem);
        }
        return at;
    }

    private static void require(Settings settings, int column, String name, List<String> problems) {
        if (column < 0) {
            settings.problem("has no " + name);
            problems.add(name);
        }
    }

    private static void requireNumeric(Settings settings, Schema input, int column, String name, List<String> problems) {
        if (column < 0) {
            require(settings, column, name, problems);
        } else if (!input.column(column).type().numeric()) {
            settings.problem("draws " + name + " " + input.column(column).name() + ", which holds " + input.column(column).type().label() + " values, not numbers");
            problems.add(name);
        }
    }

    private static Long whole(Settings settings, String name, long fallback) {
        Object value = settings.value(name);
        if (value == null) {
            return fallback;
        }
        try {
            return new java.math.BigDecimal(value.toString().trim()).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            settings.problem("has " + name + " '" + value + "', not a whole number");
            return null;
        }
    }

    @Override
    public String analysisType() {
        return TYPE;
    }

    @Override
    void observe(Object[] row) {
        switch (chart) {
            case BAR, PIE -> {
                Object key = row[x];
                if (key == null) {
                    return;
                }
                double[] sums = categories.computeIfAbsent(key, k -> new double[3]); // sum, non-null values, rows
                sums[2]++;
                if (y >= 0 && number(row[y]) != null) {
                    sums[0] += number(row[y]);
                    sums[1]++;
                }
            }
            case HISTOGRAM -> {
                Double value = number(row[x]);
                if (value != null) {
                    min = Math.min(min, value);
                    max = Math.max(max, value);
                }
            }
            case BOX -> {
                Double value = number(row[y]);
                Object key = x < 0 ? input.column(y).name() : row[x];
                if (value != null && key != null) {
                    groups.computeIfAbsent(key, k -> new PrimitiveValues.Doubles()).add(value);
                }
            }
            case HEATMAP -> {
                if (matrix != null) {
                    matrix.add(Correlation.numbers(row, columns));
                    return;
                }
                if (row[x] == null || row[y] == null) {
                    return;
                }
                double[] sums = cells.computeIfAbsent(List.of(row[x], row[y]), k -> new double[3]);
                sums[2]++;
                if (valueColumn >= 0 && number(row[valueColumn]) != null) {
                    sums[0] += number(row[valueColumn]);
                    sums[1]++;
                }
            }
            case LINE, SCATTER -> {
                Double px = number(row[x]);
                Double py = number(row[y]);
                if (px == null || py == null) {
                    return;
                }
                Object[] point = {seen, px, py, series < 0 ? null : row[series]};
                // reservoir sampling (Vitter's algorithm R), seeded: a uniform sample of POINT_CAP points
                if (points.size() < POINT_CAP) {
                    points.add(point);
                } else {
                    long at = random.nextLong(seen + 1);
                    if (at < POINT_CAP) {
                        points.set((int) at, point);
                    }
                }
                seen++;
            }
        }
    }

    private static Double number(Object value) {
        return value instanceof Number number && !Double.isNaN(number.doubleValue()) ? number.doubleValue() : null;
    }

    @Override
    Map<String, Object> compute(Path rowFile) throws IOException {
        ChartData data = switch (chart) {
            case BAR, PIE -> categoryData();
            case HISTOGRAM -> histogram(rowFile);
            case BOX -> boxes();
            case HEATMAP -> heatmap();
            case LINE, SCATTER -> pointData();
        };
        Map<String, Object> spec = VegaLite.spec(chart, data, title, xLabel, yLabel);
        ChartImages.write(chart, data, title, png, svg);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("analysis_type", TYPE);
        result.put("visualization_type", chart.name().toLowerCase(Locale.ROOT));
        result.put("spec", spec);
        result.put("images", Map.of("png", png.toString(), "svg", svg.toString()));
        if (chart == Chart.LINE || chart == Chart.SCATTER) {
            result.put("points", seen);
            result.put("points_drawn", (long) points.size());
        }
        return result;
    }

    /**
     * The aggregated data of a chart: its rows (Vega-Lite's inline {@code data.values}, field name to
     * value) and the names of the fields the encodings use.
     *
     * @param x      the field on the x axis (the category, the bin start, the group, the x value)
     * @param y      the field on the y axis (the aggregate, the count, the y value; a heatmap's second key)
     * @param value  a heatmap's colour field, a box's median, or null
     * @param series the field naming a line or scatter series, or null
     */
    record ChartData(List<Map<String, Object>> values, String x, String y, String value, String series, String xTitle, String yTitle) {
    }

    private ChartData categoryData() {
        String name = input.column(x).name();
        String function = aggregation != null ? aggregation : y < 0 ? "count" : chart == Chart.BAR ? "mean" : "sum";
        String field = function.equals("count") ? "count" : function + "_" + input.column(y).name();
        List<Map.Entry<Object, double[]>> entries = new ArrayList<>(categories.entrySet());
        if (function.equals("count") && y < 0) {
            entries.sort(Comparator.comparingDouble(entry -> -entry.getValue()[2])); // value_counts(): largest first, ties in order of appearance
        } else if (chart == Chart.PIE) {
            entries.sort(Comparator.comparing(entry -> String.valueOf(entry.getKey()))); // groupby(): keys sorted
        }
        List<Map<String, Object>> values = new ArrayList<>();
        for (Map.Entry<Object, double[]> entry : entries) {
            double[] sums = entry.getValue();
            Object aggregate = switch (function) {
                case "count" -> (long) (y < 0 ? sums[2] : sums[1]);
                case "sum" -> sums[0];
                default -> sums[1] == 0 ? null : Analysis.json(sums[0] / sums[1]);
            };
            Map<String, Object> value = new LinkedHashMap<>();
            value.put(name, entry.getKey());
            value.put(field, aggregate);
            values.add(value);
        }
        return new ChartData(values, name, field, null, null, xLabel != null ? xLabel : name, yLabel != null ? yLabel : field);
    }

    private ChartData histogram(Path rowFile) throws IOException {
        long[] counts = new long[bins];
        double low = min;
        double high = max;
        if (low > high) { // no values
            low = 0;
            high = 1;
        } else if (low == high) { // numpy: a range of one around the single value
            low -= 0.5;
            high += 0.5;
        }
        double width = (high - low) / bins;
        try (RowFile.Reader reader = new RowFile.Reader(rowFile)) {
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                Double value = number(row[x]);
                if (value != null) {
                    int bin = (int) ((value - low) / (high - low) * bins);
                    counts[Math.min(Math.max(bin, 0), bins - 1)]++;
                }
            }
        }
        List<Map<String, Object>> values = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("bin_start", low + b * width);
            value.put("bin_end", b == bins - 1 ? high : low + (b + 1) * width);
            value.put("count", counts[b]);
            values.add(value);
        }
        String name = input.column(x).name();
        return new ChartData(values, "bin_start", "count", null, null, xLabel != null ? xLabel : name, yLabel != null ? yLabel : "Frequency");
    }

    private ChartData boxes() {
        String group = x < 0 ? "column" : input.column(x).name();
        List<Map<String, Object>> values = new ArrayList<>();
        for (Map.Entry<Object, PrimitiveValues.Doubles> entry : groups.entrySet()) {
            double[] all = entry.getValue().toArray();
            Arrays.sort(all);
            double[] quartiles = QUANTILES.evaluate(all, 0.25, 0.5, 0.75);
            Map<String, Object> value = new LinkedHashMap<>();
            value.put(group, entry.getKey());
            value.put("min", all[0]);
            value.put("q1", quartiles[0]);
            value.put("median", quartiles[1]);
            value.put("q3", quartiles[2]);
            value.put("max", all[all.length - 1]);
            value.put("count", (long) all.length);
            values.add(value);
        }
        groups.clear();
        String name = input.column(y).name();
        return new ChartData(values, group, name, "median", null, xLabel != null ? xLabel : group, yLabel != null ? yLabel : name);
    }

    private ChartData heatmap() {
        List<Map<String, Object>> values = new ArrayList<>();
        if (matrix != null) {
            List<String> names = new ArrayList<>();
            for (int column : columns) {
                names.add(input.column(column).name());
            }
            for (int i = 0; i < names.size(); i++) {
                for (int j = 0; j < names.size(); j++) {
                    Map<String, Object> value = new LinkedHashMap<>();
                    value.put("x", names.get(j));
                    value.put("y", names.get(i));
                    value.put("correlation", Analysis.json(matrix.correlation(i, j)));
                    values.add(value);
                }
            }
            return new ChartData(values, "x", "y", "correlation", null, xLabel != null ? xLabel : "", yLabel != null ? yLabel : "");
        }
        String xName = input.column(x).name();
        String yName = input.column(y).name();
        String field = valueColumn < 0 ? "count" : (aggregation != null ? aggregation : "mean") + "_" + input.column(valueColumn).name();
        if (valueColumn >= 0 && "count".equals(aggregation)) {
            field = "count";
        }
        for (Map.Entry<List<Object>, double[]> entry : cells.entrySet()) {
            double[] sums = entry.getValue();
            Map<String, Object> value = new LinkedHashMap<>();
            value.put(xName, entry.getKey().get(0));
            value.put(yName, entry.getKey().get(1));
            value.put(field, valueColumn < 0 ? (Object) (long) sums[2]
                    : "count".equals(aggregation) ? (Object) (long) sums[1]
                    : "sum".equals(aggregation) ? (Object) sums[0]
                    : sums[1] == 0 ? null : Analysis.json(sums[0] / sums[1]));
            values.add(value);
        }
        return new ChartData(values, xName, yName, field, null, xLabel != null ? xLabel : xName, yLabel != null ? yLabel : yName);
    }

    private ChartData pointData() {
        points.sort(Comparator.comparingLong(point -> (Long) point[0])); // the sample in input order
        String xName = input.column(x).name();
        String yName = input.column(y).name();
        String seriesName = series < 0 ? null : input.column(series).name();
        List<Map<String, Object>> values = new ArrayList<>();
        for (Object[] point : points) {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put(xName, point[1]);
            value.put(yName, point[2]);
            if (seriesName != null) {
                value.put(seriesName, point[3]);
            }
            values.add(value);
        }
        return new ChartData(values, xName, yName, null, seriesName, xLabel != null ? xLabel : xName, yLabel != null ? yLabel : yName);
    }
}
