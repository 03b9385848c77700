package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A node that needs all its input before it can put out a row (an aggregate, k-means): the rows of
 * its input segment are added one by one, and when that segment's step completes, its output goes
 * to a {@link RowFile} that the next segment reads.
 */
interface BlockingNode extends AutoCloseable {

    /** The schema of the rows it puts out. */
    Schema output();

    /** Adds one input row. */
    void add(Object[] row) throws IOException;

    /**
     * Writes the output rows to {@code rowFile} once every input row was added.
     *
     * @return how many rows it wrote
     */
    long finish(Path rowFile) throws IOException;

    /** Drops what the node holds on disk for its step (a spill file), finished or not. */
    @Override
    default void close() throws IOException {
    }
}
