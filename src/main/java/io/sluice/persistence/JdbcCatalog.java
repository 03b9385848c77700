package io.sluice.persistence;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A catalogue read through JDBC's {@link DatabaseMetaData}, for the vendors without a bulk reader: per
 * table its columns, primary key, imported (foreign) keys and indexes, four calls a table. MySQL and
 * MariaDB keep their databases as catalogues: the connection's own is read, and it stands in the
 * schema's place. The row estimate is the table statistic row of {@code getIndexInfo} where the driver
 * gives one. A default of {@code NULL} (as MariaDB's driver spells no default) is none. Schemas of the vendor's own ({@code INFORMATION_SCHEMA}, {@code SYSTEM_LOBS},
 * {@code sys}...) and SQLite's {@code sqlite_} tables are left out.
 */
final class JdbcCatalog implements DatabaseCatalog {

    private static final Set<String> SYSTEM_SCHEMAS = Set.of("information_schema", "system_lobs", "sys", "pg_catalog",
            "performance_schema", "mysql", "guest");

    @Override
    public List<TableSchema.Name> tables(Connection connection) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        String catalog = catalogOf(connection);
        List<TableSchema.Name> tables = new ArrayList<>();
        try (ResultSet rows = metadata.getTables(catalog, null, "%", new String[] {"TABLE"})) {
            while (rows.next()) {
                String schema = usesCatalogs(connection) ? rows.getString("TABLE_CAT") : rows.getString("TABLE_SCHEM");
                String name = rows.getString("TABLE_NAME");
                if (schema != null && SYSTEM_SCHEMAS.contains(schema.toLowerCase(Locale.ROOT)) || name.startsWith("sqlite_")) {
                    continue;
                }
                tables.add(new TableSchema.Name(schema, name));
            }
        }
        tables.sort((a, b) -> {
            int bySchema = String.valueOf(a.schema()).compareTo(String.valueOf(b.schema()));
            return bySchema != 0 ? bySchema : a.name().compareTo(b.name());
        });
        return tables;
    }

    @Override
    public List<TableSchema> describe(Connection connection, List<TableSchema.Name> tables) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        boolean catalogs = usesCatalogs(connection);
        List<TableSchema> described = new ArrayList<>();
        String escape = metadata.getSearchStringEscape();
        for (TableSchema.Name table : tables) {
            String catalog = catalogs ? table.schema() : null;
            String schema = catalogs ? null : table.schema();
            List<TableSchema.Column> columns = new ArrayList<>();
            // getColumns reads its names as LIKE patterns: a_b would match axb too
            try (ResultSet rows = metadata.getColumns(catalog, pattern(schema, escape), pattern(table.name(), escape), "%")) {
                while (rows.next()) {
                    if (!table.name().equals(rows.getString("TABLE_NAME"))) {
                        continue;
                    }
                    String type = rows.getString("TYPE_NAME");
                    int size = rows.getInt("COLUMN_SIZE");
                    boolean sized = !rows.wasNull() && size > 0 && type != null && type.toLowerCase(Locale.ROOT).matches(".*(char|binary).*");
                    String defaultValue = rows.getString("COLUMN_DEF");
                    columns.add(new TableSchema.Column(rows.getString("COLUMN_NAME"), sized ? type + "(" + size + ")" : type,
                            rows.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls, "NULL".equalsIgnoreCase(defaultValue) ? null : defaultValue));
                }
            }
            if (columns.isEmpty()) {
                continue; // dropped since it was listed
            }
            Map<Short, String> key = new TreeMap<>();
            try (ResultSet rows = metadata.getPrimaryKeys(catalog, schema, table.name())) {
                while (rows.next()) {
                    key.put(rows.getShort("KEY_SEQ"), rows.getString("COLUMN_NAME"));
                }
            }
            List<String> primaryKey = List.copyOf(key.values());
            Map<String, ForeignKeyColumns> foreign = new LinkedHashMap<>();
            try (ResultSet rows = metadata.getImportedKeys(catalog, schema, table.name())) {
                while (rows.next()) {
                    String name = rows.getString("FK_NAME");
                    String referencedSchema = catalogs ? rows.getString("PKTABLE_CAT") : rows.getString("PKTABLE_SCHEM");
                    String referencedTable = rows.getString("PKTABLE_NAME");
                    String id = (name == null ? "" : name) + "\u0000" + referencedSchema + "\u0000" + referencedTable;
                    if (rows.getShort("KEY_SEQ") == 1 && foreign.containsKey(id) && name == null) {
                        id = id + foreign.size(); // two unnamed keys to one table
                    }
                    foreign.computeIfAbsent(id, k -> new ForeignKeyColumns(name, referencedSchema, referencedTable))
                            .add(rows.getShort("KEY_SEQ"), rows.getString("FKCOLUMN_NAME"), rows.getString("PKCOLUMN_NAME"));
                }
            }
            Map<String, IndexColumns> indexes = new LinkedHashMap<>();
            Long rowEstimate = null;
            try (ResultSet rows = metadata.getIndexInfo(catalog, schema, table.name(), false, true)) {
                while (rows.next()) {
                    if (rows.getShort("TYPE") == DatabaseMetaData.tableIndexStatistic) {
                        long cardinality = rows.getLong("CARDINALITY");
                        rowEstimate = rows.wasNull() ? null : cardinality;
                        continue;
                    }
                    String name = rows.getString("INDEX_NAME");
                    String column = rows.getString("COLUMN_NAME");
                    if (name == null || column == null) {
                        continue; // an expression
                    }
                    indexes.computeIfAbsent(name, n -> new IndexColumns(!nonUnique(rows))).add(rows.getShort("ORDINAL_POSITION"), column);
                }
            }
            List<TableSchema.Index> indexList = new ArrayList<>();
            List<List<String>> uniques = new ArrayList<>();
            for (Map.Entry<String, IndexColumns> index : indexes.entrySet()) {
                List<String> indexed = List.copyOf(index.getValue().columns.values());
                indexList.add(new TableSchema.Index(index.getKey(), indexed, index.getValue().unique));
                if (index.getValue().unique && !indexed.equals(primaryKey) && !uniques.contains(indexed)) {
                    uniques.add(indexed);
                }
            }
            described.add(new TableSchema(table.schema(), table.name(), columns, primaryKey,
                    foreign.values().stream().map(ForeignKeyColumns::build).toList(), uniques, indexList, rowEstimate));
        }
        return described;
    }

    private static boolean nonUnique(ResultSet rows) {
        try {
            return rows.getBoolean("NON_UNIQUE");
        } catch (SQLException e) {
            return true;
        }
    }

    /** A name as a LIKE pattern that matches it alone. */
    private static String pattern(String name, String escape) {
        if (name == null || escape == null || escape.isEmpty()) {
            return name;
        }
        return name.replace(escape, escape + escape).replace("_", escape + "_").replace("%", escape + "%");
    }

    /** MySQL and MariaDB name a database a catalogue, and have no schemas. */
    private static boolean usesCatalogs(Connection connection) throws SQLException {
        String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
        return product.contains("mysql") || product.contains("mariadb");
    }

    private static String catalogOf(Connection connection) throws SQLException {
        return usesCatalogs(connection) ? connection.getCatalog() : null;
    }

    /** A foreign key's columns as {@code getImportedKeys} lists them, one row a column. */
    private static final class ForeignKeyColumns {
        final String name;
        final String referencedSchema;
        final String referencedTable;
        final Map<Short, String[]> columns = new TreeMap<>();

        ForeignKeyColumns(String name, String referencedSchema, String referencedTable) {
            this.name = name;
            this.referencedSchema = referencedSchema;
            this.referencedTable = referencedTable;
        }

        void add(short position, String column, String referenced) {
            columns.put(position, new String[] {column, referenced});
        }

        TableSchema.ForeignKey build() {
            return new TableSchema.ForeignKey(name, columns.values().stream().map(pair -> pair[0]).toList(), referencedSchema, referencedTable,
                    columns.values().stream().map(pair -> pair[1]).toList());
        }
    }

    /** An index's columns as {@code getIndexInfo} lists them, one row a column. */
    private static final class IndexColumns {
        final boolean unique;
        final Map<Short, String> columns = new TreeMap<>();

        IndexColumns(boolean unique) {
            this.unique = unique;
        }

        void add(short position, String column) {
            columns.put(position, column);
        }
    }
}
