package io.sluice.workflow;

import io.sluice.persistence.Dialect;
import io.sluice.persistence.SecretCipher;
import io.sluice.persistence.SluiceProperties;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.sqlite.SQLiteConfig;
import tools.jackson.databind.json.JsonMapper;

import javax.sql.DataSource;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The registered datasets and databases of sluice's database ({@code datasets} and {@code databases},
 * as migrated), and sluice's database itself, for the planner.
 *
 * <p>A registered database is reached from its row: {@code provider} (POSTGRESQL, SQLITE; MYSQL is
 * refused until a driver is bundled), {@code host}, {@code port}, {@code database_name},
 * {@code username}, else, when {@code host} is empty, its {@code connection_string}
 * ({@code postgresql://user@host:port/db}, {@code sqlite:///relative/path} or {@code sqlite:////absolute/path}, as SQLAlchemy reads them; the migration took the password
 * out of it). Its {@code password_encrypted} is decrypted with the {@link SecretCipher} when a
 * connection is opened and handed to the driver only: it is in no message, log or job parameter.
 * Connections time out: {@value #CONNECT_TIMEOUT_SECONDS} s to connect, and PostgreSQL's socket
 * timeout ({@code sluice.database.socket-timeout}, default two minutes) for a database gone silent.
 */
@Component
class StoredResources implements WorkflowResources {

    /** How long connecting to a registered database may take before the node fails. */
    static final int CONNECT_TIMEOUT_SECONDS = 10;

    private static final String SELECT_DATASET = """
            SELECT id, name, file_path, source, meta_data FROM datasets WHERE id = :id
            """;
    private static final String SELECT_DATABASE = """
            SELECT id, provider, host, port, database_name, username, password_encrypted, connection_string
            FROM databases WHERE id = :id
            """;
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._\\-\\[\\]:]+");

    private final JdbcClient jdbc;
    private final DataSource dataSource;
    private final SqlVendor sluiceVendor;
    private final SluiceProperties properties;
    private volatile SecretCipher cipher;

    StoredResources(JdbcClient jdbc, DataSource dataSource, Dialect dialect, SluiceProperties properties) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.sluiceVendor = SqlVendor.valueOf(dialect.vendor().name());
        this.properties = properties;
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
        return jdbc.sql(SELECT_DATABASE).param("id", id).query((rs, row) -> {
            Object port = rs.getObject("port");
            return (SqlDatabase) new Registered(rs.getString("id"), rs.getString("provider"), rs.getString("host"),
                    port == null ? null : ((Number) port).intValue(), rs.getString("database_name"), rs.getString("username"),
                    rs.getString("password_encrypted"), rs.getString("connection_string"));
        }).optional();
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

    private SecretCipher cipher() {
        if (cipher == null) {
            cipher = SecretCipher.configured(properties.secretKey(), properties.dataDir(), notice -> System.err.println("sluice: " + notice));
        }
        return cipher;
    }

    /** A {@code databases} row: its encrypted password stays encrypted until {@link #open}. */
    private final class Registered implements SqlDatabase {

        private final String id;
        private final String provider;
        private final SqlVendor vendor;
        private final String host;
        private final Integer port;
        private final String databaseName;
        private final String username;
        private final String passwordEncrypted;

        Registered(String id, String provider, String host, Integer port, String databaseName, String username,
                   String passwordEncrypted, String connectionString) {
            this.id = id;
            this.provider = provider == null ? "" : provider.toUpperCase(Locale.ROOT);
            this.vendor = SqlVendor.ofProvider(provider);
            this.passwordEncrypted = passwordEncrypted;
            if ((host == null || host.isBlank()) && connectionString != null && !connectionString.isBlank() && vendor != SqlVendor.SQLITE) {
                URI uri = URI.create(connectionString.replaceFirst("^([a-z]+)\\+[a-z0-9_]+://", "$1://"));
                this.host = uri.getHost();
                this.port = uri.getPort() < 0 ? port : Integer.valueOf(uri.getPort());
                this.databaseName = uri.getPath() == null || uri.getPath().length() <= 1 ? databaseName : uri.getPath().substring(1);
                this.username = uri.getUserInfo() == null ? username : uri.getUserInfo().replaceFirst(":.*$", "");
            } else {
                this.host = host;
                this.port = port;
                this.databaseName = vendor == SqlVendor.SQLITE && (databaseName == null || databaseName.isBlank()) && connectionString != null
                        ? connectionString.replaceFirst("^sqlite:///", "") : databaseName;
                this.username = username;
            }
        }

        @Override
        public String describe() {
            String where = vendor == SqlVendor.SQLITE ? databaseName : host + (port == null ? "" : ":" + port) + "/" + databaseName;
            return "registered database " + id + " (" + provider + " " + where + ")";
        }

        @Override
        public SqlVendor vendor() {
            return vendor;
        }

        @Override
        public Connection openForReading() throws SQLException {
            Connection connection = open(true);
            connection.setAutoCommit(false);
            connection.setReadOnly(true);
            return connection;
        }

        @Override
        public Connection openForWriting() throws SQLException {
            Connection connection = open(false);
            connection.setAutoCommit(false);
            return connection;
        }

        private Connection open(boolean readOnly) throws SQLException {
            if (vendor == SqlVendor.SQLITE) {
                SQLiteConfig config = new SQLiteConfig();
                config.setReadOnly(readOnly);
                config.setBusyTimeout(CONNECT_TIMEOUT_SECONDS * 1000);
                return config.createConnection("jdbc:sqlite:" + databaseName);
            }
            if (vendor != SqlVendor.POSTGRESQL) {
                throw new SQLException("sluice reaches PostgreSQL and SQLite databases; " + provider + " is not supported yet");
            }
            if (host == null || !HOST.matcher(host).matches()) {
                throw new SQLException("its host '" + host + "' is not a host name");
            }
            String url = "jdbc:postgresql://" + host + (port == null ? "" : ":" + port) + "/"
                    + URLEncoder.encode(databaseName == null ? "" : databaseName, StandardCharsets.UTF_8);
            Properties connection = new Properties();
            if (username != null) {
                connection.setProperty("user", username);
            }
            String password = passwordEncrypted == null ? null : cipher().decrypt(passwordEncrypted);
            if (password != null) {
                connection.setProperty("password", password);
            }
            Duration socketTimeout = properties.database().socketTimeout();
            connection.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
            connection.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
            connection.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
            connection.setProperty("readOnly", Boolean.toString(readOnly));
            connection.setProperty("ApplicationName", "sluice workflow");
            try {
                return DriverManager.getConnection(url, connection);
            } catch (SQLException e) {
                // the driver's words, without its cause chain, and never the password
                String message = String.valueOf(e.getMessage());
                throw new SQLException(password == null || password.isEmpty() ? message : message.replace(password, "****"), e.getSQLState());
            }
        }

        @Override
        public String toString() {
            return describe();
        }
    }
}
