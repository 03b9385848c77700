package io.sluice.workflow;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;

/** A file a workflow exports its rows to: a CSV file ({@link CsvExport}) or a JSON or JSON Lines file ({@link JsonExport}). */
sealed interface Export extends RowTarget permits CsvExport, JsonExport {

    /** Where the export ends up (published when its step completes). */
    Path file();

    @Override
    default String where() {
        return file().toString();
    }

    /** Writes rows of {@code schema} to {@code out} in this export's format. */
    Encoder encoder(Schema schema, Writer out);

    /**
     * Rows to text, in three parts so that an export can be cut back to its last committed row and
     * go on: what starts a new file, each row, and what ends the file once the last row is written.
     */
    interface Encoder extends Closeable {

        /** Starts a new file (a CSV header, a JSON array's bracket). */
        void begin() throws IOException;

        /**
         * Writes one row.
         *
         * @param index the row's position in the file, 0 for the first (counted across a restart)
         */
        void write(Object[] row, long index) throws IOException;

        /** Ends the file after its last row (a JSON array's closing bracket). */
        void end() throws IOException;

        /** Hands everything written so far to the writer. */
        void flush() throws IOException;
    }
}
