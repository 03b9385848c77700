package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A sort node, pandas' {@code sort_values(by=[...], ascending=[...], kind='stable', na_position='last')}:
 * rows ordered by several key columns, each ascending or descending; missing values (null, NaN) last
 * under every key, whichever its direction; stable, so rows with equal keys keep their input order.
 * Numbers compare by value, text by UTF-16 code units (as Python compares ASCII text), false before true.
 *
 * <p>An external merge sort: rows are buffered up to a memory budget (estimated bytes, see
 * {@link RowKeys#estimatedBytes}), each full buffer is sorted (Java's stable TimSort) and written as a
 * run ({@link RowFile}) to a spill folder, and {@link #finish} merges the runs k-way (a priority queue
 * of the runs' heads, ties going to the earlier run, which keeps the sort stable), at most
 * {@value #FAN_IN} runs at a time. The heap holds one buffer and one read buffer per merged run.
 */
final class Sort implements BlockingNode {

    /** One key: a column's position and its direction. */
    record Key(int column, boolean ascending) {
    }

    /** The budget of {@link #of}: the rows held before a run goes to disk, in estimated bytes. */
    static final long DEFAULT_BUDGET_BYTES = 24L << 20;
    /** The most runs merged at once (each holds a 64 KiB read buffer). */
    static final int FAN_IN = 64;

    private final Schema schema;
    private final Comparator<Object[]> order;
    private final long budgetBytes;
    private final Path spillParent;
    private final List<Object[]> buffer = new ArrayList<>();
    private final List<Path> runs = new ArrayList<>();
    private long bufferedBytes;
    private Path spillFolder;

    /**
     * @param schema      the rows' schema (input and output)
     * @param keys        the keys, most significant first (at least one)
     * @param budgetBytes the estimated bytes of rows held before a run is spilled (at least 1)
     * @param spillParent the folder in which the spill folder is made; null for the JVM's temporary folder
     */
    Sort(Schema schema, List<Key> keys, long budgetBytes, Path spillParent) {
        if (keys.isEmpty() || budgetBytes < 1) {
            throw new IllegalArgumentException("a sort needs a key and a positive budget");
        }
        this.schema = schema;
        this.order = comparator(keys);
        this.budgetBytes = budgetBytes;
        this.spillParent = spillParent;
    }

    /**
     * From Data Wrangler's settings ({@code sort_columns}, or {@code columns}, {@code by}, {@code sort_by},
     * {@code sort_column}, {@code column}: one column or a list; {@code ascending}: one boolean for all keys
     * or a list of one per key, true by default as the engine's {@code _sort_data} has it); a key may also be
     * an object {@code {column, ascending}} or {@code {column, order: asc|desc}} ({@code direction}).
     * An {@code order}/{@code direction}/{@code sort_order} of {@code asc} or {@code desc} stands for {@code ascending}.
     *
     * @return the node with {@link #DEFAULT_BUDGET_BYTES} spilling to the JVM's temporary folder; null
     *         (problems noted) when there is no key, a column is not in {@code input}, or a direction is not a boolean
     */
    static Sort of(Settings settings, Schema input) {
        return of(settings, input, DEFAULT_BUDGET_BYTES, null);
    }

    /** Like {@link #of(Settings, Schema)}, with a budget (estimated bytes) and a spill folder's parent (null: the JVM's temporary folder). */
    static Sort of(Settings settings, Schema input, long budgetBytes, Path spillParent) {
        Object given = settings.value("sort_columns", "columns", "by", "sort_by", "sort_column", "column");
        List<Object> entries = new ArrayList<>();
        if (given instanceof List<?> list) {
            entries.addAll(list);
        } else if (given != null && !given.toString().isBlank()) {
            entries.addAll(settings.texts("sort_columns", "columns", "by", "sort_by", "sort_column", "column"));
        }
        if (entries.isEmpty()) {
            settings.problem("has no sort_columns");
            return null;
        }
        Object ascendingGiven = settings.value("ascending");
        if (ascendingGiven == null) {
            Object direction = settings.value("order", "direction", "sort_order");
            ascendingGiven = direction instanceof List<?> list ? list.stream().map(Sort::fromDirection).toList() : fromDirection(direction);
        }
        List<?> directions = ascendingGiven instanceof List<?> list ? list : null;
        if (directions != null && directions.size() != entries.size()) {
            settings.problem("has " + directions.size() + " ascending values for " + entries.size() + " sort columns; give one, or one per column");
            return null;
        }
        List<Key> keys = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            Object name = entry;
            Object ascending = directions != null ? directions.get(i) : ascendingGiven;
            if (entry instanceof Map<?, ?> map) {
                name = map.get("column") != null ? map.get("column") : map.get("name");
                Object own = map.get("ascending") != null ? map.get("ascending") : fromDirection(map.get("order") != null ? map.get("order") : map.get("direction"));
                if (own != null) {
                    ascending = own;
                }
            }
            int column = name == null ? -1 : input.indexOf(name.toString());
            if (column < 0) {
                settings.problem("sorts by column " + name + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
                continue;
            }
            Boolean up = bool(ascending);
            if (up == null) {
                settings.problem("has ascending '" + ascending + "' for column " + name + "; it must be true or false (or asc/desc)");
                ok = false;
                continue;
            }
            keys.add(new Key(column, up));
        }
        return ok ? new Sort(input, keys, budgetBytes, spillParent) : null;
    }

    /** {@code asc}/{@code desc} as an ascending flag; anything else as it is (null stays null, for the default). */
    private static Object fromDirection(Object direction) {
        if (direction == null) {
            return null;
        }
        return switch (direction.toString().trim().toLowerCase(Locale.ROOT)) {
            case "asc", "ascending" -> Boolean.TRUE;
            case "desc", "descending" -> Boolean.FALSE;
            default -> direction;
        };
    }

    /** A JSON boolean or its text; true when not given; null when it is something else. */
    private static Boolean bool(Object value) {
        if (value == null) {
            return Boolean.TRUE;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "true", "asc", "ascending" -> Boolean.TRUE;
            case "false", "desc", "descending" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** The rows' order under {@code keys}: missing values last under each key, whatever its direction. */
    static Comparator<Object[]> comparator(List<Key> keys) {
        Key[] all = keys.toArray(Key[]::new);
        return (a, b) -> {
            for (Key key : all) {
                Object x = a[key.column()];
                Object y = b[key.column()];
                boolean xMissing = RowKeys.missing(x);
                boolean yMissing = RowKeys.missing(y);
                if (xMissing || yMissing) {
                    if (xMissing != yMissing) {
                        return xMissing ? 1 : -1;
                    }
                    continue;
                }
                int c = RowKeys.compare(x, y);
                if (c != 0) {
                    return key.ascending() ? c : -c;
                }
            }
            return 0;
        };
    }

    @Override
    public Schema output() {
        return schema;
    }

    @Override
    public void add(Object[] row) throws IOException {
        buffer.add(row);
        bufferedBytes += RowKeys.estimatedBytes(row);
        if (bufferedBytes >= budgetBytes) {
            spillRun();
        }
    }

    /** How many runs went to disk so far (for tests). */
    int spilledRuns() {
        return runs.size();
    }

    private void spillRun() throws IOException {
        buffer.sort(order);
        if (spillFolder == null) {
            spillFolder = spillParent == null ? Files.createTempDirectory("sluice-sort-")
                    : Files.createTempDirectory(Files.createDirectories(spillParent), "sluice-sort-");
        }
        Path run = spillFolder.resolve("run-" + runs.size() + ".rows");
        RowFile.write(run, schema, buffer);
        runs.add(run);
        buffer.clear();
        bufferedBytes = 0;
    }

    /** Writes the rows in order to {@code rowFile}: the buffer as it is when nothing spilled, else the runs merged. */
    @Override
    public long finish(Path rowFile) throws IOException {
        if (runs.isEmpty()) {
            buffer.sort(order);
            RowFile.write(rowFile, schema, buffer);
            long count = buffer.size();
            buffer.clear();
            return count;
        }
        if (!buffer.isEmpty()) {
            spillRun();
        }
        List<Path> level = new ArrayList<>(runs);
        int merged = 0;
        while (level.size() > FAN_IN) {
            List<Path> next = new ArrayList<>();
            for (int from = 0; from < level.size(); from += FAN_IN) {
                List<Path> group = level.subList(from, Math.min(level.size(), from + FAN_IN));
                if (group.size() == 1) {
                    next.add(group.get(0));
                    continue;
                }
                Path into = spillFolder.resolve("merged-" + merged++ + ".rows");
                merge(group, into);
                next.add(into);
            }
            level = next;
        }
        return merge(level, rowFile);
    }

    /** Merges sorted runs, in their order, into {@code into} (and deletes them); equal rows come from the earlier run first. */
    private long merge(List<Path> sorted, Path into) throws IOException {
        try (RowFile.Writer writer = new RowFile.Writer(into, schema)) {
            long count = RowFile.merge(sorted, order, writer::append);
            writer.commit();
            return count;
        }
    }

    /** Deletes the spill folder and its runs. */
    @Override
    public void close() throws IOException {
        buffer.clear();
        runs.clear();
        if (spillFolder != null) {
            deleteFolder(spillFolder);
            spillFolder = null;
        }
    }

    /** Deletes a folder of files (the spill folders of the materializing nodes have no subfolders but may have them). */
    static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
