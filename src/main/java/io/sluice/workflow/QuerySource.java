package io.sluice.workflow;

import io.sluice.batch.RejectFiles;

import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The rows of an SQL query, or of a whole table, on a registered database or on sluice's own, read
 * through a read-only connection in batches of {@value #FETCH_SIZE} rows (PostgreSQL streams them:
 * the connection does not auto-commit), the first within {@code query_timeout} seconds (default
 * {@value #QUERY_TIMEOUT_SECONDS}).
 *
 * <p>Node settings: {@code query} (or {@code sql}, {@code sql_query}) or {@code table_name} (or
 * {@code table}: its columns, ordered by its primary key when it has one); {@code database_id} (or
 * {@code databaseId}, {@code connection_id}, {@code connectionId}, {@code db_id}): a {@code databases}
 * row; without one, sluice's own database. A {@code connection_string} in the node is refused: it
 * would put a password in the workflow; register the database instead.
 *
 * <p>The schema comes from the query's result set metadata when the workflow is planned. Types:
 * integer types and NUMERIC/DECIMAL of scale 0 and at most 18 digits are {@link ColumnType#LONG};
 * REAL, FLOAT and DOUBLE are {@link ColumnType#DOUBLE}; BOOLEAN and BIT are {@link ColumnType#BOOLEAN};
 * other NUMERIC/DECIMAL columns (a scale, more than 18 digits, or PostgreSQL's unconstrained
 * {@code numeric}) are {@link ColumnType#DECIMAL}, the driver's BigDecimal with its digits and scale
 * ({@code numeric(10,2)} gives {@code 1.10}); DATE is {@link ColumnType#DATE} and TIMESTAMP (without a
 * zone) {@link ColumnType#TIMESTAMP}, as pandas' {@code read_sql} gives {@code datetime64} (a driver
 * that keeps them as text, SQLite's, must hold ISO text; other text fails the read naming the column
 * and row). TIME and TIMESTAMP WITH TIME ZONE are {@link ColumnType#STRING} in ISO-8601 form
 * ({@code 13:45:00}, {@code 2024-01-31T13:45:00+01:00}), so that no offset is dropped; text and other
 * types (UUID, JSON) are their text. Binary, array and structured columns are refused, naming the column.
 *
 * <p>A restart of a failed step runs the query again and skips the rows its committed chunks read:
 * the query must return its rows in the same order each time, so give it an {@code ORDER BY}.
 */
final class QuerySource implements RowSource {

    static final int FETCH_SIZE = 1000;
    static final int QUERY_TIMEOUT_SECONDS = 300;
    static final String[] QUERY = {"query", "sql", "sql_query"};
    static final String[] TABLE = {"table_name", "table"};
    static final String[] DATABASE = {"database_id", "databaseId", "connection_id", "connectionId", "db_id"};

    /** How a column's values are read. */
    private enum Reader { LONG, DOUBLE, BOOLEAN, EXACT, DATE, TIME, TIMESTAMP, TIMESTAMP_WITH_OFFSET, TEXT }

    private final WorkflowResources.SqlDatabase database;
    private final String sql;
    private final int queryTimeout;
    private final Schema schema;
    private final List<Reader> readers;

    /** The database it queries. */
    WorkflowResources.SqlDatabase database() {
        return database;
    }

    private QuerySource(WorkflowResources.SqlDatabase database, String sql, int queryTimeout, Schema schema, List<Reader> readers) {
        this.database = database;
        this.sql = sql;
        this.queryTimeout = queryTimeout;
        this.schema = schema;
        this.readers = readers;
    }

    /** Whether a source node reads a query or a table rather than a file. */
    static boolean wanted(WorkflowDefinition.Node node) {
        Settings settings = new Settings(node, new ArrayList<>());
        return settings.text(QUERY) != null || settings.text(TABLE) != null
                || "database".equalsIgnoreCase(settings.text("source_type")) || node.type().toLowerCase(java.util.Locale.ROOT).matches("read_(database|sql|table|postgres|postgresql|sqlite)");
    }

    /**
     * The source a node names, its schema read from the database.
     *
     * @return null when it cannot be read, with each problem noted against the node (an unknown
     *         database, no query, a bad table name, a database that does not answer, an SQL error, a refused column type)
     */
    static QuerySource of(Settings settings, WorkflowResources resources) {
        if (settings.text("connection_string", "connection_url", "url") != null) {
            settings.problem("has a connection_string; register the database (a databases row) and name it with database_id, so that its password is kept encrypted");
            return null;
        }
        WorkflowResources.SqlDatabase database = database(settings, resources);
        if (database == null) {
            return null;
        }
        String query = settings.text(QUERY);
        String table = settings.text(TABLE);
        if ((query == null || query.isBlank()) && (table == null || table.isBlank())) {
            settings.problem("has no query (or table_name) to read");
            return null;
        }
        if (query != null && table != null) {
            settings.problem("has both a query and a table_name; give one");
            return null;
        }
        if (database.vendor() == null) {
            settings.problem("reads " + database.describe() + ", whose provider sluice cannot reach (PostgreSQL and SQLite)");
            return null;
        }
        int timeout = QUERY_TIMEOUT_SECONDS;
        Object given = settings.value("query_timeout", "timeout");
        if (given != null) {
            try {
                timeout = Integer.parseInt(given.toString().trim());
            } catch (NumberFormatException e) {
                timeout = -1;
            }
            if (timeout <= 0) {
                settings.problem("has query_timeout '" + given + "'; it must be a whole number of seconds above 0");
                return null;
            }
        }
        if (table != null) {
            String problem = SqlVendor.problemWith("table name", table, SqlVendor.MAX_IDENTIFIER);
            if (problem != null) {
                settings.problem(problem);
                return null;
            }
        }
        try (Connection connection = database.openForReading()) {
            String sql = table != null ? tableQuery(connection, database.vendor(), table) : query;
            ResultSetMetaData metadata;
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setQueryTimeout(timeout);
                metadata = statement.getMetaData();
                if (metadata == null) {
                    settings.problem("has a query that returns no rows (is it a SELECT?)");
                    return null;
                }
                List<Schema.Column> columns = new ArrayList<>();
                List<Reader> readers = new ArrayList<>();
                Set<String> names = new HashSet<>();
                boolean fits = true;
                for (int i = 1; i <= metadata.getColumnCount(); i++) {
                    String name = metadata.getColumnLabel(i);
                    if (!names.add(name)) {
                        settings.problem("has a query with two columns named '" + name + "'; give them different names (AS)");
                        fits = false;
                    }
                    Reader reader = reader(metadata, i);
                    if (reader == null) {
                        settings.problem("has a query whose column '" + name + "' is of type " + metadata.getColumnTypeName(i)
                                + ", which sluice does not carry (binary, array or structured); leave it out or cast it to text");
                        fits = false;
                        continue;
                    }
                    readers.add(reader);
                    columns.add(new Schema.Column(name, type(reader)));
                }
                return fits ? new QuerySource(database, sql, timeout, new Schema(columns), List.copyOf(readers)) : null;
            } finally {
                if (!connection.getAutoCommit()) {
                    connection.rollback();
                }
            }
        } catch (SQLException e) {
            settings.problem("cannot read " + database.describe() + ": " + firstLine(e.getMessage()));
            return null;
        }
    }

    /** The database a node names, or sluice's own; null (noted) when it names none that exists. */
    static WorkflowResources.SqlDatabase database(Settings settings, WorkflowResources resources) {
        String id = settings.text(DATABASE);
        if (id == null || id.isBlank()) {
            var own = resources.sluiceDatabase();
            if (own.isEmpty()) {
                settings.problem("reads the sluice database, which is not open while planning here");
                return null;
            }
            return own.get();
        }
        var registered = resources.database(id);
        if (registered.isEmpty()) {
            settings.problem("names the registered database '" + id + "', which does not exist (no databases row has that id)");
            return null;
        }
        return registered.get();
    }

    /** {@code SELECT * FROM "table"}, ordered by its primary key when it has one, so that a restart reads the same order. */
    private static String tableQuery(Connection connection, SqlVendor vendor, String table) throws SQLException {
        DatabaseMetaData metadata = connection.getMetaData();
        TreeMap<Short, String> keys = new TreeMap<>();
        try (ResultSet rs = metadata.getPrimaryKeys(connection.getCatalog(), connection.getSchema(), table)) {
            while (rs.next()) {
                keys.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        StringBuilder sql = new StringBuilder("SELECT * FROM ").append(vendor.quote(table));
        List<String> order = new ArrayList<>();
        for (String key : keys.values()) {
            if (SqlVendor.problemWith("column", key, Integer.MAX_VALUE) == null) {
                order.add(vendor.quote(key));
            }
        }
        if (!order.isEmpty() && order.size() == keys.size()) {
            sql.append(" ORDER BY ").append(String.join(", ", order));
        }
        return sql.toString();
    }

    private static Reader reader(ResultSetMetaData metadata, int column) throws SQLException {
        return switch (metadata.getColumnType(column)) {
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER, Types.BIGINT -> Reader.LONG;
            case Types.REAL, Types.FLOAT, Types.DOUBLE -> Reader.DOUBLE;
            case Types.BOOLEAN, Types.BIT -> Reader.BOOLEAN;
            case Types.NUMERIC, Types.DECIMAL -> metadata.getScale(column) == 0 && metadata.getPrecision(column) > 0
                    && metadata.getPrecision(column) <= 18 ? Reader.LONG : Reader.EXACT;
            case Types.DATE -> Reader.DATE;
            case Types.TIME, Types.TIME_WITH_TIMEZONE -> Reader.TIME;
            case Types.TIMESTAMP -> Reader.TIMESTAMP;
            case Types.TIMESTAMP_WITH_TIMEZONE -> Reader.TIMESTAMP_WITH_OFFSET;
            case Types.BINARY, Types.VARBINARY, Types.LONGVARBINARY, Types.BLOB, Types.ARRAY, Types.STRUCT, Types.REF, Types.JAVA_OBJECT -> null;
            default -> Reader.TEXT;
        };
    }

    private static ColumnType type(Reader reader) {
        return switch (reader) {
            case LONG -> ColumnType.LONG;
            case DOUBLE -> ColumnType.DOUBLE;
            case BOOLEAN -> ColumnType.BOOLEAN;
            case EXACT -> ColumnType.DECIMAL;
            case DATE -> ColumnType.DATE;
            case TIMESTAMP -> ColumnType.TIMESTAMP;
            default -> ColumnType.STRING;
        };
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "no reason given";
        }
        int end = message.indexOf('\n');
        return end < 0 ? message : message.substring(0, end);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public String where() {
        return "the query on " + database.describe();
    }

    @Override
    public String unit() {
        return "row";
    }

    /** The SQL it runs: the node's query as given, or the {@code SELECT} of its table. */
    String sql() {
        return sql;
    }

    @Override
    public SourceRecords records(RejectFiles.Rejects rejects) throws IOException {
        Connection connection = null;
        try {
            connection = database.openForReading();
            PreparedStatement statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
            statement.setFetchSize(FETCH_SIZE);
            statement.setQueryTimeout(queryTimeout);
            return new Rows(connection, statement, statement.executeQuery());
        } catch (SQLException e) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
            }
            throw new IOException(where() + ": " + firstLine(e.getMessage()));
        }
    }

    /** The result set, row by row; closing it ends the read-only transaction and the connection. */
    private final class Rows implements SourceRecords {

        private final Connection connection;
        private final PreparedStatement statement;
        private final ResultSet rs;
        private long row;

        Rows(Connection connection, PreparedStatement statement, ResultSet rs) {
            this.connection = connection;
            this.statement = statement;
            this.rs = rs;
        }

        @Override
        public boolean skip() throws IOException {
            try {
                if (rs.next()) {
                    row++;
                    return true;
                }
                return false;
            } catch (SQLException e) {
                throw new IOException(firstLine(e.getMessage()));
            }
        }

        @Override
        public Object[] next() throws IOException {
            try {
                if (!rs.next()) {
                    return null;
                }
                row++;
                Object[] values = new Object[readers.size()];
                for (int i = 0; i < values.length; i++) {
                    values[i] = value(rs, i + 1, readers.get(i));
                }
                return values;
            } catch (SQLException e) {
                throw new IOException(firstLine(e.getMessage()));
            }
        }

        @Override
        public long line() {
            return row;
        }

        @Override
        public void close() throws IOException {
            try (connection; statement; rs) {
                if (!connection.getAutoCommit()) {
                    connection.rollback(); // read only: nothing to keep
                }
            } catch (SQLException e) {
                throw new IOException(firstLine(e.getMessage()));
            }
        }
    }

    private static Object value(ResultSet rs, int column, Reader reader) throws SQLException {
        Object value = switch (reader) {
            case LONG -> rs.getLong(column);
            case DOUBLE -> rs.getDouble(column);
            case BOOLEAN -> rs.getBoolean(column);
            case EXACT -> exact(rs, column);
            case DATE -> typed(rs, column, LocalDate.class, ColumnType.DATE);
            case TIME -> temporal(rs, column, LocalTime.class, DateTimeFormatter.ISO_LOCAL_TIME);
            case TIMESTAMP -> typed(rs, column, LocalDateTime.class, ColumnType.TIMESTAMP);
            case TIMESTAMP_WITH_OFFSET -> temporal(rs, column, OffsetDateTime.class, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            case TEXT -> rs.getString(column);
        };
        return rs.wasNull() ? null : value;
    }

    /** A NUMERIC value as the driver's BigDecimal; a driver that keeps it as text or a float (SQLite) as its text's digits. */
    private static BigDecimal exact(ResultSet rs, int column) throws SQLException {
        try {
            return rs.getBigDecimal(column);
        } catch (SQLException | RuntimeException e) {
            String text = rs.getString(column);
            try {
                return text == null ? null : new BigDecimal(text.strip());
            } catch (NumberFormatException notNumber) {
                throw new SQLException("column " + rs.getMetaData().getColumnLabel(column) + ", row " + rs.getRow() + ": '" + text + "' is not a decimal number");
            }
        }
    }

    /** A date or timestamp as {@code type}; a driver that keeps it as text (SQLite) gives its ISO text, parsed. */
    private static <T> Object typed(ResultSet rs, int column, Class<T> type, ColumnType columnType) throws SQLException {
        try {
            return rs.getObject(column, type);
        } catch (SQLException | RuntimeException e) {
            String text = rs.getString(column);
            if (text == null) {
                return null;
            }
            Object value = columnType == ColumnType.DATE ? Values.parseDate(text.strip()) : Values.parseTimestamp(text.strip());
            if (value == null) {
                throw new SQLException("column " + rs.getMetaData().getColumnLabel(column) + ", row " + rs.getRow() + ": '" + text + "' is not an ISO "
                        + columnType.label() + " (2024-01-31" + (columnType == ColumnType.DATE ? "" : " 10:00:00") + ")");
            }
            return value;
        }
    }

    /** A time in ISO form; a driver that keeps it as text (SQLite) gives its text. */
    private static <T extends java.time.temporal.TemporalAccessor> String temporal(ResultSet rs, int column, Class<T> type, DateTimeFormatter format)
            throws SQLException {
        try {
            T value = rs.getObject(column, type);
            return value == null ? null : format.format(value);
        } catch (SQLException | RuntimeException e) {
            return rs.getString(column);
        }
    }
}
