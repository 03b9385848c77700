package io.sluice.workflow;

import io.sluice.persistence.Dialect;
import io.sluice.persistence.RegisteredDatabase;
import io.sluice.persistence.RegisteredDatabases;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The registered datasets and databases of sluice's database ({@code datasets} and {@code databases},
 * as migrated), and sluice's database itself, for the planner.
 *
 * <p>A registered database (PostgreSQL, MySQL or MariaDB, SQLite) is reached through
 * {@link RegisteredDatabases}: pooled read-only connections for query sources, one of its own for a
 * table export; its password is decrypted only as a connection opens, and connecting times out.
 */
@Component
class StoredResources implements WorkflowResources {

    private static final String SELECT_DATASET = """
            SELECT id, name, file_path, source, meta_data FROM datasets WHERE id = :id
            """;

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final SqlVendor sluiceVendor;
    private final RegisteredDatabases registered;
    /** The sluice database's JDBC URL, for lineage. */
    private final String sluiceUrl;

    StoredResources(JdbcClient jdbc, DataSource dataSource, Dialect dialect, RegisteredDatabases registered,
                    io.sluice.persistence.SluiceProperties properties) {
        this.sluiceUrl = properties.databaseSettings().jdbcUrl();
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.sluiceVendor = SqlVendor.valueOf(dialect.vendor().name());
        this.registered = registered;
    }

    @Override
    public Optional<Dataset> dataset(String id) {
        JsonMapper json = JsonMapper.builder().build();
        return jdbc.sql(SELECT_DATASET).param("id", id).query((rs, row) -> {
            Map<String, Object> metadata = new LinkedHashMap<>();
            String text = rs.getString("meta_data");
            if (text != null && json.readValue(text, Object.class) instanceof Map<?, ?> map) {
                map.forEach((key, value) -> metadata.put(String.valueOf(key), value));
            }
            return new Dataset(rs.getString("id"), rs.getString("name"), rs.getString("file_path"), rs.getString("source"), metadata);
        }).optional();
    }

    @Override
    public Optional<SqlDatabase> database(String id) {
        return registered.find(id).map(Registered::new);
    }

    @Override
    public Optional<SqlDatabase> sluiceDatabase() {
        return Optional.of(new SqlDatabase() {
            @Override
            public String describe() {
                return "the sluice database";
            }

            @Override
            public SqlVendor vendor() {
                return sluiceVendor;
            }

            @Override
            public String lineageUrl() {
                return sluiceUrl;
            }

            @Override
            public Connection openForReading() throws SQLException {
                Connection connection = dataSource.getConnection();
                // HSQLDB builds a result whole (spilling to disk above its result_max_memory_rows) and runs no DDL while
                // another session's transaction is open: there a read commits at once, so that a table export can publish
                connection.setAutoCommit(sluiceVendor == SqlVendor.HSQLDB);
                connection.setReadOnly(true); // the pool resets both when the connection goes back
                return connection;
            }

            @Override
            public Connection openForWriting() throws SQLException {
                Connection connection = dataSource.getConnection();
                connection.setAutoCommit(false);
                return connection;
            }
        });
    }


    /** A {@code databases} row, reached through {@link RegisteredDatabases}: its password stays encrypted until a connection opens. */
    private final class Registered implements SqlDatabase {

        private final RegisteredDatabase row;
        private final SqlVendor vendor;

        Registered(RegisteredDatabase row) {
            this.row = row;
            this.vendor = SqlVendor.ofProvider(row.provider());
        }

        @Override
        public String describe() {
            return row.describe();
        }

        @Override
        public SqlVendor vendor() {
            return vendor;
        }

        @Override
        public String lineageUrl() {
            try {
                return row.jdbcUrl();
            } catch (IllegalStateException unknown) {
                return "jdbc:" + row.provider() + ":";
            }
        }

        @Override
        public Connection openForReading() throws SQLException {
            checkSupported();
            return registered.openForReading(row);
        }

        @Override
        public Connection openForWriting() throws SQLException {
            checkSupported();
            return registered.openForWriting(row);
        }

        private void checkSupported() throws SQLException {
            if (vendor != SqlVendor.POSTGRESQL && vendor != SqlVendor.MYSQL && vendor != SqlVendor.SQLITE) {
                throw new SQLException("a workflow reaches PostgreSQL, MySQL/MariaDB and SQLite databases; " + row.provider() + " is not supported yet");
            }
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
