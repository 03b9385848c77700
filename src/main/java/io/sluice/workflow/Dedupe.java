package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A dedupe node, pandas' {@code drop_duplicates(subset=[...], keep='first'|'last'|False)}: of the rows with
 * equal values in the key columns (all columns when none are given), the first is kept, or the last, or
 * none of them; the rows kept come out in their input order. Keys are equal as pandas compares them:
 * numbers by value (1 and 1.0 are one key), missing values (null, NaN) equal to each other.
 *
 * <p>Bounded memory: the distinct keys' rows are held in a hash table up to a budget (estimated bytes);
 * past it, the held rows and every row after them go, with their input position and how many rows they
 * stand for, to (at most) {@value HashBuckets#COUNT} bucket files by a hash of their key, so that all rows of a key meet in
 * one bucket. At {@link #finish}, each bucket is deduplicated alone (a bucket that is still too large
 * is split again, with another hash, up to {@value #MAX_DEPTH} levels), its kept rows written in input
 * order, and the buckets' kept rows merged back into input order by position (a k-way merge).
 */
final class Dedupe implements BlockingNode {

    /** Which of a key's rows is kept: pandas' {@code keep}. */
    enum Keep { FIRST, LAST, NONE }

    /** The budget of {@link #of}, in estimated bytes of held rows. */
    static final long DEFAULT_BUDGET_BYTES = 24L << 20;
    /** The most levels of splitting; a bucket at the last level is held whole, however large. */
    static final int MAX_DEPTH = 6;
    /** A held row's cost beyond the row: its key list, its entry and the hash table's entry. */
    private static final long ENTRY_BYTES = 120;

    private final Schema schema;
    private final int[] keys;
    private final Keep keep;
    private final long budgetBytes;
    private final Path spillParent;
    /** The rows with their position and count, as the buckets hold them. */
    private final Schema bucketSchema;
    private final Level top;
    private Path spillFolder;
    private int files;
    private long position;
    private boolean spilled;

    /**
     * @param schema      the rows' schema (input and output)
     * @param keys        the key columns' positions; all columns when empty
     * @param keep        which row of equal keys is kept
     * @param budgetBytes the estimated bytes of rows held before they are split into buckets (at least 1)
     * @param spillParent the folder in which the spill folder is made; null for the JVM's temporary folder
     */
    Dedupe(Schema schema, int[] keys, Keep keep, long budgetBytes, Path spillParent) {
        this.schema = schema;
        this.keys = keys.length > 0 ? keys.clone() : java.util.stream.IntStream.range(0, schema.size()).toArray();
        this.keep = keep;
        this.budgetBytes = Math.max(1, budgetBytes);
        this.spillParent = spillParent;
        List<Schema.Column> columns = new ArrayList<>(schema.columns());
        columns.add(new Schema.Column("__position", ColumnType.LONG));
        columns.add(new Schema.Column("__count", ColumnType.LONG));
        this.bucketSchema = new Schema(columns);
        this.top = new Level(0);
    }

    /**
     * From Data Wrangler's settings (transformation {@code drop_duplicates}, {@code deduplicate} or
     * {@code remove_duplicates}): {@code subset} (or {@code columns}, {@code key_columns}), one column or a
     * list, all columns when none; {@code keep}: {@code first} (the default), {@code last}, or {@code false}
     * ({@code none}) to drop every row whose key is repeated.
     *
     * @return the node with {@link #DEFAULT_BUDGET_BYTES} spilling to the JVM's temporary folder; null
     *         (problems noted) when a column is not in {@code input} or {@code keep} is none of those
     */
    static Dedupe of(Settings settings, Schema input) {
        return of(settings, input, DEFAULT_BUDGET_BYTES, null);
    }

    /** Like {@link #of(Settings, Schema)}, with a budget (estimated bytes) and a spill folder's parent (null: the JVM's temporary folder). */
    static Dedupe of(Settings settings, Schema input, long budgetBytes, Path spillParent) {
        List<String> names = settings.texts("subset", "columns", "key_columns");
        int[] keys = new int[names.size()];
        boolean ok = true;
        for (int i = 0; i < keys.length; i++) {
            keys[i] = input.indexOf(names.get(i));
            if (keys[i] < 0) {
                settings.problem("dedupes by column " + names.get(i) + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
            }
        }
        Object given = settings.value("keep");
        Keep keep = switch (given == null ? "first" : given.toString().trim().toLowerCase(Locale.ROOT)) {
            case "first" -> Keep.FIRST;
            case "last" -> Keep.LAST;
            case "false", "none" -> Keep.NONE;
            default -> null;
        };
        if (keep == null) {
            settings.problem("has keep '" + given + "'; it must be first, last or false");
            ok = false;
        }
        return ok ? new Dedupe(input, keys, keep, budgetBytes, spillParent) : null;
    }

    @Override
    public Schema output() {
        return schema;
    }

    @Override
    public void add(Object[] row) throws IOException {
        top.add(row, ++position, 1);
    }

    /** Whether rows went to bucket files (for tests). */
    boolean spilled() {
        return spilled;
    }

    /** Writes the kept rows, in input order, to {@code rowFile}. */
    @Override
    public long finish(Path rowFile) throws IOException {
        long[] count = {0};
        try (RowFile.Writer writer = new RowFile.Writer(rowFile, schema)) {
            top.emit((row, rowPosition, rowCount) -> {
                writer.append(row.length == schema.size() ? row : Arrays.copyOf(row, schema.size()));
                count[0]++;
            });
            writer.commit();
        }
        return count[0];
    }

    /** Deletes the spill folder and its bucket files. */
    @Override
    public void close() throws IOException {
        top.held.clear();
        top.closeBuckets();
        if (spillFolder != null) {
            Sort.deleteFolder(spillFolder);
            spillFolder = null;
        }
    }

    /** Where a level's kept rows go, in input order. */
    private interface Sink {
        void accept(Object[] row, long position, long count) throws IOException;
    }

    /** A key's kept row so far: the row, its input position, and how many rows of the key were seen. */
    private static final class Held {
        Object[] row;
        long position;
        long count;

        Held(Object[] row, long position, long count) {
            this.row = row;
            this.position = position;
            this.count = count;
        }
    }

    /** One level of the partitioning: a hash table of the held keys, or, once past the budget, bucket files. */
    private final class Level {

        private final int depth;
        private final Map<List<Object>, Held> held = new HashMap<>();
        private long heldBytes;
        /** Where the rows go once past the budget; null before. */
        private HashBuckets buckets;

        Level(int depth) {
            this.depth = depth;
        }

        void add(Object[] row, long rowPosition, long count) throws IOException {
            List<Object> key = RowKeys.key(row, keys);
            if (buckets != null) {
                toBucket(key, row, rowPosition, count);
                return;
            }
            Held kept = held.get(key);
            if (kept == null) {
                held.put(key, new Held(row, rowPosition, count));
                heldBytes += RowKeys.estimatedBytes(row) + ENTRY_BYTES;
                if (heldBytes > budgetBytes && depth < MAX_DEPTH) {
                    split();
                }
                return;
            }
            kept.count += count;
            if (keep == Keep.FIRST ? rowPosition < kept.position : rowPosition > kept.position) {
                kept.row = row;
                kept.position = rowPosition;
            }
        }

        /** Moves the held rows to the bucket files; the rows after them go there too. */
        private void split() throws IOException {
            if (spillFolder == null) {
                spillFolder = spillParent == null ? Files.createTempDirectory("sluice-dedupe-")
                        : Files.createTempDirectory(Files.createDirectories(spillParent), "sluice-dedupe-");
            }
            spilled = true;
            buckets = new HashBuckets(bucketSchema, depth, bucket -> spillFolder.resolve("bucket-" + depth + "-" + files++ + ".rows"));
            for (Map.Entry<List<Object>, Held> entry : held.entrySet()) {
                Held kept = entry.getValue();
                toBucket(entry.getKey(), kept.row, kept.position, kept.count);
            }
            held.clear();
            heldBytes = 0;
        }

        private void toBucket(List<Object> key, Object[] row, long rowPosition, long count) throws IOException {
            buckets.append(key, extended(row, rowPosition, count));
        }

        /** Hands the kept rows to {@code sink} in input order, and drops this level's files. */
        void emit(Sink sink) throws IOException {
            if (buckets == null) {
                List<Held> kept = new ArrayList<>(held.size());
                for (Held entry : held.values()) {
                    if (keep != Keep.NONE || entry.count == 1) {
                        kept.add(entry);
                    }
                }
                held.clear();
                kept.sort((a, b) -> Long.compare(a.position, b.position));
                for (Held entry : kept) {
                    sink.accept(entry.row, entry.position, entry.count);
                }
                return;
            }
            List<Path> keptFiles = new ArrayList<>();
            Path[] bucketFiles = buckets.commit();
            buckets = null;
            for (Path bucketFile : bucketFiles) {
                if (bucketFile == null) {
                    continue; // no key hashed here
                }
                Level child = new Level(depth + 1);
                try (RowFile.Reader reader = new RowFile.Reader(bucketFile)) {
                    for (Object[] row = reader.next(); row != null; row = reader.next()) {
                        child.add(row, (Long) row[schema.size()], (Long) row[schema.size() + 1]);
                    }
                }
                Files.deleteIfExists(bucketFile);
                Path keptFile = spillFolder.resolve("kept-" + depth + "-" + files++ + ".rows");
                try (RowFile.Writer writer = new RowFile.Writer(keptFile, bucketSchema)) {
                    child.emit((row, rowPosition, count) -> writer.append(extended(row, rowPosition, count)));
                    writer.commit();
                }
                keptFiles.add(keptFile);
            }
            mergeByPosition(keptFiles, sink);
        }

        /** Merges the buckets' kept rows (each file in input order) back into input order, into {@code sink}, and deletes them. */
        private void mergeByPosition(List<Path> keptFiles, Sink sink) throws IOException {
            int at = schema.size();
            RowFile.merge(keptFiles, (a, b) -> Long.compare((Long) a[at], (Long) b[at]),
                    row -> sink.accept(Arrays.copyOf(row, at), (Long) row[at], (Long) row[at + 1]));
        }

        /** A row as the bucket files hold it: its values, then its position and count. */
        private Object[] extended(Object[] row, long rowPosition, long count) {
            Object[] extended = Arrays.copyOf(row, schema.size() + 2);
            extended[schema.size()] = rowPosition;
            extended[schema.size() + 1] = count;
            return extended;
        }

        void closeBuckets() throws IOException {
            if (buckets != null) {
                buckets.close();
                buckets = null;
            }
        }
    }
}
