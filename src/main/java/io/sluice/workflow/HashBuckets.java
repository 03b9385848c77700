package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Rows split by a salted hash of their key ({@link RowKeys#hash}) into {@value #COUNT} row files: the
 * bucket files of a spilling hash aggregate or dedupe and of a grace hash join. All rows of one key meet
 * in one bucket; a bucket no key hashed to gets no file. The owner deletes the committed files once it
 * has read them, and the spill folder they lie in.
 */
final class HashBuckets implements AutoCloseable {

    /** The buckets rows are split into. */
    static final int COUNT = 32;

    /** Names a new file in the owner's spill folder. */
    @FunctionalInterface
    interface FileNamer {
        /** @param bucket the bucket's number, 0 to {@link #COUNT} - 1 */
        Path file(int bucket);
    }

    private final Schema schema;
    private final int salt;
    private final FileNamer namer;
    private final RowFile.Writer[] writers = new RowFile.Writer[COUNT];
    private final Path[] files = new Path[COUNT];

    /**
     * @param schema the rows' columns, as the files hold them
     * @param salt   the hash's salt: a level of a recursive partitioning uses its depth, so that a bucket
     *               split again does not hash all its keys into one bucket of the next level
     * @param namer  where a bucket's file goes, asked once per bucket that gets a row
     */
    HashBuckets(Schema schema, int salt, FileNamer namer) {
        this.schema = schema;
        this.salt = salt;
        this.namer = namer;
    }

    /** Appends {@code row} (of the schema) to the bucket of {@code key}. */
    void append(List<Object> key, Object[] row) throws IOException {
        int bucket = Math.floorMod(RowKeys.hash(key, salt), COUNT);
        if (writers[bucket] == null) {
            files[bucket] = namer.file(bucket);
            writers[bucket] = new RowFile.Writer(files[bucket], schema);
        }
        writers[bucket].append(row);
    }

    /**
     * Puts every bucket's file in place.
     *
     * @return {@value #COUNT} files, by bucket number: null for a bucket no key hashed to
     */
    Path[] commit() throws IOException {
        for (int b = 0; b < COUNT; b++) {
            if (writers[b] != null) {
                writers[b].commit();
                writers[b] = null;
            }
        }
        return files.clone();
    }

    /** Drops the files not committed. Closing again, or after {@link #commit}, does nothing. */
    @Override
    public void close() throws IOException {
        for (int b = 0; b < COUNT; b++) {
            if (writers[b] != null) {
                writers[b].close();
                writers[b] = null;
            }
        }
    }
}
