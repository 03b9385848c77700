package io.sluice.schema;

import io.sluice.persistence.TableSchema;
import tools.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What changed between two snapshots of one database: tables added and dropped, columns added, dropped
 * and retyped, and tables whose keys changed (primary key, foreign keys or unique constraints). Tables
 * and columns are matched by name (qualified with the schema).
 *
 * @param columnsRetyped each as {@code table.column: old type -> new type}
 */
record SchemaChanges(List<String> tablesAdded, List<String> tablesDropped, List<String> columnsAdded, List<String> columnsDropped,
                     List<String> columnsRetyped, List<String> keysChanged) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The changes from {@code before} to {@code after}. */
    static SchemaChanges between(List<TableSchema> before, List<TableSchema> after) {
        Map<String, TableSchema> old = byName(before);
        Map<String, TableSchema> now = byName(after);
        List<String> tablesAdded = new ArrayList<>();
        List<String> tablesDropped = new ArrayList<>();
        List<String> columnsAdded = new ArrayList<>();
        List<String> columnsDropped = new ArrayList<>();
        List<String> columnsRetyped = new ArrayList<>();
        List<String> keysChanged = new ArrayList<>();
        for (Map.Entry<String, TableSchema> table : now.entrySet()) {
            TableSchema was = old.get(table.getKey());
            if (was == null) {
                tablesAdded.add(table.getKey());
                continue;
            }
            Map<String, TableSchema.Column> oldColumns = new LinkedHashMap<>();
            was.columns().forEach(c -> oldColumns.put(c.name(), c));
            Map<String, TableSchema.Column> newColumns = new LinkedHashMap<>();
            table.getValue().columns().forEach(c -> newColumns.put(c.name(), c));
            for (TableSchema.Column column : newColumns.values()) {
                TableSchema.Column previous = oldColumns.get(column.name());
                if (previous == null) {
                    columnsAdded.add(table.getKey() + "." + column.name());
                } else if (!Objects.equals(previous.dataType(), column.dataType())) {
                    columnsRetyped.add(table.getKey() + "." + column.name() + ": " + previous.dataType() + " -> " + column.dataType());
                }
            }
            for (String column : oldColumns.keySet()) {
                if (!newColumns.containsKey(column)) {
                    columnsDropped.add(table.getKey() + "." + column);
                }
            }
            if (!was.primaryKey().equals(table.getValue().primaryKey()) || !keys(was).equals(keys(table.getValue()))
                    || !new java.util.HashSet<>(was.uniqueConstraints()).equals(new java.util.HashSet<>(table.getValue().uniqueConstraints()))) {
                keysChanged.add(table.getKey());
            }
        }
        for (String table : old.keySet()) {
            if (!now.containsKey(table)) {
                tablesDropped.add(table);
            }
        }
        return new SchemaChanges(tablesAdded, tablesDropped, columnsAdded, columnsDropped, columnsRetyped, keysChanged);
    }

    boolean isEmpty() {
        return tablesAdded.isEmpty() && tablesDropped.isEmpty() && columnsAdded.isEmpty() && columnsDropped.isEmpty()
                && columnsRetyped.isEmpty() && keysChanged.isEmpty();
    }

    /** One line for people: {@code 2 tables added (a, b), 1 column retyped (t.c: int -> bigint)}, or {@code no changes}. */
    String summary() {
        List<String> parts = new ArrayList<>();
        part(parts, tablesAdded, "table", "added");
        part(parts, tablesDropped, "table", "dropped");
        part(parts, columnsAdded, "column", "added");
        part(parts, columnsDropped, "column", "dropped");
        part(parts, columnsRetyped, "column", "retyped");
        part(parts, keysChanged, "table", "with changed keys");
        return parts.isEmpty() ? "no changes" : String.join(", ", parts);
    }

    String json() {
        return JSON.writeValueAsString(this);
    }

    private static void part(List<String> parts, List<String> names, String noun, String what) {
        if (!names.isEmpty()) {
            List<String> shown = names.size() > 5 ? new ArrayList<>(names.subList(0, 5)) : names;
            String more = names.size() > 5 ? ", and " + (names.size() - 5) + " more" : "";
            parts.add(names.size() + " " + noun + (names.size() == 1 ? "" : "s") + " " + what + " (" + String.join(", ", shown) + more + ")");
        }
    }

    private static List<String> keys(TableSchema table) {
        return table.foreignKeys().stream().map(k -> k.columns() + "->" + k.referencedTable() + k.referencedColumns()).sorted().toList();
    }

    private static Map<String, TableSchema> byName(List<TableSchema> tables) {
        Map<String, TableSchema> named = new LinkedHashMap<>();
        tables.forEach(t -> named.put(t.tableName().qualified(), t));
        return named;
    }
}
