package io.sluice.workflow;

import io.sluice.batch.RejectFiles;

import java.io.IOException;
import java.nio.file.Path;

/** A file a workflow reads its rows from: a CSV file ({@link CsvSource}) or a JSON or JSON Lines file ({@link JsonSource}). */
sealed interface FileSource permits CsvSource, JsonSource {

    /** The file. */
    Path file();

    /** Its columns and their types, read from the file when the workflow was planned. */
    Schema schema();

    /**
     * Opens the file at its first record.
     *
     * @param rejects where a record that does not fit the schema goes (with this file and its line), on the
     *                thread that calls {@link SourceRecords#next()}, within that call
     */
    SourceRecords records(RejectFiles.Rejects rejects) throws IOException;
}
