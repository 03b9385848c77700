package io.sluice.workflow;

import java.nio.file.Path;

/**
 * A file a workflow reads its rows from: a CSV file ({@link CsvSource}), a JSON or JSON Lines file
 * ({@link JsonSource}), an Excel workbook's sheet ({@link ExcelSource}) or an XML file ({@link XmlSource}).
 */
sealed interface FileSource extends RowSource permits CsvSource, JsonSource, ExcelSource, XmlSource {

    /** The file. */
    Path file();

    @Override
    default String where() {
        return file().toString();
    }
}
