package io.sluice.runner;

import io.sluice.monitoring.TextTable;
import io.sluice.persistence.TableSchema;

import java.io.PrintStream;
import java.util.List;

/** A schema for people: a table a block, its columns with type, nullability, default and key marks, then its keys and indexes. */
final class SchemaPrinter {

    private SchemaPrinter() {
    }

    static void print(List<TableSchema> tables, PrintStream out) {
        for (TableSchema table : tables) {
            out.println();
            out.println(table.tableName().qualified() + (table.rowEstimate() == null ? "" : "  (about " + table.rowEstimate() + " rows)"));
            TextTable columns = new TextTable("  ", "COLUMN", "TYPE", "NULL", "KEY", "DEFAULT");
            for (TableSchema.Column column : table.columns()) {
                String key = table.primaryKey().contains(column.name()) ? "PK" : "";
                var foreign = table.foreignKeyOf(column.name());
                if (foreign.isPresent()) {
                    key = (key.isEmpty() ? "" : key + " ") + "FK " + foreign.get().referencedTable();
                }
                columns.row(column.name(), column.dataType(), column.nullable() ? "yes" : "no", key, column.defaultValue());
            }
            columns.print(out);
            for (List<String> unique : table.uniqueConstraints()) {
                out.println("  unique (" + String.join(", ", unique) + ")");
            }
            for (TableSchema.Index index : table.indexes()) {
                out.println("  index " + index.name() + " (" + String.join(", ", index.columns()) + ")" + (index.unique() ? " unique" : ""));
            }
        }
    }
}
