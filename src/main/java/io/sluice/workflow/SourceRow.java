package io.sluice.workflow;

import java.util.List;

/**
 * The item a workflow step reads: one row of its source, with where it came from, for a rejection
 * further on: its line in the source file, or its row in a row file ({@link SourceRecords#line()}).
 * The step's chunks hold {@link #CHUNK} rows each, so that its read, filter and write counts are rows.
 *
 * <p>The segment's row-wise nodes may already have run on the reading thread ({@link SegmentReader}):
 * then {@code output} is their result (null for a row they dropped) or {@code failure} what they threw,
 * handed to the step's processor, which reports it as if it had run them itself.
 *
 * @param output  the chain's output row, null when dropped, {@link #PENDING} when the chain has not run
 * @param failure what the chain threw for this row, or null
 */
record SourceRow(Object[] values, long line, Object[] output, RuntimeException failure) {

    /** Rows a chunk, that is a transaction, holds. */
    static final int CHUNK = 8192;

    /** {@link #output} of a row whose chain has not run yet. */
    static final Object[] PENDING = new Object[0];

    SourceRow(Object[] values, long line) {
        this(values, line, PENDING, null);
    }

    /** This row through the segment's chain of row-wise nodes (see {@link RowOperation#applyAll}), run now if the reading thread did not. */
    Object[] through(List<RowOperation> chain) {
        if (failure != null) {
            throw failure;
        }
        return output != PENDING ? output : RowOperation.applyAll(chain, values);
    }
}
