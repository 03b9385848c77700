package io.sluice.workflow;

/**
 * The item a workflow step reads: one row of its source, with where it came from, for a rejection
 * further on: its line in the source file, or its row in a row file ({@link SourceRecords#line()}).
 * The step's chunks hold {@link #CHUNK} rows each, so that its read, filter and write counts are rows.
 */
record SourceRow(Object[] values, long line) {

    /** Rows a chunk, that is a transaction, holds. */
    static final int CHUNK = 8192;
}
