package io.sluice.workflow;

import io.sluice.batch.RejectFiles;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file a workflow reads its rows from: a CSV file ({@link CsvSource}), a JSON or JSON Lines file
 * ({@link JsonSource}), an Excel workbook's sheet ({@link ExcelSource}) or an XML file ({@link XmlSource}).
 */
sealed interface FileSource permits CsvSource, JsonSource, ExcelSource, XmlSource {

    /** The file. */
    Path file();

    /** Its columns and their types, read from the file when the workflow was planned. */
    Schema schema();

    /**
     * Opens the file at its first record.
     *
     * @param rejects where a record that does not fit the schema goes (with this file and its line)
     */
    SourceRecords records(RejectFiles rejects) throws IOException;

    /**
     * Where a record of this file is, in words, for a reject file and messages.
     *
     * @param line what {@link SourceRecords#line()} gave for the record
     * @return {@code line N} for a text file; an Excel source names the sheet and row
     */
    default String location(long line) {
        return "line " + line;
    }
}
