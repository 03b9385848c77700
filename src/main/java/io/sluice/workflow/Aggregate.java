package io.sluice.workflow;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A group-by node: rows grouped by the values of some columns, each group one output row with the
 * group's values and one column {@code <column>_<function>} per measure, groups in key order as
 * pandas' {@code groupby(...).agg(...)} sorts them. Functions: {@code sum}, {@code mean}, {@code count}
 * (values that are not null), {@code min}, {@code max}, {@code count_distinct} (also {@code nunique})
 * and {@code median}; nulls are skipped as pandas skips NaN. A hash aggregation: the groups are held in
 * memory (a median holds its group's values).
 */
final class Aggregate implements BlockingNode {

    /** One measure: a function over one column. */
    record Measure(int column, String function, String outputName) {
    }

    private final int[] groupBy;
    private final List<Measure> measures;
    private final Schema output;
    private final Map<List<Object>, Accumulator[]> groups = new HashMap<>();

    private Aggregate(int[] groupBy, List<Measure> measures, Schema output) {
        this.groupBy = groupBy;
        this.measures = measures;
        this.output = output;
    }

    /**
     * From Data Wrangler's settings: {@code group_columns} (or {@code group_by}, {@code groupby}) and
     * {@code aggregation_functions} (or {@code aggregations}) mapping a column to a function or a list of them.
     *
     * @return null (problems noted) when a column or function is unknown
     */
    static Aggregate of(Settings settings, Schema input) {
        List<String> groupColumns = settings.texts("group_columns", "group_by", "groupby", "group_by_columns");
        Map<String, Object> functions = settings.object("aggregation_functions", "aggregations", "aggregates", "agg");
        if (functions.isEmpty()) {
            settings.problem("has no aggregation_functions");
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
        for (Map.Entry<String, Object> entry : functions.entrySet()) {
            int column = input.indexOf(entry.getKey());
            if (column < 0) {
                settings.problem("aggregates column " + entry.getKey() + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
                continue;
            }
            List<?> names = entry.getValue() instanceof List<?> list ? list : List.of(entry.getValue());
            for (Object name : names) {
                String function = String.valueOf(name).toLowerCase(java.util.Locale.ROOT);
                ColumnType type = outputType(function, input.column(column).type());
                if (type == null) {
                    settings.problem("has the unknown aggregation function '" + name + "' (sum, mean, count, min, max, count_distinct, median)");
                    ok = false;
                    continue;
                }
                String outputName = entry.getKey() + "_" + function;
                measures.add(new Measure(column, function, outputName));
                columns.add(new Schema.Column(outputName, type));
            }
        }
        return ok ? new Aggregate(groupBy, measures, new Schema(columns)) : null;
    }

    private static ColumnType outputType(String function, ColumnType input) {
        return switch (function) {
            case "sum" -> input == ColumnType.LONG || input == ColumnType.BOOLEAN ? ColumnType.LONG : ColumnType.DOUBLE;
            case "mean", "avg", "average", "median" -> ColumnType.DOUBLE;
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
        }
        Accumulator[] accumulators = groups.computeIfAbsent(Arrays.asList(key), k -> newAccumulators());
        for (int i = 0; i < accumulators.length; i++) {
            accumulators[i].add(row[measures.get(i).column()]);
        }
    }

    @Override
    public long finish(java.nio.file.Path rowFile) throws java.io.IOException {
        List<Object[]> rows = results();
        RowFile.write(rowFile, output, rows);
        return rows.size();
    }

    /** The groups' output rows, in key order (nulls last). */
    List<Object[]> results() {
        List<Map.Entry<List<Object>, Accumulator[]>> entries = new ArrayList<>(groups.entrySet());
        entries.sort((a, b) -> compareKeys(a.getKey(), b.getKey()));
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (Map.Entry<List<Object>, Accumulator[]> entry : entries) {
            Object[] row = new Object[output.size()];
            for (int i = 0; i < groupBy.length; i++) {
                row[i] = entry.getKey().get(i);
            }
            for (int i = 0; i < entry.getValue().length; i++) {
                row[groupBy.length + i] = entry.getValue()[i].result();
            }
            rows.add(row);
        }
        return rows;
    }

    private static int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < a.size(); i++) {
            Object x = a.get(i);
            Object y = b.get(i);
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
        private double sum;
        private Object extreme;
        private Object edge;
        private Set<Object> distinct;
        private List<Double> values;

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
                    values.add(((Number) value).doubleValue());
                }
                default -> { }
            }
        }

        Object result() {
            return switch (function) {
                case "sum" -> type == ColumnType.LONG ? (Object) wholeSum : (Object) sum;
                case "mean", "avg", "average" -> count == 0 ? null : (Object) (sum / count);
                case "count", "size" -> count;
                case "min", "max" -> extreme;
                case "first", "last" -> edge;
                case "count_distinct", "nunique" -> distinct == null ? 0L : (long) distinct.size();
                case "median" -> median();
                default -> null;
            };
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
