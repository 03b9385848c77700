package io.sluice.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Data Wrangler's correlation analysis ({@code analysis_type: correlation}): Pearson's correlation of
 * every pair of numeric columns ({@code columns}, default every numeric one; at least two), each pair
 * over the rows where both are non-null, as pandas' {@code DataFrame.corr()}; null where pandas gives
 * NaN (fewer than two such rows, or a constant column). Computed in one pass with Welford's updates
 * of the means and co-moments, in the order pandas' {@code nancorr} uses, so that the figures agree
 * to the last bits: memory is six doubles a pair of columns, whatever the number of rows.
 *
 * <p>The result holds Data Wrangler's {@code correlations} (each pair once, the strongest first) and
 * pandas' whole {@code matrix} ({@code corr().to_dict()}: column, then column, then value). The rows
 * go through unchanged.
 */
final class Correlation extends PassThroughAnalysis {

    static final String TYPE = "correlation";

    private final int[] columns;
    private final Matrix matrix;

    private Correlation(Schema input, int[] columns) {
        super(input);
        this.columns = columns;
        this.matrix = new Matrix(columns.length);
    }

    /**
     * From the settings {@code columns} and {@code method} (only {@code pearson}, the default).
     *
     * @return null (problems noted) when a column is missing or not numeric, fewer than two are left, or the method is another
     */
    static Correlation of(Settings settings, Schema input) {
        String method = settings.text("method", "correlation_method");
        if (method != null && !method.equalsIgnoreCase("pearson")) {
            settings.problem("has method '" + method + "'; sluice computes Pearson's correlation only (method pearson)");
            return null;
        }
        int[] columns = ColumnStatistics.columnsOf(settings, input, settings.texts("columns", "selected_columns"), true);
        if (columns == null) {
            return null;
        }
        if (columns.length < 2) {
            settings.problem("correlates " + columns.length + " numeric column" + (columns.length == 1 ? "" : "s") + "; it needs at least two");
            return null;
        }
        return new Correlation(input, columns);
    }

    @Override
    public String analysisType() {
        return TYPE;
    }

    @Override
    void observe(Object[] row) {
        matrix.add(numbers(row, columns));
    }

    /** The values of {@code columns} as doubles, NaN for a null. */
    static double[] numbers(Object[] row, int[] columns) {
        double[] values = new double[columns.length];
        for (int i = 0; i < columns.length; i++) {
            values[i] = row[columns[i]] instanceof Number number ? number.doubleValue() : Double.NaN;
        }
        return values;
    }

    @Override
    Map<String, Object> compute(Path rowFile) {
        List<String> names = new ArrayList<>();
        for (int column : columns) {
            names.add(input.column(column).name());
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("analysis_type", TYPE);
        result.put("method", "pearson");
        result.put("columns_analyzed", names);
        result.put("correlations", pairs(names, matrix));
        result.put("matrix", asMap(names, matrix));
        return result;
    }

    /** Each pair once ({@code column1} before {@code column2} in the columns' order), the largest absolute value first, nulls last. */
    static List<Map<String, Object>> pairs(List<String> names, Matrix matrix) {
        List<Map<String, Object>> pairs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Map<String, Object> pair = new LinkedHashMap<>();
                pair.put("column1", names.get(i));
                pair.put("column2", names.get(j));
                pair.put("correlation", Analysis.json(matrix.correlation(i, j)));
                pairs.add(pair);
            }
        }
        pairs.sort(Comparator.comparingDouble(pair -> {
            Double value = (Double) pair.get("correlation");
            return value == null ? 1 : -Math.abs(value);
        }));
        return pairs;
    }

    static Map<String, Object> asMap(List<String> names, Matrix matrix) {
        Map<String, Object> rows = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            for (int j = 0; j < names.size(); j++) {
                row.put(names.get(j), Analysis.json(matrix.correlation(i, j)));
            }
            rows.put(names.get(i), row);
        }
        return rows;
    }

    /**
     * Pairwise-complete Pearson correlations of {@code k} variables, streamed: for each pair (x, y) with
     * y at or before x, the count, the means and the sums of squared deviations and of cross products,
     * updated as pandas' {@code nancorr} does (Welford 1962).
     */
    static final class Matrix {
        private final int k;
        private final long[] n;
        private final double[] meanX;
        private final double[] meanY;
        private final double[] ssqX;
        private final double[] ssqY;
        private final double[] cross;

        Matrix(int k) {
            this.k = k;
            int pairs = k * (k + 1) / 2;
            n = new long[pairs];
            meanX = new double[pairs];
            meanY = new double[pairs];
            ssqX = new double[pairs];
            ssqY = new double[pairs];
            cross = new double[pairs];
        }

        /** Adds one row: {@code k} values, NaN for a missing one. */
        void add(double[] values) {
            for (int x = 0; x < k; x++) {
                double vx = values[x];
                if (Double.isNaN(vx)) {
                    continue;
                }
                for (int y = 0; y <= x; y++) {
                    double vy = values[y];
                    if (Double.isNaN(vy)) {
                        continue;
                    }
                    int p = x * (x + 1) / 2 + y;
                    n[p]++;
                    double dx = vx - meanX[p];
                    double dy = vy - meanY[p];
                    double share = 1.0 / n[p];
                    meanX[p] += share * dx;
                    meanY[p] += share * dy;
                    ssqX[p] += (vx - meanX[p]) * dx;
                    ssqY[p] += (vy - meanY[p]) * dy;
                    cross[p] += (vx - meanX[p]) * dy;
                }
            }
        }

        /** The correlation of variables {@code i} and {@code j} (either order); NaN when it is not defined. */
        double correlation(int i, int j) {
            int x = Math.max(i, j);
            int y = Math.min(i, j);
            int p = x * (x + 1) / 2 + y;
            double divisor = Math.sqrt(ssqX[p] * ssqY[p]);
            return n[p] < 1 || divisor == 0 ? Double.NaN : cross[p] / divisor;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "Matrix[%d variables]", k);
        }
    }
}
