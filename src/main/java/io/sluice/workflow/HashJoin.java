package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A join node, pandas' {@code merge(left, right, how, on | left_on + right_on, suffixes=('_x', '_y'))}.
 *
 * <p>Columns, as pandas names them: the left columns in order, then the right columns; a key that has one
 * name on both sides ({@code on}, or {@code left_on[i] == right_on[i]}) is one column, in the left's place,
 * holding the left row's value, or the right row's for a right row without a match; any other name both
 * sides have gets the suffixes. A key column's type is the common type of both sides' (a whole-number key
 * joined to a float key is a float column, as pandas gives); the other columns keep their types, and a
 * side without a match leaves them null (pandas turns such an int64 column into float64; sluice keeps it
 * whole, with nulls, as it reads a CSV column with missing values).
 *
 * <p>Keys match as pandas matches them: numbers by value (1 joins 1.0), and a missing key (null or NaN)
 * matches a missing key on the other side, as pandas does unlike SQL.
 *
 * <p>Row order: {@code inner} and {@code left} give the left rows in order, each with its matches in
 * right order (pandas 2.2 and later; pandas 1.5 grouped an inner join's rows by key); {@code right} gives
 * the right rows in order, each with its matches in left order, as pandas; {@code outer} ({@code full})
 * gives the left rows in order with their matches, then the right rows without a match in right order
 * (pandas 2.2 sorts an outer join by key; sort after the join for that order).
 *
 * <p>Memory: the right side is held in a hash table while it fits a budget (estimated bytes); past it, a
 * grace hash join: both sides go to {@value #BUCKETS} bucket files by a hash of their key, each bucket
 * pair is joined with its right bucket in memory, and the order above is restored by an external
 * {@link Sort} on the rows' positions. A {@code right} join always goes through that sort.
 */
final class HashJoin {

    /** pandas' {@code how}. */
    enum How { INNER, LEFT, RIGHT, OUTER }

    /** The budget of {@link #of}, in estimated bytes of the right side's rows held. */
    static final long DEFAULT_BUDGET_BYTES = 24L << 20;
    /** The bucket files a grace hash join partitions each side into. */
    static final int BUCKETS = 32;
    private static final long ENTRY_BYTES = 100;

    private final How how;
    private final Schema left;
    private final Schema right;
    private final int[] leftKeys;
    private final int[] rightKeys;
    private final Schema output;
    /** Per output column: the left column it comes from, or -1. */
    private final int[] fromLeft;
    /** Per output column: the right column it comes from (for a shared key, when the left row is absent), or -1. */
    private final int[] fromRight;
    private final long budgetBytes;

    /**
     * @param how         the join's kind
     * @param left        the left rows' schema
     * @param right       the right rows' schema
     * @param leftOn      the left key columns
     * @param rightOn     the right key columns, as many, pairwise
     * @param suffixes    the two suffixes of names both sides have
     * @param budgetBytes the estimated bytes of right rows held in memory before a grace hash join (at least 1)
     * @throws IllegalArgumentException when a key column is missing or two output columns get one name
     */
    HashJoin(How how, Schema left, Schema right, List<String> leftOn, List<String> rightOn, List<String> suffixes, long budgetBytes) {
        this.how = how;
        this.left = left;
        this.right = right;
        this.leftKeys = leftOn.stream().mapToInt(left::indexOf).toArray();
        this.rightKeys = rightOn.stream().mapToInt(right::indexOf).toArray();
        this.budgetBytes = Math.max(1, budgetBytes);
        Set<String> shared = new HashSet<>();
        Map<Integer, Integer> sharedRightOfLeft = new HashMap<>();
        Set<Integer> sharedRight = new HashSet<>();
        for (int i = 0; i < leftOn.size(); i++) {
            if (leftOn.get(i).equals(rightOn.get(i))) {
                shared.add(leftOn.get(i));
                sharedRightOfLeft.put(leftKeys[i], rightKeys[i]);
                sharedRight.add(rightKeys[i]);
            }
        }
        Set<String> leftNames = new HashSet<>(left.names());
        Set<String> rightNames = new HashSet<>(right.names());
        List<Schema.Column> columns = new ArrayList<>();
        List<Integer> lefts = new ArrayList<>();
        List<Integer> rights = new ArrayList<>();
        for (int i = 0; i < left.size(); i++) {
            Schema.Column column = left.column(i);
            Integer partner = sharedRightOfLeft.get(i);
            if (partner != null) {
                columns.add(new Schema.Column(column.name(), ColumnType.common(column.type(), right.column(partner).type())));
                rights.add(partner);
            } else {
                boolean overlaps = rightNames.contains(column.name()) && !shared.contains(column.name());
                columns.add(new Schema.Column(overlaps ? column.name() + suffixes.get(0) : column.name(), column.type()));
                rights.add(-1);
            }
            lefts.add(i);
        }
        for (int i = 0; i < right.size(); i++) {
            if (sharedRight.contains(i)) {
                continue;
            }
            Schema.Column column = right.column(i);
            boolean overlaps = leftNames.contains(column.name()) && !shared.contains(column.name());
            columns.add(new Schema.Column(overlaps ? column.name() + suffixes.get(1) : column.name(), column.type()));
            lefts.add(-1);
            rights.add(i);
        }
        Set<String> names = new HashSet<>();
        for (Schema.Column column : columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("the join would have two columns named " + column.name() + "; give other suffixes");
            }
        }
        this.output = new Schema(columns);
        this.fromLeft = lefts.stream().mapToInt(Integer::intValue).toArray();
        this.fromRight = rights.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * From the settings as the tools spell them: {@code how} (Data Wrangler's engine merges with it), else
     * {@code join_type}, {@code mergeType} (the UI's merger node) or {@code merge_type}: {@code inner} (the
     * default), {@code left}, {@code right}, {@code outer} or {@code full}; the keys as {@code on} (or the
     * UI's {@code joinKey}, {@code join_key}), or {@code left_on} and {@code right_on}, each one column or a
     * list; {@code suffixes}, two texts ({@code ["_x", "_y"]} by default). etl-core's {@code join_plan}
     * with one step ({@code left_on}, {@code right_on}, {@code how}) is read too.
     *
     * @return null (problems noted) when a key is missing or not in its side's schema, the sides have
     *         different numbers of keys, a key pair's types differ (other than whole and float numbers, as pandas
     *         refuses to merge text with numbers), {@code how} is unknown, or two output columns would get one name
     */
    static HashJoin of(Settings settings, Schema left, Schema right) {
        return of(settings, left, right, DEFAULT_BUDGET_BYTES);
    }

    /** Like {@link #of(Settings, Schema, Schema)}, with a budget (estimated bytes of right rows held). */
    static HashJoin of(Settings settings, Schema left, Schema right, long budgetBytes) {
        Map<String, Object> step = planStep(settings);
        Object howGiven = step.get("how") != null ? step.get("how") : settings.value("how", "join_type", "mergeType", "merge_type");
        How how = switch (howGiven == null ? "inner" : howGiven.toString().trim().toLowerCase(Locale.ROOT)) {
            case "inner" -> How.INNER;
            case "left", "left_outer" -> How.LEFT;
            case "right", "right_outer" -> How.RIGHT;
            case "outer", "full", "full_outer" -> How.OUTER;
            default -> null;
        };
        boolean ok = true;
        if (how == null) {
            settings.problem("has how '" + howGiven + "'; it must be inner, left, right, outer or full");
            ok = false;
        }
        List<String> on = settings.texts("on", "joinKey", "join_key");
        List<String> leftOn = step.containsKey("left_on") ? texts(step.get("left_on")) : settings.texts("left_on");
        List<String> rightOn = step.containsKey("right_on") ? texts(step.get("right_on")) : settings.texts("right_on");
        if (leftOn.isEmpty() && rightOn.isEmpty()) {
            leftOn = on;
            rightOn = on;
        } else if (!on.isEmpty()) {
            settings.problem("has both on and left_on/right_on; give one or the other");
            ok = false;
        }
        if (leftOn.isEmpty() || rightOn.isEmpty()) {
            settings.problem("has no join keys (on, or left_on and right_on)");
            return null;
        }
        if (leftOn.size() != rightOn.size()) {
            settings.problem("has " + leftOn.size() + " left_on keys and " + rightOn.size() + " right_on keys; they pair up, so give as many of each");
            return null;
        }
        boolean keysFound = keysExist(settings, "left", left, leftOn) & keysExist(settings, "right", right, rightOn);
        ok &= keysFound;
        for (int i = 0; keysFound && i < leftOn.size(); i++) {
            ColumnType a = left.column(left.indexOf(leftOn.get(i))).type();
            ColumnType b = right.column(right.indexOf(rightOn.get(i))).type();
            if (a != b && !(a.numeric() && b.numeric())) {
                // pandas refuses too: "You are trying to merge on object and int64 columns"
                settings.problem("joins column " + leftOn.get(i) + " (" + a.label() + ") with column " + rightOn.get(i) + " (" + b.label()
                        + "); keys of a join must both be numbers or both be of one type");
                ok = false;
            }
        }
        List<String> suffixes = settings.texts("suffixes");
        if (suffixes.isEmpty()) {
            suffixes = List.of("_x", "_y");
        } else if (suffixes.size() != 2) {
            settings.problem("has suffixes " + suffixes + "; give two, for the left and the right");
            ok = false;
        }
        if (!ok) {
            return null;
        }
        try {
            return new HashJoin(how, left, right, leftOn, rightOn, suffixes, budgetBytes);
        } catch (IllegalArgumentException e) {
            settings.problem(e.getMessage());
            return null;
        }
    }

    /** etl-core's one join step, or empty; a plan of several steps is noted as a problem. */
    private static Map<String, Object> planStep(Settings settings) {
        Map<String, Object> plan = settings.object("join_plan");
        if (!(plan.get("steps") instanceof List<?> steps) || steps.isEmpty()) {
            return Map.of();
        }
        if (steps.size() > 1 || !(steps.get(0) instanceof Map<?, ?> step)) {
            settings.problem("has a join_plan of " + steps.size() + " steps; sluice joins one pair of inputs a node");
            return Map.of();
        }
        Map<String, Object> entries = new HashMap<>();
        step.forEach((key, value) -> entries.put(String.valueOf(key), value));
        return entries;
    }

    private static List<String> texts(Object value) {
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        return value == null ? List.of() : Arrays.stream(value.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean keysExist(Settings settings, String side, Schema schema, List<String> keys) {
        boolean ok = true;
        for (String key : keys) {
            if (schema.indexOf(key) < 0) {
                settings.problem("joins on column " + key + ", which its " + side + " input does not have (columns: " + String.join(", ", schema.names()) + ")");
                ok = false;
            }
        }
        return ok;
    }

    Schema output() {
        return output;
    }

    How how() {
        return how;
    }

    /**
     * Joins the rows of two row files.
     *
     * @param leftRows  a {@link RowFile} of the left schema
     * @param rightRows a {@link RowFile} of the right schema
     * @return the joined rows of {@link #output()}, one at a time, in the order the class describes;
     *         {@link SourceRecords#line()} is the left row's number (from 1), or the right row's for a right
     *         row without a match. Closing it deletes the spill folder (made beside {@code leftRows}).
     */
    SourceRecords open(Path leftRows, Path rightRows) throws IOException {
        Path spill = Files.createTempDirectory(leftRows.toAbsolutePath().getParent(), "sluice-join-");
        try {
            Table table = new Table();
            boolean fits;
            try (RowFile.Reader reader = new RowFile.Reader(rightRows)) {
                fits = table.load(reader, budgetBytes);
            }
            if (fits && how != How.RIGHT) {
                return new Streamed(table, new RowFile.Reader(leftRows), spill);
            }
            Sort order = new Sort(extended(), orderKeys(), budgetBytes, spill);
            try (order) {
                if (fits) {
                    joinInto(table, new RowFile.Reader(leftRows), order);
                } else {
                    table = null;
                    grace(leftRows, rightRows, spill, order);
                }
                Path sorted = spill.resolve("joined.rows");
                order.finish(sorted);
                return new Sorted(new RowFile.Reader(sorted), spill);
            }
        } catch (IOException | RuntimeException e) {
            Sort.deleteFolder(spill);
            throw e;
        }
    }

    /** The output schema with the left and right row numbers after it, as the order-restoring sort holds rows. */
    private Schema extended() {
        List<Schema.Column> columns = new ArrayList<>(output.columns());
        columns.add(new Schema.Column("__left", ColumnType.LONG));
        columns.add(new Schema.Column("__right", ColumnType.LONG));
        return new Schema(columns);
    }

    private List<Sort.Key> orderKeys() {
        int leftAt = output.size();
        int rightAt = leftAt + 1;
        return how == How.RIGHT ? List.of(new Sort.Key(rightAt, true), new Sort.Key(leftAt, true))
                : List.of(new Sort.Key(leftAt, true), new Sort.Key(rightAt, true)); // no left row (null) sorts last
    }

    /** Partitions both sides by key hash, then joins each bucket pair into {@code order}. */
    private void grace(Path leftRows, Path rightRows, Path spill, Sort order) throws IOException {
        Path[] lefts = partition(leftRows, left, leftKeys, spill, "left");
        Path[] rights = partition(rightRows, right, rightKeys, spill, "right");
        for (int b = 0; b < BUCKETS; b++) {
            Table table = new Table();
            try (RowFile.Reader reader = new RowFile.Reader(rights[b])) {
                table.loadNumbered(reader);
            }
            joinInto(table, new NumberedReader(new RowFile.Reader(lefts[b])), order);
            Files.deleteIfExists(lefts[b]);
            Files.deleteIfExists(rights[b]);
        }
    }

    /** Writes each row with its number (from 1) after it to the bucket file of its key's hash. */
    private static Path[] partition(Path rows, Schema schema, int[] keys, Path spill, String side) throws IOException {
        List<Schema.Column> columns = new ArrayList<>(schema.columns());
        columns.add(new Schema.Column("__row", ColumnType.LONG));
        Schema numbered = new Schema(columns);
        Path[] files = new Path[BUCKETS];
        RowFile.Writer[] writers = new RowFile.Writer[BUCKETS];
        try (RowFile.Reader reader = new RowFile.Reader(rows)) {
            for (int b = 0; b < BUCKETS; b++) {
                files[b] = spill.resolve(side + "-" + b + ".rows");
                writers[b] = new RowFile.Writer(files[b], numbered);
            }
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                Object[] withNumber = Arrays.copyOf(row, row.length + 1);
                withNumber[row.length] = reader.line();
                writers[Math.floorMod(RowKeys.hash(RowKeys.key(row, keys), 0), BUCKETS)].append(withNumber);
            }
            for (RowFile.Writer writer : writers) {
                writer.commit();
            }
        } finally {
            for (RowFile.Writer writer : writers) {
                if (writer != null) {
                    writer.close();
                }
            }
        }
        return files;
    }

    /** Joins every left row with {@code table} into {@code order} (rows with their numbers), then the unmatched right rows. */
    private void joinInto(Table table, SourceRecords leftRecords, Sort order) throws IOException {
        try (leftRecords) {
            for (Object[] row = leftRecords.next(); row != null; row = leftRecords.next()) {
                long leftNumber = leftRecords.line();
                List<Integer> matches = table.matches(row);
                if (matches == null) {
                    if (how == How.LEFT || how == How.OUTER) {
                        order.add(numbered(joined(row, null), leftNumber, null));
                    }
                    continue;
                }
                for (int match : matches) {
                    table.matched.set(match);
                    order.add(numbered(joined(row, table.rows.get(match)), leftNumber, table.numbers[match]));
                }
            }
        }
        if (how == How.RIGHT || how == How.OUTER) {
            for (int i = table.matched.nextClearBit(0); i < table.rows.size(); i = table.matched.nextClearBit(i + 1)) {
                order.add(numbered(joined(null, table.rows.get(i)), null, table.numbers[i]));
            }
        }
    }

    private static Object[] numbered(Object[] row, Long leftNumber, Long rightNumber) {
        Object[] extended = Arrays.copyOf(row, row.length + 2);
        extended[row.length] = leftNumber;
        extended[row.length + 1] = rightNumber;
        return extended;
    }

    /** One output row from a left row and a right row, either absent (null). */
    private Object[] joined(Object[] leftRow, Object[] rightRow) {
        Object[] row = new Object[output.size()];
        for (int i = 0; i < row.length; i++) {
            Object value = leftRow != null && fromLeft[i] >= 0 ? leftRow[fromLeft[i]]
                    : rightRow != null && fromRight[i] >= 0 ? rightRow[fromRight[i]] : null;
            ColumnType type = output.column(i).type();
            if (value instanceof Long number && type == ColumnType.DECIMAL) {
                value = java.math.BigDecimal.valueOf(number);
            } else if (value instanceof Number number && !(value instanceof Double) && type == ColumnType.DOUBLE) {
                value = number.doubleValue(); // a key column of whole numbers or decimals joined with floats, as pandas widens it
            }
            row[i] = value;
        }
        return row;
    }

    /** The right rows in order, by key; each row's number (from 1) and whether a left row matched it. */
    private final class Table {

        final List<Object[]> rows = new ArrayList<>();
        final Map<List<Object>, List<Integer>> byKey = new HashMap<>();
        final BitSet matched = new BitSet();
        long[] numbers;

        /** @return false when the rows exceed {@code budget} (what was loaded is dropped) */
        boolean load(RowFile.Reader reader, long budget) throws IOException {
            long bytes = 0;
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                add(row);
                bytes += RowKeys.estimatedBytes(row) + ENTRY_BYTES;
                if (bytes > budget) {
                    rows.clear();
                    byKey.clear();
                    return false;
                }
            }
            numbers = new long[rows.size()];
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = i + 1;
            }
            return true;
        }

        /** Loads a bucket's rows, whose last value is the row's number. */
        void loadNumbered(RowFile.Reader reader) throws IOException {
            List<Long> given = new ArrayList<>();
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                given.add((Long) row[row.length - 1]);
                add(Arrays.copyOf(row, row.length - 1));
            }
            numbers = given.stream().mapToLong(Long::longValue).toArray();
        }

        private void add(Object[] row) {
            byKey.computeIfAbsent(RowKeys.key(row, rightKeys), k -> new ArrayList<>(1)).add(rows.size());
            rows.add(row);
        }

        List<Integer> matches(Object[] leftRow) {
            return byKey.get(RowKeys.key(leftRow, leftKeys));
        }
    }

    /** A bucket's left rows, whose last value is the row's number: the rows without it, {@link #line()} that number. */
    private static final class NumberedReader implements SourceRecords {

        private final RowFile.Reader reader;
        private long line;

        NumberedReader(RowFile.Reader reader) {
            this.reader = reader;
        }

        @Override
        public Object[] next() throws IOException {
            Object[] row = reader.next();
            if (row == null) {
                return null;
            }
            line = (Long) row[row.length - 1];
            return Arrays.copyOf(row, row.length - 1);
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }

    /** The joined rows streamed from the left rows against the right side in memory (inner, left, outer). */
    private final class Streamed implements SourceRecords {

        private final Table table;
        private final RowFile.Reader leftReader;
        private final Path spill;
        private Object[] leftRow;
        private List<Integer> matches;
        private int nextMatch;
        private boolean leftDone;
        private int nextUnmatched;
        private long line;

        Streamed(Table table, RowFile.Reader leftReader, Path spill) {
            this.table = table;
            this.leftReader = leftReader;
            this.spill = spill;
        }

        @Override
        public Object[] next() throws IOException {
            while (!leftDone) {
                if (leftRow != null && matches != null && nextMatch < matches.size()) {
                    int match = matches.get(nextMatch++);
                    table.matched.set(match);
                    return joined(leftRow, table.rows.get(match));
                }
                leftRow = leftReader.next();
                if (leftRow == null) {
                    leftDone = true;
                    break;
                }
                line = leftReader.line();
                matches = table.matches(leftRow);
                nextMatch = 0;
                if (matches == null && how != How.INNER) {
                    return joined(leftRow, null);
                }
            }
            if (how == How.OUTER) {
                nextUnmatched = table.matched.nextClearBit(nextUnmatched);
                if (nextUnmatched < table.rows.size()) {
                    line = table.numbers[nextUnmatched];
                    return joined(null, table.rows.get(nextUnmatched++));
                }
            }
            return null;
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            leftReader.close();
            Sort.deleteFolder(spill);
        }
    }

    /** The joined rows read back from the order-restoring sort's output, without their row numbers. */
    private final class Sorted implements SourceRecords {

        private final RowFile.Reader reader;
        private final Path spill;
        private long line;

        Sorted(RowFile.Reader reader, Path spill) {
            this.reader = reader;
            this.spill = spill;
        }

        @Override
        public Object[] next() throws IOException {
            Object[] row = reader.next();
            if (row == null) {
                return null;
            }
            Long leftNumber = (Long) row[output.size()];
            line = leftNumber != null ? leftNumber : (Long) row[output.size() + 1];
            return Arrays.copyOf(row, output.size());
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            reader.close();
            Sort.deleteFolder(spill);
        }
    }
}
