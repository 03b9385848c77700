package io.sluice.workflow;

import java.io.Closeable;
import java.io.IOException;

/**
 * The records of a segment's source, read one at a time as rows of its schema: a CSV file's records,
 * a JSON file's array elements, a JSON Lines file's lines, or the rows a blocking node left in a
 * {@link RowFile}. A record that does not fit is reported to the execution's reject file by the
 * source itself, with its file and line, and counts as read.
 */
interface SourceRecords extends Closeable {

    /** What {@link #next()} returns for a record that went to the reject file. */
    Object[] REJECTED = new Object[0];

    /**
     * Steps over the next record without converting or reporting it (one that was committed before a restart).
     * By default it reads the record with {@link #next()}: a source whose {@code next()} reports records to the
     * reject file (or that can step over a record more cheaply) overrides it.
     *
     * @return false at the end
     */
    default boolean skip() throws IOException {
        return next() != null;
    }

    /**
     * The next record as a row of the source's schema.
     *
     * @return the row; {@link #REJECTED} when the record went to the reject file; null at the end
     */
    Object[] next() throws IOException;

    /** Where the record last returned by {@link #next()} is: its line in a file (from 1; an XML record's start tag), its row in a sheet or a row file (from 1). */
    long line();
}
