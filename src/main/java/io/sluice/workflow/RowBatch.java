package io.sluice.workflow;

import java.util.List;

/**
 * The item of a workflow's chunk-oriented steps: a batch of up to {@link #SIZE} rows of one schema,
 * so that the per-item cost of the step is paid once per batch, not once per row.
 */
record RowBatch(List<Object[]> rows) {

    static final int SIZE = 8192;
}
