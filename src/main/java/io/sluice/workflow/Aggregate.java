package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * and std are floats (as pandas gives float64); min and max keep the column's type (dates included). A float sum
 * (of {@code sum} and {@code mean}) is Kahan-compensated, as pandas' {@code group_sum} and
 * {@code group_mean} add (ten times 67.9 is 679.0, not 678.9999999999999).
 *
 * <p>A hash aggregation that spills (the hybrid scheme of Grace hash aggregation, as in Graefe's "Query
 * Evaluation Techniques for Large Databases", 1993): the groups' running states are held in a hash table
 * up to a budget (estimated bytes; a median or count_distinct holds its group's values). Past it, the
 * held groups' partial states and every later row (as the state of one row) go to (at most)
 * {@value HashBuckets#COUNT} bucket files by a salted hash of their key, so that all of a key's states meet in one
 * bucket. At {@link #finish}, each bucket is aggregated alone by combining the states (counts and sums
 * added, in input order, so that a float sum is the same as in memory; a mean as its sum and count;
 * std's moments by Chan, Golub and LeVeque's pairwise formula; min, max, the distinct values and a
 * median's values from the values themselves); a bucket still too large is split again with another
 * salt, up to {@value #MAX_DEPTH} levels (a level holding one group is never split: its values are held
 * whole). Each bucket's groups are written in key order, and the buckets' files merged back into key
 * order (a k-way merge), so that the output is the same as without spilling.
 */
final class Aggregate implements BlockingNode {

    /** One measure: a function over one column ({@code -1} for {@code size}, the count of rows). */
    record Measure(int column, String function, String outputName) {
    }

    /** The budget of {@link #of(Settings, Schema)}, in estimated bytes of held groups. */
    static final long DEFAULT_BUDGET_BYTES = 24L << 20;
    /** The most levels of splitting; a bucket at the last level is held whole, however large. */
    static final int MAX_DEPTH = 6;
    /** A held group's cost beyond its key's values: the key list, the hash table's entry, the state array. */
    private static final long GROUP_BYTES = 96;
    /** One function's running state on the heap. */
    private static final long ACCUMULATOR_BYTES = 96;

    /** The functions that need numbers (or booleans, as 1 and 0). */
    private static final Set<String> NUMERIC = Set.of("sum", "mean", "avg", "average", "median", "std");

    private final int[] groupBy;
    private final List<Measure> measures;
    private final Schema output;
    private final long budgetBytes;
    private final Path spillParent;
    /** A bucket row: the key's values, then each measure's state columns. */
    private final Schema stateSchema;
    /** Where each measure's state columns start in a bucket row. */
    private final int[] stateAt;
    private Level top;
    private Path spillFolder;
    private int files;
    private boolean spilled;

    private Aggregate(int[] groupBy, List<Measure> measures, Schema output, long budgetBytes, Path spillParent) {
        this.groupBy = groupBy;
        this.measures = measures;
        this.output = output;
        this.budgetBytes = Math.max(1, budgetBytes);
        this.spillParent = spillParent;
        List<Schema.Column> columns = new ArrayList<>(output.columns().subList(0, groupBy.length));
        this.stateAt = new int[measures.size()];
        for (int i = 0; i < measures.size(); i++) {
            stateAt[i] = columns.size();
            List<ColumnType> types = Accumulator.stateTypes(measures.get(i).function(), output.column(groupBy.length + i).type());
            for (int j = 0; j < types.size(); j++) {
                columns.add(new Schema.Column("__" + i + "_" + j, types.get(j)));
            }
        }
        this.stateSchema = new Schema(columns);
        this.top = new Level(0);
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
        return of(settings, input, DEFAULT_BUDGET_BYTES, null);
    }

    /**
     * Like {@link #of(Settings, Schema)}, with a budget (estimated bytes of held groups, at least 1) and a
     * spill folder's parent (null: the JVM's temporary folder).
     */
    static Aggregate of(Settings settings, Schema input, long budgetBytes, Path spillParent) {
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
        return ok ? new Aggregate(groupBy, measures, new Schema(columns), budgetBytes, spillParent) : null;
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

    /** Adds one input row to its group (a row whose key is missing is left out). */
    @Override
    public void add(Object[] row) throws IOException {
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
        top.addRow(Arrays.asList(key), row);
    }

    /** Whether groups went to bucket files (for tests). */
    boolean spilled() {
        return spilled;
    }

    /** Writes one row per group, in key order, to {@code rowFile}. */
    @Override
    public long finish(Path rowFile) throws IOException {
        long[] count = {0};
        try (RowFile.Writer writer = new RowFile.Writer(rowFile, output)) {
            top.emit(row -> {
                writer.append(row);
                count[0]++;
            });
            writer.commit();
        }
        return count[0];
    }

    /** Drops the held groups, the spill folder and its bucket files. */
    @Override
    public void close() throws IOException {
        top.closeBuckets();
        top = new Level(0);
        if (spillFolder != null) {
            Sort.deleteFolder(spillFolder);
            spillFolder = null;
        }
    }

    /** Where a level's output rows go, in key order. */
    private interface Sink {
        void accept(Object[] row) throws IOException;
    }

    /** The order of two keys (or rows, by their first {@code groupBy.length} values). */
    private int compareKeys(List<Object> a, List<Object> b) {
        for (int i = 0; i < groupBy.length; i++) {
            int c = RowKeys.compare(a.get(i), b.get(i)); // never missing: such rows were left out
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

    /** One level of the partitioning: a hash table of the held groups, or, once past the budget, bucket files. */
    private final class Level {

        private final int depth;
        private final Map<List<Object>, Accumulator[]> groups = new HashMap<>();
        private long heldBytes;
        /** Where the groups go once past the budget; null before. */
        private HashBuckets buckets;

        Level(int depth) {
            this.depth = depth;
        }

        /** Adds an input row of the group {@code key}. */
        void addRow(List<Object> key, Object[] row) throws IOException {
            if (buckets != null) {
                Object[] state = keyed(key);
                for (int i = 0; i < stateAt.length; i++) {
                    int column = measures.get(i).column();
                    Accumulator.rowState(measures.get(i).function(), output.column(groupBy.length + i).type(),
                            column < 0 ? null : row[column], state, stateAt[i]);
                }
                buckets.append(key, state);
                return;
            }
            Accumulator[] accumulators = held(key);
            long grown = 0;
            for (int i = 0; i < accumulators.length; i++) {
                int column = measures.get(i).column();
                grown += accumulators[i].add(column < 0 ? null : row[column]);
            }
            grew(grown);
        }

        /** Adds a bucket row: the partial state of the group of its first values. */
        void addState(Object[] state) throws IOException {
            List<Object> key = Arrays.asList(Arrays.copyOf(state, groupBy.length));
            if (buckets != null) {
                buckets.append(key, state);
                return;
            }
            Accumulator[] accumulators = held(key);
            long grown = 0;
            for (int i = 0; i < accumulators.length; i++) {
                grown += accumulators[i].combine(state, stateAt[i]);
            }
            grew(grown);
        }

        private Accumulator[] held(List<Object> key) {
            Accumulator[] accumulators = groups.get(key);
            if (accumulators == null) {
                accumulators = newAccumulators();
                groups.put(key, accumulators);
                heldBytes += RowKeys.estimatedBytes(key.toArray()) + GROUP_BYTES + ACCUMULATOR_BYTES * accumulators.length;
            }
            return accumulators;
        }

        private void grew(long bytes) throws IOException {
            heldBytes += bytes;
            // one group cannot be split by its key: it is held whole
            if (heldBytes > budgetBytes && depth < MAX_DEPTH && groups.size() > 1) {
                split();
            }
        }

        private Object[] keyed(List<Object> key) {
            Object[] state = new Object[stateSchema.size()];
            for (int i = 0; i < groupBy.length; i++) {
                state[i] = key.get(i);
            }
            return state;
        }

        /** Moves the held groups' states to the bucket files; the rows after them go there too. */
        private void split() throws IOException {
            if (spillFolder == null) {
                spillFolder = spillParent == null ? Files.createTempDirectory("sluice-aggregate-")
                        : Files.createTempDirectory(Files.createDirectories(spillParent), "sluice-aggregate-");
            }
            spilled = true;
            buckets = new HashBuckets(stateSchema, depth, bucket -> spillFolder.resolve("bucket-" + depth + "-" + files++ + ".rows"));
            for (Map.Entry<List<Object>, Accumulator[]> entry : groups.entrySet()) {
                Accumulator[] accumulators = entry.getValue();
                int rows = 1;
                for (Accumulator accumulator : accumulators) {
                    rows = Math.max(rows, accumulator.stateRows());
                }
                for (int r = 0; r < rows; r++) {
                    Object[] state = keyed(entry.getKey());
                    for (int i = 0; i < accumulators.length; i++) {
                        accumulators[i].state(r, state, stateAt[i]);
                    }
                    buckets.append(entry.getKey(), state);
                }
            }
            groups.clear();
            heldBytes = 0;
        }

        /** Hands one output row per group to {@code sink} in key order, and drops this level's files. */
        void emit(Sink sink) throws IOException {
            if (buckets == null) {
                List<Map.Entry<List<Object>, Accumulator[]>> entries = new ArrayList<>(groups.entrySet());
                groups.clear();
                entries.sort((a, b) -> compareKeys(a.getKey(), b.getKey()));
                for (Map.Entry<List<Object>, Accumulator[]> entry : entries) {
                    Object[] row = new Object[output.size()];
                    for (int i = 0; i < groupBy.length; i++) {
                        row[i] = entry.getKey().get(i);
                    }
                    Accumulator[] accumulators = entry.getValue();
                    for (int i = 0; i < accumulators.length; i++) {
                        row[groupBy.length + i] = accumulators[i].result();
                    }
                    sink.accept(row);
                }
                return;
            }
            List<Path> sortedFiles = new ArrayList<>();
            Path[] bucketFiles = buckets.commit();
            buckets = null;
            for (Path bucketFile : bucketFiles) {
                if (bucketFile == null) {
                    continue; // no key hashed here
                }
                Level child = new Level(depth + 1);
                try (RowFile.Reader reader = new RowFile.Reader(bucketFile)) {
                    for (Object[] state = reader.next(); state != null; state = reader.next()) {
                        child.addState(state);
                    }
                }
                Files.deleteIfExists(bucketFile);
                Path sortedFile = spillFolder.resolve("groups-" + depth + "-" + files++ + ".rows");
                try (RowFile.Writer writer = new RowFile.Writer(sortedFile, output)) {
                    child.emit(writer::append);
                    writer.commit();
                }
                sortedFiles.add(sortedFile);
            }
            mergeByKey(sortedFiles, sink);
        }

        /** Merges files of groups in key order (no key in two files) into {@code sink}, and deletes them. */
        private void mergeByKey(List<Path> sortedFiles, Sink sink) throws IOException {
            RowFile.merge(sortedFiles, (a, b) -> compareKeys(Arrays.asList(a), Arrays.asList(b)), sink::accept);
        }

        void closeBuckets() throws IOException {
            if (buckets != null) {
                buckets.close();
                buckets = null;
            }
        }
    }

    /**
     * One function's running state over one group's values, and that state as columns of a bucket row
     * (its partial state, which {@link #combine} adds to another's): {@code size}, {@code count}: the count;
     * {@code sum} of whole numbers: the sum; a float {@code sum} and {@code mean}: the sum, its Kahan
     * compensation and the count; {@code std}: the
     * count, the mean and the sum of squared deviations; the others: one value per bucket row (a median's
     * or count_distinct's values over several rows, a min's, max's, first's or last's one value).
     */
    private static final class Accumulator {

        /** A distinct value's cost in a hash set beyond the value: its entry and the table's slot. */
        private static final long SET_ENTRY_BYTES = 48;
        /** A median's value in a list: a Double and its reference, with the list's spare room. */
        private static final long LIST_VALUE_BYTES = 28;

        private final String function;
        private final ColumnType type;
        private long count;
        private long wholeSum;
        /** A decimal column's sum: exact, as pandas sums {@code Decimal} objects. */
        private java.math.BigDecimal exactSum = java.math.BigDecimal.ZERO;
        /** A float sum with its Kahan compensation, as pandas' {@code group_sum} and {@code group_mean} add. */
        private double sum;
        private double compensation;
        private Object extreme;
        private Object edge;
        private Set<Object> distinct;
        private List<Double> values;
        /** Welford's running mean and sum of squared deviations, for {@code std}. */
        private double runningMean;
        private double squares;
        /** The distinct values as an array while {@link #state} writes them, row 0 first. */
        private Object[] spread;

        Accumulator(String function, ColumnType type) {
            this.function = function;
            this.type = type;
        }

        /** The types of a function's state columns, for its output type {@code type}. */
        static List<ColumnType> stateTypes(String function, ColumnType type) {
            return switch (function) {
                case "size", "count" -> List.of(ColumnType.LONG);
                case "sum", "mean", "avg", "average" -> type == ColumnType.LONG && function.equals("sum") ? List.of(ColumnType.LONG)
                        : type == ColumnType.DECIMAL && function.equals("sum") ? List.of(ColumnType.DECIMAL)
                        : List.of(ColumnType.DOUBLE, ColumnType.DOUBLE, ColumnType.LONG);
                case "std" -> List.of(ColumnType.LONG, ColumnType.DOUBLE, ColumnType.DOUBLE);
                case "median" -> List.of(ColumnType.DOUBLE);
                case "count_distinct", "nunique" -> List.of(ColumnType.STRING); // any type: a row file tags each value
                default -> List.of(type);
            };
        }

        /**
         * Adds one value.
         *
         * @return the bytes the state grew by (a value a median or count_distinct holds)
         */
        long add(Object value) {
            if (function.equals("size")) {
                count++;
                return 0;
            }
            if (value == null || value instanceof Double d && d.isNaN()) {
                return 0;
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
                        kahan(number);
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
                    Object normal = Values.normalNumber(value);
                    if (distinct.add(normal)) {
                        return SET_ENTRY_BYTES + (normal instanceof String text ? 40 + text.length() : 16);
                    }
                }
                case "median" -> {
                    if (values == null) {
                        values = new ArrayList<>();
                    }
                    values.add(number(value));
                    return LIST_VALUE_BYTES;
                }
                case "std" -> {
                    double x = number(value);
                    double delta = x - runningMean;
                    runningMean += delta / count;
                    squares += delta * (x - runningMean);
                }
                default -> { }
            }
            return 0;
        }

        /** How many bucket rows this state takes: a median's or count_distinct's values one a row, else one. */
        int stateRows() {
            return switch (function) {
                case "median" -> values == null ? 1 : Math.max(1, values.size());
                case "count_distinct", "nunique" -> distinct == null ? 1 : Math.max(1, distinct.size());
                default -> 1;
            };
        }

        /**
         * Writes this state's part for its {@code row}-th bucket row at {@code at} in {@code state}, for rows
         * 0, 1, ... in turn: beyond its {@link #stateRows}, the state of no value (which adds nothing).
         */
        void state(int row, Object[] state, int at) {
            switch (function) {
                case "size", "count" -> state[at] = row == 0 ? count : 0L;
                case "sum", "mean", "avg", "average" -> {
                    if (type == ColumnType.LONG && function.equals("sum")) {
                        state[at] = row == 0 ? wholeSum : 0L;
                    } else if (type == ColumnType.DECIMAL && function.equals("sum")) {
                        state[at] = row == 0 ? exactSum : java.math.BigDecimal.ZERO;
                    } else {
                        state[at] = row == 0 ? sum : 0.0;
                        state[at + 1] = row == 0 ? compensation : 0.0;
                        state[at + 2] = row == 0 ? count : 0L;
                    }
                }
                case "std" -> {
                    state[at] = row == 0 ? count : 0L;
                    state[at + 1] = row == 0 ? runningMean : 0.0;
                    state[at + 2] = row == 0 ? squares : 0.0;
                }
                case "median" -> state[at] = values != null && row < values.size() ? values.get(row) : null;
                case "count_distinct", "nunique" -> {
                    if (row == 0) {
                        spread = distinct == null ? new Object[0] : distinct.toArray();
                    }
                    state[at] = row < spread.length ? spread[row] : null;
                }
                case "min", "max" -> state[at] = row == 0 ? extreme : null;
                default -> state[at] = row == 0 ? edge : null;
            }
        }

        /** The state of one row's {@code value} (as {@link #add} of it would leave a new state), at {@code at} in {@code state}. */
        static void rowState(String function, ColumnType type, Object value, Object[] state, int at) {
            boolean missing = value == null || value instanceof Double d && d.isNaN();
            switch (function) {
                case "size" -> state[at] = 1L;
                case "count" -> state[at] = missing ? 0L : 1L;
                case "sum", "mean", "avg", "average" -> {
                    if (type == ColumnType.LONG && function.equals("sum")) {
                        state[at] = missing ? 0L : value instanceof Long l ? l : (long) number(value);
                    } else if (type == ColumnType.DECIMAL && function.equals("sum")) {
                        state[at] = missing ? java.math.BigDecimal.ZERO : value;
                    } else {
                        state[at] = missing ? 0.0 : number(value);
                        state[at + 1] = 0.0;
                        state[at + 2] = missing ? 0L : 1L;
                    }
                }
                case "std" -> {
                    state[at] = missing ? 0L : 1L;
                    state[at + 1] = missing ? 0.0 : number(value);
                    state[at + 2] = 0.0;
                }
                default -> state[at] = missing ? null : value;
            }
        }

        /**
         * Adds a partial state (written by {@link #state} or {@link #rowState}) at {@code at} in {@code state}.
         *
         * @return the bytes the state grew by
         */
        long combine(Object[] state, int at) {
            switch (function) {
                case "size", "count" -> count += (Long) state[at];
                case "sum", "mean", "avg", "average" -> {
                    if (type == ColumnType.LONG && function.equals("sum")) {
                        wholeSum = Math.addExact(wholeSum, (Long) state[at]);
                        return 0;
                    }
                    if (type == ColumnType.DECIMAL && function.equals("sum")) {
                        exactSum = exactSum.add((java.math.BigDecimal) state[at]);
                        return 0;
                    }
                    long n = (Long) state[at + 2];
                    if (n == 0) {
                        return 0;
                    }
                    if (count == 0) {
                        sum = (Double) state[at]; // a group's first state: as it was, so that the sum is the in-memory one
                        compensation = (Double) state[at + 1];
                    } else {
                        kahan((Double) state[at] - (Double) state[at + 1]);
                    }
                    count += n;
                }
                case "std" -> {
                    long n = (Long) state[at];
                    double mean = (Double) state[at + 1];
                    double deviations = (Double) state[at + 2];
                    if (n == 0) {
                        return 0;
                    }
                    if (n == 1) {
                        return add(mean); // one value: Welford's step, as in memory
                    }
                    if (count == 0) {
                        count = n;
                        runningMean = mean;
                        squares = deviations;
                        return 0;
                    }
                    // Chan, Golub and LeVeque (1979): the moments of two parts combined
                    long total = count + n;
                    double delta = mean - runningMean;
                    runningMean += delta * n / total;
                    squares += deviations + delta * delta * ((double) count * n / total);
                    count = total;
                }
                default -> {
                    return add(state[at]);
                }
            }
            return 0;
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

        /** Kahan's compensated step, as pandas' {@code group_sum} takes it. */
        private void kahan(double value) {
            double y = value - compensation;
            double t = sum + y;
            compensation = t - sum - y;
            sum = t;
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
