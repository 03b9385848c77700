package io.sluice.workflow;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A file a workflow exports its rows to: a CSV file ({@link CsvExport}), a JSON or JSON Lines file
 * ({@link JsonExport}), an Excel workbook ({@link ExcelExport}) or an XML file ({@link XmlExport}).
 */
sealed interface Export extends RowTarget permits CsvExport, JsonExport, ExcelExport, XmlExport {

    /** Where the export ends up (published when its step completes). */
    Path file();

    @Override
    default String where() {
        return file().toString();
    }

    /** Writes rows of {@code schema} to {@code out} in this export's format. */
    Encoder encoder(Schema schema, Writer out);

    /**
     * Why this export's format cannot hold {@code row}, for the reject file; checked before the row is
     * written, so that a value the format has no way to write is rejected rather than altered.
     *
     * @param row a row of {@code schema}
     * @return the reason, naming the column; null when the row can be written (always, unless a format says otherwise)
     */
    default String refusal(Schema schema, Object[] row) {
        return null;
    }

    /**
     * Makes the finished partial file (every row written, and what ends the file) the export, when its
     * step completes: by default moved onto {@link #file()} in one step. A format that cannot be cut back
     * and appended to (an Excel workbook) keeps its rows in the partial file in a form that can, and
     * builds its file from them here.
     *
     * @param partial the partial file, closed to further writes
     * @param schema  the rows' columns
     * @throws IOException when the export cannot be put in place
     */
    default void publish(Path partial, Schema schema) throws IOException {
        Files.move(partial, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

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
