package io.sluice.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Data Wrangler's {@code normalize} transformation: each of {@code columns} (all numeric columns when
 * none is named) scaled in place, as its engine does with scikit-learn's scalers.
 * {@code normalization_type} (also {@code method}, {@code strategy}) {@code min_max} (the default;
 * {@code minmax}) is {@code MinMaxScaler}: {@code x * scale + offset} with {@code scale = 1 / (max - min)}
 * and {@code offset = -min * scale}, so values run from 0.0 to 1.0; {@code standard} (also
 * {@code z_score}, {@code zscore}, {@code standardize}) is {@code StandardScaler}: {@code (x - mean) / std}
 * with the population standard deviation (ddof = 0, not pandas' default ddof = 1: Data Wrangler's engine
 * uses StandardScaler, and so does sluice).
 *
 * <p>As scikit-learn: missing values (null, NaN) are left out of the statistics and stay null; a
 * constant column (a range below 10 machine epsilons, or a variance within its rounding error) is
 * scaled by 1, so min-max gives 0.0 and z-score 0.0; the scaled columns are float columns. Memory:
 * a few numbers a column. The z-score's mean and variance are computed as scikit-learn's
 * {@code _incremental_mean_and_var} does (the mean as sum / count, then the squared deviations from it,
 * with its correction term, read from the spill once more), not by a streaming update: the streaming
 * variance differs in the last digits, which a CSV export would show ({@code 2.0000000000000004}).
 */
final class Normalize extends TwoPassNode {

    private static final double EPSILON = Math.ulp(1.0);

    private final int[] indices;
    private final boolean standard;
    private double[] min;
    private double[] max;
    private double[] sums;
    private long[] counts;
    private double[] scale;
    private double[] offset;

    private Normalize(Schema input, Schema output, int[] indices, boolean standard) {
        super("sluice-normalize-", input, output);
        this.indices = indices;
        this.standard = standard;
    }

    /**
     * From {@code columns} and {@code normalization_type}.
     *
     * @return null (problems noted) when a column is unknown or not numeric, or the type unknown
     */
    static Normalize of(Settings settings, Schema input) {
        String type = settings.text("normalization_type", "method", "strategy", "scaler");
        String kind = type == null ? "min_max" : type.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        boolean standard;
        switch (kind) {
            case "min_max", "minmax", "min_max_scaler", "minmaxscaler" -> standard = false;
            case "standard", "z_score", "zscore", "standardize", "standard_scaler", "standardscaler" -> standard = true;
            default -> {
                settings.problem("has normalization_type '" + type + "' (min_max, standard)");
                return null;
            }
        }
        List<String> columns = settings.texts("columns", "column", "feature_columns");
        if (columns.isEmpty()) {
            input.columns().stream().filter(column -> column.type().numeric()).forEach(column -> columns.add(column.name()));
        }
        if (columns.isEmpty()) {
            settings.problem("has no columns to normalize, and its input has no numeric column");
            return null;
        }
        int[] indices = new int[columns.size()];
        List<Schema.Column> output = new ArrayList<>(input.columns());
        boolean ok = true;
        for (int i = 0; i < indices.length; i++) {
            indices[i] = input.indexOf(columns.get(i));
            if (indices[i] < 0) {
                settings.problem("normalizes column " + columns.get(i) + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
            } else if (!input.column(indices[i]).type().numeric()) {
                settings.problem("normalizes column " + columns.get(i) + ", which holds " + input.column(indices[i]).type().label() + " values, not numbers");
                ok = false;
            } else {
                output.set(indices[i], new Schema.Column(columns.get(i), ColumnType.DOUBLE));
            }
        }
        return ok ? new Normalize(input, new Schema(output), indices, standard) : null;
    }

    @Override
    void begin() {
        int n = indices.length;
        min = new double[n];
        max = new double[n];
        Arrays.fill(min, Double.POSITIVE_INFINITY);
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        sums = new double[n];
        counts = new long[n];
    }

    @Override
    boolean gather(Object[] row, long index) {
        for (int i = 0; i < indices.length; i++) {
            double x = number(row[indices[i]]);
            if (Double.isNaN(x)) {
                continue;
            }
            counts[i]++;
            if (standard) {
                sums[i] += x;
            } else {
                min[i] = Math.min(min[i], x);
                max[i] = Math.max(max[i], x);
            }
        }
        return true;
    }

    @Override
    void prepare(long rows) {
        scale = new double[indices.length];
        offset = new double[indices.length];
        double[] variances = standard ? variances() : null;
        for (int i = 0; i < indices.length; i++) {
            if (counts[i] == 0) {
                continue; // every value is missing: each stays null
            }
            if (standard) {
                // StandardScaler: x -> (x - mean) / scale, the scale 1 where the variance is within its rounding error
                double mean = sums[i] / counts[i];
                double variance = variances[i];
                double bound = counts[i] * EPSILON * variance + Math.pow(counts[i] * mean * EPSILON, 2);
                scale[i] = variance <= bound ? 1.0 : Math.sqrt(variance);
                offset[i] = mean;
            } else {
                // MinMaxScaler to (0, 1): x -> x * scale + offset, the scale 1 where the range is below 10 epsilons
                double range = max[i] - min[i];
                scale[i] = 1.0 / (range < 10 * EPSILON ? 1.0 : range);
                offset[i] = 0.0 - min[i] * scale[i];
            }
        }
    }

    /** Each column's population variance around {@code sum / count}: (sum of d^2 - (sum of d)^2 / n) / n, d = x - mean, as scikit-learn. */
    private double[] variances() {
        double[] squares = new double[indices.length];
        double[] deviations = new double[indices.length];
        eachSpilled(row -> {
            for (int i = 0; i < indices.length; i++) {
                double x = number(row[indices[i]]);
                if (!Double.isNaN(x)) {
                    double d = x - sums[i] / counts[i];
                    deviations[i] += d;
                    squares[i] += d * d;
                }
            }
        });
        double[] variances = new double[indices.length];
        for (int i = 0; i < indices.length; i++) {
            variances[i] = counts[i] == 0 ? 0 : (squares[i] - deviations[i] * deviations[i] / counts[i]) / counts[i];
        }
        return variances;
    }

    @Override
    Object[] transform(Object[] row) {
        Object[] out = Arrays.copyOf(row, row.length);
        for (int i = 0; i < indices.length; i++) {
            double x = number(row[indices[i]]);
            if (Double.isNaN(x)) {
                out[indices[i]] = null;
            } else {
                out[indices[i]] = standard ? (x - offset[i]) / scale[i] : x * scale[i] + offset[i];
            }
        }
        return out;
    }
}
