package io.sluice.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group-by node: rows grouped by the values of some columns (none: one group of all rows), each
 * group one output row with the group's values and one column per measure (rows whose key is missing
 * are left out, as pandas' {@code dropna=True} does), groups in key order as
 * pandas' {@code groupby(...).agg(...)} sorts them. In Data Wrangler's form a measure's column is
 * {@code <column>_<function>}; in etl-core's it is the measure's {@code dest}. Functions: {@code sum},
 * {@code mean}, {@code count} (values that are not null; of {@code *}: rows), {@code min}, {@code max},
 * {@code count_distinct} (also {@code nunique}), {@code median} and {@code std} (the sample standard
 * deviation, n - 1, as pandas; null for one value); nulls are skipped as pandas skips NaN. The sum
 * of a decimal column is an exact decimal (as pandas sums {@code Decimal} objects); its mean, median
 * and std are floats (as pandas gives float64); min and max keep the column's type (dates included). A hash
 * aggregation: the groups are held in memory (a median holds its group's values).
 */
final class Aggregate implements BlockingNode {

    /** One measure: a function over one column ({@code -1} for {@code size}, the count of rows). */
    record Measure(int column, String function, String outputName) {
    }

    /** The functions that need numbers (or booleans, as 1 and 0). */
    private static final Set<String> NUMERIC = Set.of("sum", "mean", "avg", "average", "median", "std");

    private final int[] groupBy;
    private final List<Measure> measures;
    private final Schema output;
    private final Map<Key, Accumulator[]> groups = new HashMap<>();
    /** The measures' columns, for {@link #add}: {@code -1} for the count of rows. */
    private final int[] measureColumns;

    private Aggregate(int[] groupBy, List<Measure> measures, Schema output) {
        this.groupBy = groupBy;
        this.measures = measures;
        this.output = output;
        this.measureColumns = measures.stream().mapToInt(Measure::column).toArray();
    }

    /** A group's key: the values of the group columns, hashed once. */
    private static final class Key {
        private final Object[] values;
        private final int hash;

        Key(Object[] values) {
            this.values = values;
            this.hash = Arrays.hashCode(values);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.hash == hash && Arrays.equals(key.values, values);
        }
    }

    /**
     * From Data Wrangler's settings: {@code group_columns} (or {@code group_by}, {@code groupby}) and
     * {@code aggregation_functions} (or {@code aggregations}) mapping a column to a function or a list of
     * them, each output column {@code <column>_<function>}; from its UI's groupBy form: {@code column} and
     * {@code aggregate} mapping a column to one function, whose output keeps the column's name (pandas'
     * {@code agg} of a dict), or to a list of them; or from etl-core's: {@code group_by} (a list, may be empty)
     * and {@code aggregations}, a list of {@code {src, op, dest}} ({@code src: "*"} with {@code count} counts rows).
     *
     * @return null (problems noted) when a column or function is unknown
     */
    static Aggregate of(Settings settings, Schema input) {
        List<String> groupColumns = settings.texts("group_columns", "group_by", "groupby", "groupBy", "group_by_columns", "column");
        List<Map<?, ?>> measureList = measures(settings);
        if (measureList == null) {
            return null;
        }
        int[] groupBy = new int[groupColumns.size()];
        List<Schema.Column> columns = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < groupBy.length; i++) {
            groupBy[i] = input.indexOf(groupColumns.get(i));
            if (groupBy[i] < 0) {
                settings.problem("groups by column " + groupColumns.get(i) + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
            } else {
                columns.add(input.column(groupBy[i]));
            }
        }
        List<Measure> measures = new ArrayList<>();
        for (Map<?, ?> measure : measureList) {
            String source = String.valueOf(measure.get("src"));
            String function = String.valueOf(measure.get("op")).toLowerCase(java.util.Locale.ROOT);
            boolean rows = source.equals("*");
            int column = rows ? -1 : input.indexOf(source);
            if (column < 0 && !rows) {
                settings.problem("aggregates column " + source + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
                continue;
            }
            if (rows && !function.equals("count") && !function.equals("size")) {
                settings.problem("has the function '" + measure.get("op") + "' of *; of all rows it counts only (count)");
                ok = false;
                continue;
            }
            ColumnType inputType = rows ? ColumnType.LONG : input.column(column).type();
            ColumnType type = outputType(function, inputType);
            if (type == null) {
                settings.problem("has the unknown aggregation function '" + measure.get("op") + "' (sum, mean, count, min, max, count_distinct, nunique, median, std)");
                ok = false;
                continue;
            }
            if (!inputType.numeric() && inputType != ColumnType.BOOLEAN && NUMERIC.contains(function)) {
                settings.problem("computes " + function + " of column " + source + ", which holds " + inputType.label() + " values, not numbers");
                ok = false;
                continue;
            }
            Object dest = measure.get("dest");
            String outputName = dest != null ? dest.toString() : source + "_" + function;
            measures.add(new Measure(column, rows ? "size" : function, outputName));
            columns.add(new Schema.Column(outputName, type));
        }
        return ok ? new Aggregate(groupBy, measures, new Schema(columns)) : null;
    }

    /**
     * The measures as {@code {src, op, dest}} maps: etl-core's list as it is, Data Wrangler's map of a
     * column to its functions one map per function (without a dest).
     *
     * @return null (a problem noted) when there are none or they are neither form
     */
    private static List<Map<?, ?>> measures(Settings settings) {
        Object given = settings.value("aggregation_functions", "aggregations", "aggregates", "agg", "aggregate");
        List<Map<?, ?>> measures = new ArrayList<>();
        if (given instanceof List<?> list) {
            for (Object element : list) {
                if (!(element instanceof Map<?, ?> measure) || measure.get("src") == null || measure.get("op") == null) {
                    settings.problem("has an aggregation that is not {src, op, dest}: " + element);
                    return null;
                }
                measures.add(measure);
            }
        } else {
            // the UI's groupBy form ({"aggregate": {column: function}}) is pandas' agg of a dict: one function keeps its column's name
            boolean keepNames = settings.value("aggregation_functions", "aggregations", "aggregates", "agg") == null;
            for (Map.Entry<String, Object> entry : settings.object("aggregation_functions", "aggregations", "aggregates", "agg", "aggregate").entrySet()) {
                if (keepNames && !(entry.getValue() instanceof List<?>)) {
                    measures.add(Map.of("src", entry.getKey(), "op", String.valueOf(entry.getValue()), "dest", entry.getKey()));
                    continue;
                }
                List<?> names = entry.getValue() instanceof List<?> list ? list : List.of(entry.getValue());
                for (Object name : names) {
                    measures.add(Map.of("src", entry.getKey(), "op", String.valueOf(name)));
                }
            }
        }
        if (measures.isEmpty()) {
            settings.problem("has no aggregation_functions");
            return null;
        }
        return measures;
    }

    private static ColumnType outputType(String function, ColumnType input) {
        return switch (function) {
            case "sum" -> input == ColumnType.LONG || input == ColumnType.BOOLEAN ? ColumnType.LONG
                    : input == ColumnType.DECIMAL ? ColumnType.DECIMAL : ColumnType.DOUBLE;
            case "mean", "avg", "average", "median", "std" -> ColumnType.DOUBLE;
            case "count", "count_distinct", "nunique", "size" -> ColumnType.LONG;
            case "min", "max", "first", "last" -> input;
            default -> null;
        };
    }

    @Override
    public Schema output() {
        return output;
    }

    /** Adds one input row to its group. */
    @Override
    public void add(Object[] row) {
        Object[] key = new Object[groupBy.length];
        for (int i = 0; i < groupBy.length; i++) {
            key[i] = row[groupBy[i]];
            if (key[i] == null || key[i] instanceof Double d && d.isNaN()) {
                return; // pandas' groupby leaves out the rows whose key is missing (dropna=True)
            }
            if (key[i] instanceof Double d && d == 0) {
                key[i] = 0.0; // -0.0 and 0.0 are one group
            }
        }
        Key group = new Key(key);
        Accumulator[] accumulators = groups.get(group);
        if (accumulators == null) {
            accumulators = newAccumulators();
            groups.put(group, accumulators);
        }
        for (int i = 0; i < accumulators.length; i++) {
            int column = measureColumns[i];
            accumulators[i].add(column < 0 ? null : row[column]);
        }
    }

    @Override
    public long finish(java.nio.file.Path rowFile) throws java.io.IOException {
        List<Object[]> rows = results();
        RowFile.write(rowFile, output, rows);
        return rows.size();
    }

    /** The groups' output rows, in key order. */
    List<Object[]> results() {
        List<Map.Entry<Key, Accumulator[]>> entries = new ArrayList<>(groups.entrySet());
        entries.sort((a, b) -> compareKeys(a.getKey().values, b.getKey().values));
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (Map.Entry<Key, Accumulator[]> entry : entries) {
            Object[] row = new Object[output.size()];
            for (int i = 0; i < groupBy.length; i++) {
                row[i] = entry.getKey().values[i];
            }
            for (int i = 0; i < entry.getValue().length; i++) {
                row[groupBy.length + i] = entry.getValue()[i].result();
            }
            rows.add(row);
        }
        return rows;
    }

    private static int compareKeys(Object[] a, Object[] b) {
        for (int i = 0; i < a.length; i++) {
            Object x = a[i];
            Object y = b[i];
            if (x == null || y == null) {
                if (x != y) {
                    return x == null ? 1 : -1;
                }
                continue;
            }
            Integer order = Values.compare(x, y);
            int c = order == null ? x.toString().compareTo(y.toString()) : order;
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    private Accumulator[] newAccumulators() {
        Accumulator[] accumulators = new Accumulator[measures.size()];
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i] = new Accumulator(measures.get(i).function(), output.column(groupBy.length + i).type());
        }
        return accumulators;
    }

    /** One function's running state over one group's values. */
    private static final class Accumulator {

        private final String function;
        private final ColumnType type;
        private long count;
        private long wholeSum;
        private java.math.BigDecimal exactSum = java.math.BigDecimal.ZERO;
        private double sum;
        private Object extreme;
        private Object edge;
        private Set<Object> distinct;
        private List<Double> values;
        /** Welford's running mean and sum of squared deviations, for {@code std}. */
        private double runningMean;
        private double squares;

        Accumulator(String function, ColumnType type) {
            this.function = function;
            this.type = type;
        }

        void add(Object value) {
            if (function.equals("size")) {
                count++;
                return;
            }
            if (value == null || value instanceof Double d && d.isNaN()) {
                return;
            }
            count++;
            switch (function) {
                case "sum", "mean", "avg", "average" -> {
                    double number = value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
                    if (type == ColumnType.LONG) {
                        wholeSum = Math.addExact(wholeSum, value instanceof Long l ? l : (long) number);
                    } else if (type == ColumnType.DECIMAL) {
                        exactSum = exactSum.add((java.math.BigDecimal) value);
                    } else {
                        sum += number;
                    }
                }
                case "min", "max" -> {
                    Integer order = extreme == null ? null : Values.compare(value, extreme);
                    if (extreme == null || order != null && (function.equals("min") ? order < 0 : order > 0)) {
                        extreme = value;
                    }
                }
                case "first" -> {
                    if (edge == null) {
                        edge = value;
                    }
                }
                case "last" -> edge = value;
                case "count_distinct", "nunique" -> {
                    if (distinct == null) {
                        distinct = new HashSet<>();
                    }
                    distinct.add(Values.normalNumber(value));
                }
                case "median" -> {
                    if (values == null) {
                        values = new ArrayList<>();
                    }
                    values.add(number(value));
                }
                case "std" -> {
                    double x = number(value);
                    double delta = x - runningMean;
                    runningMean += delta / count;
                    squares += delta * (x - runningMean);
                }
                default -> { }
            }
        }

        Object result() {
            return switch (function) {
                case "sum" -> type == ColumnType.LONG ? (Object) wholeSum : type == ColumnType.DECIMAL ? (Object) exactSum : (Object) sum;
                case "mean", "avg", "average" -> count == 0 ? null : (Object) (sum / count);
                case "count", "size" -> count;
                case "min", "max" -> extreme;
                case "first", "last" -> edge;
                case "count_distinct", "nunique" -> distinct == null ? 0L : (long) distinct.size();
                case "median" -> median();
                case "std" -> count < 2 ? null : (Object) Math.sqrt(squares / (count - 1));
                default -> null;
            };
        }

        private static double number(Object value) {
            return value instanceof Boolean b ? (b ? 1 : 0) : ((Number) value).doubleValue();
        }

        private Object median() {
            if (values == null || values.isEmpty()) {
                return null;
            }
            values.sort(Double::compare);
            int n = values.size();
            return n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2;
        }
    }
}
