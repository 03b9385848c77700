package io.sluice.workflow;

import java.nio.file.Path;

/** A file a workflow reads its rows from: a CSV file ({@link CsvSource}) or a JSON or JSON Lines file ({@link JsonSource}). */
sealed interface FileSource extends RowSource permits CsvSource, JsonSource {

    /** The file. */
    Path file();

    @Override
    default String where() {
        return file().toString();
    }
}
