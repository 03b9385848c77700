package io.sluice.workflow;

import io.sluice.batch.RejectFiles;

import java.io.IOException;

/**
 * Where a segment's rows come from: a file ({@link FileSource}: CSV, JSON, JSON Lines, or the file of a
 * registered dataset) or an SQL query ({@link QuerySource}). Above {@link FileSource} so that the file
 * sources keep their {@code file()} and a query needs none.
 */
sealed interface RowSource permits FileSource, QuerySource {

    /** Its columns and their types, read when the workflow was planned. */
    Schema schema();

    /**
     * Opens the source at its first record.
     *
     * @param rejects where a record that does not fit the schema goes (with where it was)
     */
    SourceRecords records(RejectFiles rejects) throws IOException;

    /** What it is, for messages and reject files: a file's path, or {@code query on DATABASE}; never a password. */
    String where();

    /** What {@link SourceRecords#line()} counts, for messages: {@code line} in a file, {@code row} of a query. */
    default String unit() {
        return "line";
    }
}
