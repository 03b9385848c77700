package io.sluice.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * The columns of the rows on one edge, in order: a row is an {@code Object[]} with one value per
 * column, of the column's {@link ColumnType} or null.
 */
record Schema(List<Column> columns) {

    record Column(String name, ColumnType type) {
    }

    Schema {
        columns = List.copyOf(columns);
    }

    /** The column's position, or -1 when there is no such column. */
    int indexOf(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int size() {
        return columns.size();
    }

    Column column(int index) {
        return columns.get(index);
    }

    List<String> names() {
        return columns.stream().map(Column::name).toList();
    }

    /** This schema with {@code column} added at the end, or put in place of the column of its name. */
    Schema with(Column column) {
        List<Column> all = new ArrayList<>(columns);
        int at = indexOf(column.name());
        if (at >= 0) {
            all.set(at, column);
        } else {
            all.add(column);
        }
        return new Schema(all);
    }
}
