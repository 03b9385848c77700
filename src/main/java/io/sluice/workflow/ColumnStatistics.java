package io.sluice.workflow;

import org.apache.commons.statistics.descriptive.DoubleStatistics;
import org.apache.commons.statistics.descriptive.LongStatistics;
import org.apache.commons.statistics.descriptive.Quantile;
import org.apache.commons.statistics.descriptive.Statistic;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Data Wrangler's statistical analysis ({@code analysis_type: statistical}, its default), with the
 * figures of pandas' {@code describe()}: for each column ({@code columns}, default all), {@code count}
 * (non-null values), {@code nulls}, {@code distinct} (as {@code nunique()}: nulls not counted) and its
 * pandas {@code dtype}; for a numeric column also {@code mean}, {@code std} (sample, ddof 1), {@code min},
 * {@code 25%}, {@code 50%}, {@code 75%} (linear interpolation, Hyndman and Fan's method 7, pandas'
 * default) and {@code max}, with Data Wrangler's names {@code median}, {@code q1} and {@code q3} for
 * the quartiles. A figure pandas gives as NaN (the mean of no values, the std of one) is null. A NaN
 * value counts as a null, as in pandas.
 *
 * <p>Memory: a numeric column keeps its non-null values, 8 bytes each, in primitive blocks (its
 * quantiles and exact distinct count need them all), and once more as one array while its figures are
 * computed, one column at a time; a text or boolean column keeps the set of its distinct values. So
 * 1,000,000 rows of four numeric columns take about 40 MB; under {@code -Xmx256m} about 20,000,000
 * numeric values in all fit. The rows go through unchanged (see {@link PassThroughAnalysis}).
 */
final class ColumnStatistics extends PassThroughAnalysis {

    static final String TYPE = "statistical";
    private static final Quantile QUARTILES = Quantile.withDefaults().with(Quantile.EstimationMethod.HF7).withCopy(false);
    private static final double[] PROBABILITIES = {0.25, 0.5, 0.75};

    private final int[] columns;
    private final Column[] figures;

    private ColumnStatistics(Schema input, int[] columns) {
        super(input);
        this.columns = columns;
        this.figures = new Column[columns.length];
        for (int i = 0; i < columns.length; i++) {
            figures[i] = new Column(input.column(columns[i]).type());
        }
    }

    /**
     * From the setting {@code columns} (a list, or text separated by commas; default every column).
     *
     * @return null (problems noted) when a column is not in the input
     */
    static ColumnStatistics of(Settings settings, Schema input) {
        int[] columns = columnsOf(settings, input, settings.texts("columns", "selected_columns"), false);
        return columns == null ? null : new ColumnStatistics(input, columns);
    }

    /**
     * The positions of {@code names} in {@code input}, every column (or every numeric one) when none are
     * named; null, with a problem noted for each, when some are not in the input or, for {@code numeric},
     * not numbers.
     */
    static int[] columnsOf(Settings settings, Schema input, List<String> names, boolean numeric) {
        List<Integer> positions = new ArrayList<>();
        boolean bad = false;
        if (names.isEmpty()) {
            for (int i = 0; i < input.size(); i++) {
                if (!numeric || input.column(i).type().numeric()) {
                    positions.add(i);
                }
            }
        }
        for (String name : names) {
            int at = input.indexOf(name);
            if (at < 0) {
                settings.problem("analyses column " + name + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                bad = true;
            } else if (numeric && !input.column(at).type().numeric()) {
                settings.problem("analyses column " + name + ", which holds " + input.column(at).type().label() + " values, not numbers");
                bad = true;
            } else {
                positions.add(at);
            }
        }
        return bad ? null : positions.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String analysisType() {
        return TYPE;
    }

    @Override
    void observe(Object[] row) {
        for (int i = 0; i < columns.length; i++) {
            figures[i].add(row[columns[i]]);
        }
    }

    @Override
    Map<String, Object> compute(Path rowFile) {
        Map<String, Object> statistics = new LinkedHashMap<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < columns.length; i++) {
            String name = input.column(columns[i]).name();
            names.add(name);
            statistics.put(name, figures[i].figures());
            figures[i] = null; // its values are no longer needed
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("analysis_type", TYPE);
        result.put("row_count", rows());
        result.put("columns_analyzed", names);
        result.put("statistics", statistics);
        return result;
    }

    /**
     * What one column gathers: its non-null values (numbers; a decimal's as a float for the mean, std
     * and quantiles), its distinct values (anything else, and decimals), its nulls, and the least and
     * greatest value of a decimal, date or timestamp column (exact; a date or timestamp as its text,
     * {@code 2024-01-31}, {@code 2024-01-31 10:00:00}).
     */
    private static final class Column {
        private final ColumnType type;
        private final PrimitiveValues.Longs longs;
        private final PrimitiveValues.Doubles doubles;
        private final Set<Object> distinct;
        private long count;
        private long nulls;
        private Object min;
        private Object max;

        Column(ColumnType type) {
            this.type = type;
            this.longs = type == ColumnType.LONG ? new PrimitiveValues.Longs() : null;
            this.doubles = type == ColumnType.DOUBLE || type == ColumnType.DECIMAL ? new PrimitiveValues.Doubles() : null;
            this.distinct = type == ColumnType.LONG || type == ColumnType.DOUBLE ? null : new HashSet<>();
        }

        void add(Object value) {
            if (value == null || value instanceof Double d && Double.isNaN(d)) {
                nulls++;
                return;
            }
            count++;
            if (type == ColumnType.DECIMAL || type.temporal()) {
                if (min == null || Values.compare(value, min) < 0) {
                    min = value;
                }
                if (max == null || Values.compare(value, max) > 0) {
                    max = value;
                }
            }
            if (longs != null) {
                longs.add(((Number) value).longValue());
            } else if (doubles != null) {
                doubles.add(((Number) value).doubleValue());
            }
            if (distinct != null) {
                distinct.add(Values.normalNumber(value));
            }
        }

        Map<String, Object> figures() {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("dtype", switch (type) {
                case LONG -> "int64";
                case DOUBLE -> "float64";
                case BOOLEAN -> "bool";
                case STRING, DECIMAL -> "object";
                case DATE, TIMESTAMP -> "datetime64[ns]";
            });
            figures.put("count", count);
            if (longs != null) {
                long[] values = longs.toArray();
                Arrays.sort(values);
                int distinctValues = 0;
                for (int i = 0; i < values.length; i++) {
                    if (i == 0 || values[i] != values[i - 1]) {
                        distinctValues++;
                    }
                }
                LongStatistics moments = LongStatistics.ofRange(EnumSet.of(Statistic.MEAN, Statistic.STANDARD_DEVIATION), values, 0, values.length);
                double[] quartiles = values.length == 0 ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                        : QUARTILES.evaluate(values.length, i -> values[i], PROBABILITIES);
                numeric(figures, values.length, moments.getAsDouble(Statistic.MEAN), moments.getAsDouble(Statistic.STANDARD_DEVIATION),
                        values.length == 0 ? null : values[0], values.length == 0 ? null : values[values.length - 1], quartiles);
                figures.put("nulls", nulls);
                figures.put("distinct", (long) distinctValues);
            } else if (doubles != null) {
                double[] values = doubles.toArray();
                Arrays.sort(values);
                int distinctValues = 0;
                for (int i = 0; i < values.length; i++) {
                    if (i == 0 || values[i] != values[i - 1]) { // -0.0 and 0.0 are one value, as in pandas
                        distinctValues++;
                    }
                }
                DoubleStatistics moments = DoubleStatistics.ofRange(EnumSet.of(Statistic.MEAN, Statistic.STANDARD_DEVIATION), values, 0, values.length);
                double[] quartiles = values.length == 0 ? new double[] {Double.NaN, Double.NaN, Double.NaN}
                        : QUARTILES.evaluate(values, PROBABILITIES);
                numeric(figures, values.length, moments.getAsDouble(Statistic.MEAN), moments.getAsDouble(Statistic.STANDARD_DEVIATION),
                        values.length == 0 ? null : type == ColumnType.DECIMAL ? (Number) min : Analysis.json(values[0]),
                        values.length == 0 ? null : type == ColumnType.DECIMAL ? (Number) max : Analysis.json(values[values.length - 1]), quartiles);
                figures.put("nulls", nulls);
                figures.put("distinct", type == ColumnType.DECIMAL ? (long) distinct.size() : (long) distinctValues);
            } else {
                if (type.temporal()) {
                    figures.put("min", min == null ? null : Values.text(min));
                    figures.put("max", max == null ? null : Values.text(max));
                }
                figures.put("nulls", nulls);
                figures.put("distinct", (long) distinct.size());
            }
            return figures;
        }

        private static void numeric(Map<String, Object> figures, int n, double mean, double std, Number min, Number max, double[] quartiles) {
            figures.put("mean", n == 0 ? null : Analysis.json(mean));
            figures.put("std", n < 2 ? null : Analysis.json(std)); // pandas: NaN for fewer than two values
            figures.put("min", min);
            figures.put("25%", Analysis.json(quartiles[0]));
            figures.put("50%", Analysis.json(quartiles[1]));
            figures.put("75%", Analysis.json(quartiles[2]));
            figures.put("max", max);
            figures.put("q1", Analysis.json(quartiles[0]));
            figures.put("median", Analysis.json(quartiles[1]));
            figures.put("q3", Analysis.json(quartiles[2]));
        }
    }
}
