package io.sluice.persistence;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL's catalogue ({@code pg_catalog}) read in bulk: four queries describe a whole chunk of tables,
 * whatever its size. Ordinary and partitioned tables count (not the partitions of one); the schemas
 * {@code pg_catalog}, {@code information_schema} and {@code pg_toast} are left out. Row estimates are
 * {@code pg_class.reltuples} (null for a table never analysed or vacuumed, where it is -1).
 */
final class PostgresCatalog implements DatabaseCatalog {

    private static final String TABLES = """
            SELECT n.nspname AS schema_name, c.relname AS table_name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
            ORDER BY n.nspname, c.relname
            """;
    private static final String OIDS = """
            SELECT c.oid, n.nspname AS schema_name, c.relname AS table_name, c.reltuples
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            JOIN unnest(?::text[], ?::text[]) AS wanted(schema_name, table_name)
              ON wanted.schema_name = n.nspname AND wanted.table_name = c.relname
            WHERE c.relkind IN ('r', 'p')
            """;
    private static final String COLUMNS = """
            SELECT a.attrelid AS table_oid, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS data_type,
                   NOT a.attnotnull AS nullable, pg_get_expr(d.adbin, d.adrelid) AS default_value
            FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
            WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attrelid, a.attnum
            """;
    private static final String CONSTRAINTS = """
            SELECT c.conrelid AS table_oid, c.conname AS constraint_name, c.contype AS constraint_type,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.position) AS column_names,
                   rn.nspname AS referenced_schema, rc.relname AS referenced_table,
                   ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.position) AS referenced_columns
            FROM pg_constraint c
            LEFT JOIN pg_class rc ON rc.oid = c.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
            WHERE c.conrelid = ANY (?) AND c.contype IN ('p', 'u', 'f')
            ORDER BY c.conrelid, c.conname
            """;
    private static final String INDEXES = """
            SELECT i.indrelid AS table_oid, ic.relname AS index_name, i.indisunique AS is_unique,
                   ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.position) AS column_names
            FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
            WHERE i.indrelid = ANY (?)
            ORDER BY i.indrelid, ic.relname
            """;

    @Override
    public List<TableSchema.Name> tables(Connection connection) throws SQLException {
        List<TableSchema.Name> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(TABLES); ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                tables.add(new TableSchema.Name(rows.getString("schema_name"), rows.getString("table_name")));
            }
        }
        return tables;
    }

    @Override
    public List<TableSchema> describe(Connection connection, List<TableSchema.Name> tables) throws SQLException {
        Map<Long, Builder> byOid = new LinkedHashMap<>();
        Map<TableSchema.Name, Builder> byName = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(OIDS)) {
            statement.setArray(1, connection.createArrayOf("text", tables.stream().map(TableSchema.Name::schema).toArray()));
            statement.setArray(2, connection.createArrayOf("text", tables.stream().map(TableSchema.Name::name).toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    float tuples = rows.getFloat("reltuples");
                    Builder table = new Builder(rows.getString("schema_name"), rows.getString("table_name"), tuples < 0 ? null : (long) tuples);
                    byOid.put(rows.getLong("oid"), table);
                    byName.put(new TableSchema.Name(table.schema, table.name), table);
                }
            }
        }
        if (byOid.isEmpty()) {
            return List.of();
        }
        Array oids = connection.createArrayOf("oid", byOid.keySet().toArray());
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            statement.setArray(1, oids);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    byOid.get(rows.getLong("table_oid")).columns.add(new TableSchema.Column(rows.getString("column_name"),
                            rows.getString("data_type"), rows.getBoolean("nullable"), rows.getString("default_value")));
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(CONSTRAINTS)) {
            statement.setArray(1, oids);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Builder table = byOid.get(rows.getLong("table_oid"));
                    List<String> columns = strings(rows.getArray("column_names"));
                    switch (rows.getString("constraint_type")) {
                        case "p" -> table.primaryKey = columns;
                        case "u" -> table.uniques.add(columns);
                        default -> table.foreignKeys.add(new TableSchema.ForeignKey(rows.getString("constraint_name"), columns,
                                rows.getString("referenced_schema"), rows.getString("referenced_table"), strings(rows.getArray("referenced_columns"))));
                    }
                }
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(INDEXES)) {
            statement.setArray(1, oids);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Builder table = byOid.get(rows.getLong("table_oid"));
                    List<String> columns = strings(rows.getArray("column_names"));
                    boolean unique = rows.getBoolean("is_unique");
                    table.indexes.add(new TableSchema.Index(rows.getString("index_name"), columns, unique));
                    if (unique && !columns.equals(table.primaryKey) && !table.uniques.contains(columns) && !columns.isEmpty()) {
                        table.uniques.add(columns); // a unique index without a constraint of its own
                    }
                }
            }
        }
        List<TableSchema> described = new ArrayList<>();
        for (TableSchema.Name wanted : tables) {
            Builder table = byName.get(wanted);
            if (table != null) {
                described.add(table.build());
            }
        }
        return described;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : Arrays.stream((Object[]) array.getArray()).map(String::valueOf).toList();
    }

    /** A table's description as the queries fill it in. */
    private static final class Builder {
        final String schema;
        final String name;
        final Long rowEstimate;
        final List<TableSchema.Column> columns = new ArrayList<>();
        List<String> primaryKey = List.of();
        final List<TableSchema.ForeignKey> foreignKeys = new ArrayList<>();
        final List<List<String>> uniques = new ArrayList<>();
        final List<TableSchema.Index> indexes = new ArrayList<>();

        Builder(String schema, String name, Long rowEstimate) {
            this.schema = schema;
            this.name = name;
            this.rowEstimate = rowEstimate;
        }

        TableSchema build() {
            return new TableSchema(schema, name, columns, primaryKey, foreignKeys, uniques, indexes, rowEstimate);
        }
    }
}
