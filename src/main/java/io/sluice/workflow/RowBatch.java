package io.sluice.workflow;

import java.util.List;

/**
 * The item of a workflow's chunk-oriented steps: a batch of up to {@link #SIZE} rows of one schema,
 * so that the per-item cost of the step is paid once per batch, not once per row.
 *
 * @param rows  the rows
 * @param lines where each row came from, for a rejection: its line in the source file, or its row in a
 *              row file ({@link SourceRecords#line()}); null once the rows went through a segment's chain
 */
record RowBatch(List<Object[]> rows, long[] lines) {

    static final int SIZE = 8192;

    /** Rows whose origin is no longer known. */
    RowBatch(List<Object[]> rows) {
        this(rows, null);
    }
}
