package io.sluice.workflow;

import io.sluice.batch.WriteCounts;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import org.springframework.batch.infrastructure.item.ItemStreamWriter;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An export into a database table: sluice's own database, or a registered one ({@code databases} row).
 *
 * <p>Node settings: {@code table_name} (or {@code table}); {@code if_exists}: {@code fail} (the default,
 * as pandas' {@code to_sql}: the run is refused before launch, and fails at publishing, when the
 * table exists), {@code replace} (drop it, create it anew) or {@code append} (add the rows; created when
 * missing); {@code database_id} (or {@code databaseId}, {@code connection_id}, {@code connectionId},
 * {@code db_id}), else sluice's own database. The table and its columns (the input's column names)
 * must be letters, digits and underscores ({@link SqlVendor#problemWith}); they are quoted, so their
 * case is kept. A created table's columns are BIGINT, DOUBLE, BOOLEAN and text, from the schema.
 *
 * <p>No duplicates after a restart, on any database: the step writes into a staging table
 * {@code <table>__sluice_partial} with a row number {@code sluice__row}, by batched inserts with bound
 * values on a connection of its own, committed just before each chunk's commit, and the step's context
 * keeps how many rows that is. A restart deletes the staging rows past that count (written by a chunk
 * whose commit did not happen) and goes on. When the step completes, one transaction applies
 * {@code if_exists}, copies the staging rows into the table in order and drops the staging table.
 * (On HSQLDB each DDL statement commits by itself: there a crash between the copy and the drop could
 * leave the staging table behind, never a half table.)
 */
record TableExport(WorkflowResources.SqlDatabase database, String table, IfExists ifExists, Schema schema) implements RowTarget {

    static final String STAGING_SUFFIX = "__sluice_partial";
    static final String ROW_COLUMN = "sluice__row";
    static final String[] TABLE = {"table_name", "table"};
    /** The longest table name: the staging table's name must fit PostgreSQL's 63. */
    static final int MAX_TABLE = SqlVendor.MAX_IDENTIFIER - STAGING_SUFFIX.length();

    /** pandas' {@code to_sql(if_exists=...)} and etl-core's values. */
    enum IfExists { FAIL, REPLACE, APPEND }

    /** Whether an export node writes a table rather than a file. */
    static boolean wanted(WorkflowDefinition.Node node) {
        Settings settings = new Settings(node, new ArrayList<>());
        String type = node.type().toLowerCase(Locale.ROOT);
        String exportType = settings.text("export_type", "format");
        return type.matches("write_(database|sql|table|postgres|postgresql|sqlite)")
                || exportType != null && exportType.toLowerCase(Locale.ROOT).matches("database|table|sql")
                || exportType == null && settings.text(TABLE) != null && settings.text("output_path", "path", "filepath", "file_path", "file") == null;
    }

    /**
     * The export a node names, for rows of {@code schema}.
     *
     * @return null when it cannot be written, with each problem noted against the node (an unknown database,
     *         a bad table or column name, an unknown {@code if_exists}, a table that exists under {@code fail},
     *         a database that does not answer)
     */
    static TableExport of(Settings settings, WorkflowResources resources, Schema schema) {
        if (settings.text("connection_string", "connection_url", "url") != null) {
            settings.problem("has a connection_string; register the database (a databases row) and name it with database_id, so that its password is kept encrypted");
            return null;
        }
        String table = settings.requiredText(TABLE);
        if (table == null) {
            return null;
        }
        boolean fits = true;
        String problem = SqlVendor.problemWith("table name", table, MAX_TABLE);
        if (problem != null) {
            settings.problem(problem);
            fits = false;
        }
        for (Schema.Column column : schema.columns()) {
            String bad = column.name().equals(ROW_COLUMN) ? "has a column named " + ROW_COLUMN + ", which sluice keeps for itself"
                    : SqlVendor.problemWith("column name", column.name(), SqlVendor.MAX_IDENTIFIER);
            if (bad != null) {
                settings.problem(bad + " (rename it before the export)");
                fits = false;
            }
        }
        if (schema.size() == 0) {
            settings.problem("has no columns to write");
            fits = false;
        }
        String mode = settings.text("if_exists");
        IfExists ifExists = IfExists.FAIL;
        if (mode != null) {
            try {
                ifExists = IfExists.valueOf(mode.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                settings.problem("has if_exists '" + mode + "'; it takes fail, replace or append");
                fits = false;
            }
        }
        WorkflowResources.SqlDatabase database = QuerySource.database(settings, resources);
        if (database == null || !fits) {
            return null;
        }
        if (database.vendor() == null) {
            settings.problem("writes to " + database.describe() + ", whose provider sluice cannot reach (PostgreSQL and SQLite)");
            return null;
        }
        try (Connection connection = database.openForWriting()) { // for writing: a SQLite file that does not exist yet is created
            try {
                if (ifExists == IfExists.FAIL && exists(connection, table)) {
                    settings.problem("writes the table " + table + " of " + database.describe() + ", which exists, and if_exists is fail (give replace or append)");
                    return null;
                }
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            }
        } catch (SQLException e) {
            settings.problem("cannot reach " + database.describe() + ": " + e.getMessage());
            return null;
        }
        return new TableExport(database, table, ifExists, schema);
    }

    @Override
    public String where() {
        return "table " + table + " of " + database.describe();
    }

    String stagingTable() {
        return table + STAGING_SUFFIX;
    }

    /** Whether a table of exactly that name is in the connection's current schema. */
    static boolean exists(Connection connection, String table) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        String schema;
        try {
            schema = connection.getSchema();
        } catch (SQLException | AbstractMethodError e) {
            schema = null;
        }
        try (ResultSet rs = metadata.getTables(connection.getCatalog(), schema, table, null)) {
            while (rs.next()) {
                if (table.equals(rs.getString("TABLE_NAME"))) { // the name is a LIKE pattern: '_' matches any character
                    return true;
                }
            }
        }
        return false;
    }

    /** The writer of the export's step: see the type's description. */
    Writer writer(String name) {
        return new Writer(name, this);
    }

    /** Writes a step's rows into the staging table and publishes them when the step completes. */
    static final class Writer extends ItemStreamSupport implements ItemStreamWriter<Object[]> {

        private static final String ROWS = "rows";

        private final TableExport export;
        private final SqlVendor sql;
        private final String columns;
        private Connection connection;
        private long rows;

        Writer(String name, TableExport export) {
            setName(name);
            this.export = export;
            this.sql = export.database().vendor();
            List<String> quoted = new ArrayList<>();
            export.schema().names().forEach(column -> quoted.add(sql.quote(column)));
            this.columns = String.join(", ", quoted);
        }

        @Override
        public void open(ExecutionContext context) {
            try {
                connection = export.database().openForWriting();
                long committed = context.getLong(getExecutionContextKey(ROWS), -1L);
                try (Statement statement = connection.createStatement()) {
                    if (committed < 0) {
                        if (export.ifExists() == IfExists.FAIL && exists(connection, export.table())) {
                            throw new ItemStreamException("the table " + export.table() + " of " + export.database().describe()
                                    + " exists, and if_exists is fail");
                        }
                        if (exists(connection, export.stagingTable())) {
                            statement.execute("DROP TABLE " + sql.quote(export.stagingTable())); // left by a run that was not restarted
                        }
                        statement.execute(createTable(export.stagingTable(), true));
                        rows = 0;
                    } else {
                        if (!exists(connection, export.stagingTable())) {
                            throw new ItemStreamException("cannot resume the export to " + export.where() + ": its staging table "
                                    + export.stagingTable() + " is gone; run the workflow again instead of restarting this execution");
                        }
                        try (PreparedStatement delete = connection.prepareStatement(
                                "DELETE FROM " + sql.quote(export.stagingTable()) + " WHERE " + sql.quote(ROW_COLUMN) + " >= ?")) {
                            delete.setLong(1, committed); // written by a chunk whose commit did not happen
                            delete.executeUpdate();
                        }
                        rows = committed;
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                throw new ItemStreamException("cannot write " + export.where() + ": " + e.getMessage());
            }
        }

        private String createTable(String name, boolean staging) {
            StringBuilder create = new StringBuilder("CREATE TABLE ").append(sql.quote(name)).append(" (");
            if (staging) {
                create.append(sql.quote(ROW_COLUMN)).append(" BIGINT NOT NULL, ");
            }
            List<String> definitions = new ArrayList<>();
            for (Schema.Column column : export.schema().columns()) {
                definitions.add(sql.quote(column.name()) + " " + sql.columnType(column.type()));
            }
            return create.append(String.join(", ", definitions)).append(')').toString();
        }

        @Override
        public void write(Chunk<? extends Object[]> chunk) throws SQLException {
            long first = rows;
            String insert = "INSERT INTO " + sql.quote(export.stagingTable()) + " (" + sql.quote(ROW_COLUMN) + ", " + columns + ") VALUES (?"
                    + ", ?".repeat(export.schema().size()) + ")";
            try (PreparedStatement statement = connection.prepareStatement(insert)) {
                long row = first;
                for (Object[] values : chunk) {
                    statement.setLong(1, row++);
                    for (int i = 0; i < values.length; i++) {
                        bind(statement, sql, i + 2, export.schema().column(i).type(), values[i]);
                    }
                    statement.addBatch();
                }
                statement.executeBatch();
                rows = row;
            } catch (SQLException | RuntimeException e) {
                rows = first;
                connection.rollback(); // nothing of a failed chunk stays in the staging table
                throw e;
            }
            WriteCounts.addToCurrentStep(chunk.size(), 0, 0);
        }

        private static void bind(PreparedStatement statement, SqlVendor vendor, int index, ColumnType type, Object value) throws SQLException {
            switch (type) {
                case LONG -> {
                    if (value == null) statement.setNull(index, Types.BIGINT); else statement.setLong(index, (Long) value);
                }
                case DOUBLE -> {
                    if (value == null) statement.setNull(index, Types.DOUBLE); else statement.setDouble(index, ((Number) value).doubleValue());
                }
                case BOOLEAN -> {
                    if (value == null) statement.setNull(index, Types.BOOLEAN); else statement.setBoolean(index, (Boolean) value);
                }
                case STRING -> {
                    if (value == null) statement.setNull(index, Types.VARCHAR); else statement.setString(index, value.toString());
                }
                case DECIMAL -> {
                    if (value == null) statement.setNull(index, Types.NUMERIC);
                    else if (vendor == SqlVendor.SQLITE) statement.setString(index, Values.text(value));
                    else statement.setBigDecimal(index, (java.math.BigDecimal) value);
                }
                case DATE -> {
                    if (value == null) statement.setNull(index, Types.DATE);
                    else if (vendor == SqlVendor.SQLITE) statement.setString(index, value.toString());
                    else statement.setObject(index, value, Types.DATE);
                }
                case TIMESTAMP -> {
                    if (value == null) statement.setNull(index, Types.TIMESTAMP);
                    else if (vendor == SqlVendor.SQLITE) statement.setString(index, Values.text(value));
                    else statement.setObject(index, value, Types.TIMESTAMP);
                }
            }
        }

        /** Commits the chunk's staging rows just before the step's chunk commit, and keeps their count with it. */
        @Override
        public void update(ExecutionContext context) {
            try {
                connection.commit();
            } catch (SQLException e) {
                throw new ItemStreamException("cannot write " + export.where() + ": " + e.getMessage());
            }
            context.putLong(getExecutionContextKey(ROWS), rows);
        }

        @Override
        public void close() {
            if (connection == null) {
                return;
            }
            try (Connection closing = connection) {
                closing.rollback();
            } catch (SQLException e) {
                throw new ItemStreamException("cannot close the connection to " + export.database().describe() + ": " + e.getMessage());
            } finally {
                connection = null;
            }
        }

        /** Publishes the staged rows into the table, once the input has ended ({@link InputEnd}). */
        void finish(StepExecution stepExecution) throws SQLException {
            try {
                publish();
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw new SQLException("cannot publish " + export.where() + ": " + e.getMessage(), e);
            }
        }

        /** One transaction: {@code if_exists}, the staging rows into the table in their order, the staging table dropped. */
        private void publish() throws SQLException {
            String target = sql.quote(export.table());
            try (Statement statement = connection.createStatement()) {
                boolean exists = exists(connection, export.table());
                if (exists && export.ifExists() == IfExists.FAIL) {
                    throw new SQLException("the table exists, and if_exists is fail");
                }
                if (exists && export.ifExists() == IfExists.REPLACE) {
                    statement.execute("DROP TABLE " + target);
                }
                if (!exists || export.ifExists() == IfExists.REPLACE) {
                    statement.execute(createTable(export.table(), false));
                }
                statement.executeUpdate("INSERT INTO " + target + " (" + columns + ") SELECT " + columns + " FROM "
                        + sql.quote(export.stagingTable()) + " ORDER BY " + sql.quote(ROW_COLUMN));
                statement.execute("DROP TABLE " + sql.quote(export.stagingTable()));
            }
            connection.commit();
        }
    }
}
