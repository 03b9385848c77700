package io.sluice.workflow;

import org.apache.commons.statistics.descriptive.Mean;
import org.apache.commons.statistics.descriptive.Median;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Missing values filled with a statistic of their column, as pandas' {@code df[c].fillna(df[c].mean())},
 * {@code .median()} and {@code .mode()[0]} (Data Wrangler's {@code handle_missing} strategies
 * {@code fill}, {@code fill_median}, {@code fill_mode}). The planner sends a missing-values node here when
 * one of its columns needs such a statistic; {@link RowOperations#missingValues} runs the others.
 *
 * <p>Settings: {@code handle_dict} (column to strategy, as Data Wrangler's engine), or one
 * {@code strategy} (also {@code method}) for {@code columns} (also {@code column}, {@code subset}; all
 * columns when none is named), as the stored workflows write it. Strategies: {@code mean} (also
 * {@code fill_mean}, and Data Wrangler's {@code fill} when no value is given), {@code median}
 * ({@code fill_median}), {@code mode} ({@code fill_mode}, {@code most_frequent}), {@code drop}
 * ({@code dropna}, {@code remove}), and a value ({@code value}, {@code constant}, {@code fill_custom},
 * {@code fill} with one) taken from {@code value} (also {@code fill_value}, {@code custom_value}).
 *
 * <p>As pandas: the statistics skip missing values (null and NaN); a handle_dict's strategies apply in
 * its order, so a column's mean leaves out the rows that an earlier column's {@code drop} removed; the
 * mode's ties go to the smallest value; a column with no value at all keeps its nulls. A whole-number
 * column filled with a mean or median becomes a float column (pandas' column with missing values is
 * float64; its mean 2.5 is never truncated), as does one filled with a float value; the mode keeps the
 * column's type.
 *
 * <p>Memory: a mean holds two numbers a column; a median holds the column's values in a primitive
 * array (8 bytes a row a median column, sorted at the end by Commons Statistics' {@code Median}, which
 * interpolates as pandas does); a mode holds a count per distinct value of its column.
 */
final class FillMissing extends TwoPassNode {

    /** How one column's missing values are handled. */
    enum Strategy { DROP, VALUE, MEAN, MEDIAN, MODE }

    private final int[] indices;
    private final Strategy[] strategies;
    private final boolean[] widen;
    private final Object[] values;
    private Mean[] means;
    private double[][] medianValues;
    private int[] medianCounts;
    private List<Map<Object, long[]>> modeCounts;
    private Object[] fills;

    private FillMissing(Schema input, Schema output, int[] indices, Strategy[] strategies, boolean[] widen, Object[] values) {
        super("sluice-fill-missing-", input, output);
        this.indices = indices;
        this.strategies = strategies;
        this.widen = widen;
        this.values = values;
    }

    /**
     * The strategy a name stands for; null when it is none sluice knows.
     *
     * @param valueGiven whether the node has a fill value (Data Wrangler's {@code fill} means the mean without one)
     */
    static Strategy strategy(Object name, boolean valueGiven) {
        String text = name == null ? "drop" : name.toString().trim().toLowerCase(Locale.ROOT);
        return switch (text) {
            case "drop", "dropna", "drop_missing", "drop_rows", "remove", "handle_missing", "missing_values" -> Strategy.DROP;
            case "value", "fill_value", "constant", "fill_custom", "custom", "fillna" -> Strategy.VALUE;
            case "fill" -> valueGiven ? Strategy.VALUE : Strategy.MEAN;
            case "mean", "fill_mean", "average", "avg" -> Strategy.MEAN;
            case "median", "fill_median" -> Strategy.MEDIAN;
            case "mode", "fill_mode", "most_frequent" -> Strategy.MODE;
            default -> null;
        };
    }

    /** Whether a missing-values node needs a column's statistic (mean, median or mode), so this node and not a row operation. */
    static boolean needsFirstPass(WorkflowDefinition.Node node) {
        Map<String, Object> settings = node.settings();
        boolean valueGiven = fillValue(settings) != null;
        List<Object> named = new ArrayList<>();
        if (settings.get("handle_dict") instanceof Map<?, ?> perColumn && !perColumn.isEmpty()) {
            named.addAll(perColumn.values());
        } else {
            Object strategy = settings.get("strategy");
            named.add(strategy != null ? strategy : settings.get("method"));
        }
        for (Object name : named) {
            Strategy strategy = strategy(name, valueGiven);
            if (strategy == Strategy.MEAN || strategy == Strategy.MEDIAN || strategy == Strategy.MODE) {
                return true;
            }
        }
        return false;
    }

    private static Object fillValue(Map<String, Object> settings) {
        for (String name : List.of("value", "fill_value", "custom_value")) {
            if (settings.get(name) != null) {
                return settings.get(name);
            }
        }
        return null;
    }

    /**
     * From the settings described on the class.
     *
     * @return null (problems noted) when a column is unknown, a strategy unknown, a mean or median asked of
     *         a column that is not numeric, or a value that the column cannot hold
     */
    static FillMissing of(Settings settings, Schema input) {
        Map<String, Object> perColumn = settings.object("handle_dict");
        List<String> columns = perColumn.isEmpty() ? settings.texts("columns", "column", "subset") : new ArrayList<>(perColumn.keySet());
        if (columns.isEmpty()) {
            columns = input.names();
        }
        Object value = settings.value("value", "fill_value", "custom_value");
        Object defaultStrategy = settings.value("strategy", "method");
        int[] indices = new int[columns.size()];
        Strategy[] strategies = new Strategy[columns.size()];
        boolean[] widen = new boolean[columns.size()];
        Object[] values = new Object[columns.size()];
        List<Schema.Column> output = new ArrayList<>(input.columns());
        boolean ok = true;
        for (int i = 0; i < columns.size(); i++) {
            String name = columns.get(i);
            indices[i] = input.indexOf(name);
            if (indices[i] < 0) {
                settings.problem("fills missing values of column " + name + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
                continue;
            }
            Object named = perColumn.isEmpty() ? defaultStrategy : perColumn.get(name);
            strategies[i] = strategy(named, value != null);
            ColumnType type = input.column(indices[i]).type();
            if (strategies[i] == null) {
                settings.problem("fills missing values of column " + name + " with the strategy '" + named
                        + "', which sluice does not know (drop, value, mean, median, mode)");
                ok = false;
            } else if ((strategies[i] == Strategy.MEAN || strategies[i] == Strategy.MEDIAN) && type == ColumnType.DECIMAL) {
                settings.problem("fills the decimal column " + name + " with its " + strategies[i].name().toLowerCase(Locale.ROOT)
                        + ", a float that the column's exact values would not hold; fill it with a value, or convert it to float first");
                ok = false;
            } else if ((strategies[i] == Strategy.MEAN || strategies[i] == Strategy.MEDIAN) && !type.numeric()) {
                settings.problem("fills column " + name + " with its " + strategies[i].name().toLowerCase(Locale.ROOT)
                        + ", but it holds " + type.label() + " values, not numbers");
                ok = false;
            } else if (strategies[i] == Strategy.VALUE) {
                if (value == null) {
                    settings.problem("fills missing values of column " + name + " with a value but has none (fill_value)");
                    ok = false;
                    continue;
                }
                values[i] = fillOf(settings, name, type, value);
                if (values[i] == null) {
                    ok = false;
                    continue;
                }
                widen[i] = type == ColumnType.LONG && values[i] instanceof Double;
            } else {
                widen[i] = type == ColumnType.LONG && strategies[i] != Strategy.MODE && strategies[i] != Strategy.DROP;
            }
            if (widen[i]) {
                output.set(indices[i], new Schema.Column(name, ColumnType.DOUBLE));
            }
        }
        return ok ? new FillMissing(input, new Schema(output), indices, strategies, widen, values) : null;
    }

    /** A fill value as the column holds it (a whole-number column takes a float value as a float); null, with a problem noted, when it cannot. */
    private static Object fillOf(Settings settings, String column, ColumnType type, Object value) {
        String text = value.toString().trim();
        try {
            return switch (type) {
                case STRING -> value instanceof Number n && !(n instanceof Double || n instanceof Float) ? String.valueOf(n.longValue()) : value.toString();
                case LONG -> value instanceof Integer || value instanceof Long || text.matches("[-+]?\\d+")
                        ? (Object) new BigDecimal(text).longValueExact() : (Object) Double.parseDouble(text);
                case DOUBLE -> Double.parseDouble(text);
                case DECIMAL -> value instanceof Double || value instanceof Float ? new BigDecimal(value.toString())
                        : CsvSource.value(text, ColumnType.DECIMAL);
                case DATE, TIMESTAMP -> {
                    Object typed = CsvSource.value(text, type);
                    if (typed == null) {
                        throw new NumberFormatException();
                    }
                    yield typed;
                }
                case BOOLEAN -> {
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new NumberFormatException();
                    }
                    yield Boolean.parseBoolean(text);
                }
            };
        } catch (NumberFormatException | ArithmeticException e) {
            settings.problem("fills the " + type.label() + " column " + column + " with '" + value + "', which is not a " + type.label() + " value");
            return null;
        }
    }

    @Override
    void begin() {
        int n = indices.length;
        means = new Mean[n];
        medianValues = new double[n][];
        medianCounts = new int[n];
        modeCounts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (strategies[i] == Strategy.MEAN) {
                means[i] = Mean.create();
            }
            if (strategies[i] == Strategy.MEDIAN) {
                medianValues[i] = new double[1024];
            }
            modeCounts.add(strategies[i] == Strategy.MODE ? new HashMap<>() : null);
        }
    }

    @Override
    boolean gather(Object[] row, long index) {
        for (int i = 0; i < indices.length; i++) {
            Object value = row[indices[i]];
            boolean missing = missing(value);
            switch (strategies[i]) {
                case DROP -> {
                    if (missing) {
                        return false; // the columns after it compute their statistics without this row, as pandas' next fillna would
                    }
                }
                case MEAN -> {
                    if (!missing) {
                        means[i].accept(number(value));
                    }
                }
                case MEDIAN -> {
                    if (!missing) {
                        if (medianCounts[i] == medianValues[i].length) {
                            if (medianCounts[i] == Integer.MAX_VALUE - 8) {
                                throw new IllegalStateException("a median of more than " + medianCounts[i] + " values is beyond this node");
                            }
                            medianValues[i] = Arrays.copyOf(medianValues[i], (int) Math.min(Integer.MAX_VALUE - 8L, medianCounts[i] * 2L));
                        }
                        medianValues[i][medianCounts[i]++] = number(value);
                    }
                }
                case MODE -> {
                    if (!missing) {
                        modeCounts.get(i).computeIfAbsent(value, key -> new long[1])[0]++;
                    }
                }
                default -> {
                }
            }
        }
        return true;
    }

    @Override
    void prepare(long rows) {
        fills = new Object[indices.length];
        for (int i = 0; i < indices.length; i++) {
            fills[i] = switch (strategies[i]) {
                case VALUE -> values[i];
                case MEAN -> {
                    double mean = means[i].getAsDouble();
                    yield Double.isNaN(mean) ? null : (Object) mean;
                }
                case MEDIAN -> medianCounts[i] == 0 ? null : (Object) Median.withDefaults().withCopy(false)
                        .evaluateRange(medianValues[i], 0, medianCounts[i]);
                case MODE -> mode(modeCounts.get(i));
                case DROP -> null;
            };
            medianValues[i] = null;
        }
        modeCounts = null;
    }

    /** The most frequent value; of several as frequent, the smallest (pandas' {@code mode()} is sorted); null when there is none. */
    private static Object mode(Map<Object, long[]> counts) {
        Object best = null;
        long bestCount = 0;
        for (Map.Entry<Object, long[]> entry : counts.entrySet()) {
            long count = entry.getValue()[0];
            if (count > bestCount || count == bestCount && Values.compare(entry.getKey(), best) < 0) {
                best = entry.getKey();
                bestCount = count;
            }
        }
        return best;
    }

    @Override
    Object[] transform(Object[] row) {
        Object[] out = Arrays.copyOf(row, row.length);
        for (int i = 0; i < indices.length; i++) {
            int at = indices[i];
            if (missing(out[at])) {
                out[at] = fills[i];
            } else if (widen[i] && out[at] instanceof Long whole) {
                out[at] = whole.doubleValue();
            }
        }
        return out;
    }
}
