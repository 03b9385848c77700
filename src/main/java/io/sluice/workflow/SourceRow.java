package io.sluice.workflow;

import java.util.List;

/**
 * The item a workflow step reads: one row of its source, with where it came from, for a rejection
 * further on: its line in the source file, or its row in a row file ({@link SourceRecords#line()}).
 * The step's chunks hold {@link #CHUNK} rows each, so that its read, filter and write counts are rows.
 *
 * <p>The segment's row-wise nodes have already run on the reading thread ({@link SegmentReader}):
 * {@code output} is their result (null for a row one of them dropped) or {@code failure} what one threw,
 * handed to the step's processor, which reports it as if it had run them itself.
 *
 * @param output  the chain's output row, null when a node dropped it
 * @param failure what a node of the chain threw for this row, or null
 * @param passed  how many nodes of the chain put the row out: all of them, or the position of the one that
 *                dropped it or threw
 */
record SourceRow(Object[] values, long line, Object[] output, RuntimeException failure, int passed) {

    /** Rows a chunk, that is a transaction, holds. */
    static final int CHUNK = 8192;

    /** {@code values} through {@code chain} of row-wise nodes, each's output the next's input, noting how far it came. */
    static SourceRow through(List<RowOperation> chain, Object[] values, long line) {
        Object[] current = values;
        int passed = 0;
        try {
            for (; passed < chain.size(); passed++) {
                current = chain.get(passed).apply(current);
                if (current == null) {
                    return new SourceRow(values, line, null, null, passed);
                }
            }
            return new SourceRow(values, line, current, null, passed);
        } catch (RuntimeException e) {
            return new SourceRow(values, line, null, e, passed); // reported by the step, as its processor's own
        }
    }

    /**
     * The chain's output row, null when a node dropped it.
     *
     * @throws RuntimeException what a node threw for this row
     */
    Object[] result() {
        if (failure != null) {
            throw failure;
        }
        return output;
    }
}
