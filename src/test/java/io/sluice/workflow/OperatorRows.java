package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test data for the materializing nodes: schemas, settings, rows, and the rows of a row file read back. */
final class OperatorRows {

    private OperatorRows() {
    }

    static Schema schema(Object... namesAndTypes) {
        List<Schema.Column> columns = new ArrayList<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.add(new Schema.Column((String) namesAndTypes[i], (ColumnType) namesAndTypes[i + 1]));
        }
        return new Schema(columns);
    }

    /** Settings of a node of {@code type} from alternating names and values; problems go to {@code problems}. */
    static Settings settings(List<String> problems, String type, Object... namesAndValues) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            values.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return new Settings(new WorkflowDefinition.Node("n1", type, values), problems);
    }

    static Object[] row(Object... values) {
        return values;
    }

    /** Every row of a row file, each as a list (so that assertions compare values). */
    static List<List<Object>> read(Path rowFile) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        try (RowFile.Reader reader = new RowFile.Reader(rowFile)) {
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                rows.add(Arrays.asList(row));
            }
        }
        return rows;
    }

    /** Every row of records, each as a list, with its line. */
    static List<List<Object>> readAll(SourceRecords records, List<Long> lines) throws IOException {
        List<List<Object>> rows = new ArrayList<>();
        for (Object[] row = records.next(); row != null; row = records.next()) {
            rows.add(Arrays.asList(row));
            lines.add(records.line());
        }
        return rows;
    }

    static List<List<Object>> lists(Object[]... rows) {
        return Arrays.stream(rows).map(Arrays::asList).toList();
    }
}
