package io.sluice.persistence;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.InvalidInputException;
import io.sluice.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import org.sqlite.SQLiteConfig;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The external databases registered in sluice's {@code databases} table (Hamilton's, as migrated):
 * registering, listing and removing them, and connecting to them.
 *
 * <p>Connections for reading come from a small pool per database (at most {@link #POOL_SIZE},
 * none kept idle past a minute), are read-only (on the server where the vendor has it: PostgreSQL's
 * {@code readOnly}, MariaDB's {@code assureReadOnly}, SQLite's read-only open mode) and time out:
 * {@value #CONNECT_TIMEOUT_SECONDS} s to connect, and {@code sluice.database.socket-timeout} (default
 * two minutes) for a database gone silent (PostgreSQL, MySQL/MariaDB, SQL Server; HSQLDB's and Oracle's
 * drivers get the login timeout only). Connections for writing (a workflow's table export) are
 * opened one at a time.
 *
 * <p>Rows are written as Hamilton's code reads them: statuses {@code PENDING}, {@code CONNECTED}, {@code FAILED};
 * providers by Hamilton's names ({@code mariadb} is stored {@code MYSQL}, both reached through MariaDB's driver;
 * {@code HSQLDB} has no Hamilton name and is stored as it is).
 *
 * <p>A password is encrypted with the {@link SecretCipher} before it is stored and decrypted only
 * when a connection is opened, to be handed to the driver: it is in no message (a driver's message
 * that repeats it has it masked), log, listing or job parameter.
 */
@Component
public class RegisteredDatabases implements AutoCloseable {

    /** How long connecting to a registered database may take, in seconds, before it counts as failed. */
    public static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** The most connections for reading a pool holds for one database: one a core and one more, at least 4. */
    static final int POOL_SIZE = Math.max(4, Runtime.getRuntime().availableProcessors() + 1);

    private static final String SELECT = """
            SELECT id, name, provider, host, port, database_name, username, password_encrypted, connection_string, status,
                   table_count, last_connected_at
            FROM databases
            """;
    private static final String SELECT_ONE = SELECT + " WHERE id = :id";
    private static final String SELECT_ALL = SELECT + " ORDER BY created_at, id";
    private static final String INSERT = """
            INSERT INTO databases (id, name, provider, host, port, database_name, username, password_encrypted, connection_string,
                                   status, table_count, sql_content, description, created_at, updated_at)
            VALUES (:id, :name, :provider, :host, :port, :databaseName, :username, :passwordEncrypted, :connectionString,
                    'PENDING', 0, :sqlContent, :description, :now, :now)
            """;
    private static final String DELETE = "DELETE FROM databases WHERE id = :id";
    private static final String UPDATE_CONNECTED = """
            UPDATE databases SET status = 'CONNECTED', last_connected_at = :now, updated_at = :now WHERE id = :id
            """;
    private static final String UPDATE_FAILED = "UPDATE databases SET status = 'FAILED', updated_at = :now WHERE id = :id";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    /** Status notes commit on their own: a failed step's rollback must not take back that its database failed. */
    private final TransactionTemplate ownTransaction;
    private final SluiceProperties properties;
    private final Map<String, HikariDataSource> pools = new ConcurrentHashMap<>();
    private volatile SecretCipher cipher;

    RegisteredDatabases(JdbcClient jdbc, PlatformTransactionManager transactionManager, SluiceProperties properties) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactionManager);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.properties = properties;
    }

    /**
     * What {@code db add} registers.
     *
     * @param url      a JDBC URL instead of host, port and database (a {@code password=} parameter in it is
     *                 taken out and kept as the password)
     * @param password the password, or null; never stored as given
     */
    public record Registration(String name, RegisteredDatabase.Provider provider, String host, Integer port, String database,
                               String user, String password, String url, String sqlContent, String description) {
    }

    /** The outcome of {@link #test}: connected or not, the server's product and version, or why not. */
    public record ConnectionTest(boolean connected, String product, Duration took, String failure) {
    }

    /** Every registered database, oldest first. */
    public List<RegisteredDatabase> list() {
        return jdbc.sql(SELECT_ALL).query(RegisteredDatabases::row).list();
    }

    /** The registered database {@code id}, if there is one. */
    public Optional<RegisteredDatabase> find(String id) {
        return jdbc.sql(SELECT_ONE).param("id", id).query(RegisteredDatabases::row).optional();
    }

    /**
     * The registered database {@code id}.
     *
     * @throws NotFoundException when none has that id
     */
    public RegisteredDatabase get(String id) {
        return find(id).orElseThrow(() -> new NotFoundException("no registered database " + id + " (sluice db list shows them)"));
    }

    /**
     * Registers a database, status {@code pending}, with a new id.
     *
     * @return the stored row
     * @throws InvalidInputException naming what is missing or does not fit (no host nor URL, a password in
     *                               the URL and given apart, a URL of another vendor)
     */
    public RegisteredDatabase add(Registration registration) {
        String url = registration.url();
        String password = registration.password();
        if (url != null && !url.isBlank()) {
            if (!url.startsWith("jdbc:")) {
                throw new InvalidInputException("--url takes a JDBC URL (jdbc:postgresql://host:5432/db ...), not '"
                        + RegisteredDatabase.maskedUrl(url) + "'");
            }
            if (!registration.provider().accepts(url)) {
                throw new InvalidInputException("--url " + RegisteredDatabase.maskedUrl(url) + " is not a " + registration.provider().name().toLowerCase(java.util.Locale.ROOT)
                        + " URL (it starts " + registration.provider().urlPrefixes().get(0) + ")");
            }
            java.util.regex.Matcher inUrl = java.util.regex.Pattern.compile("(?i)([?&;])password=([^&;]*)").matcher(url);
            if (inUrl.find()) {
                if (password != null) {
                    throw new InvalidInputException("the URL holds a password and --password-stdin gave one too: give it once");
                }
                // PostgreSQL's driver reads its parameters URL-encoded (a + is a plus there); the others take them as they are
                password = registration.provider() == RegisteredDatabase.Provider.POSTGRESQL
                        ? java.net.URLDecoder.decode(inUrl.group(2).replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8) : inUrl.group(2);
                url = (url.substring(0, inUrl.start()) + (inUrl.group(1).equals("?") ? "?" : "") + url.substring(inUrl.end()))
                        .replaceFirst("\\?&", "?").replaceFirst("[?&;]$", "");
            }
        } else if (registration.provider() == RegisteredDatabase.Provider.SQLITE) {
            if (registration.database() == null || registration.database().isBlank()) {
                throw new InvalidInputException("a SQLite database needs --database FILE (or --url jdbc:sqlite:FILE)");
            }
            if (registration.host() != null || registration.user() != null || password != null) {
                throw new InvalidInputException("a SQLite database is a file: it takes no --host, --user or password");
            }
        } else if (registration.host() == null || registration.host().isBlank()) {
            throw new InvalidInputException("give --host (and --port, --database, --user) or --url JDBC_URL");
        } else if (!RegisteredDatabase.isHostName(registration.host())) {
            throw new InvalidInputException("--host '" + registration.host() + "' is not a host name or address");
        }
        if (registration.port() != null && (registration.port() < 1 || registration.port() > 65535)) {
            throw new InvalidInputException("--port " + registration.port() + " is not a port (1 to 65535)");
        }
        String id = "db_" + HexFormat.of().formatHex(randomBytes(5));
        Instant now = Instant.now();
        String sqlite = registration.provider() == RegisteredDatabase.Provider.SQLITE && registration.database() != null
                ? java.nio.file.Path.of(registration.database()).toAbsolutePath().normalize().toString() : registration.database();
        Integer port = registration.port() == null && registration.host() != null && registration.provider().defaultPort() > 0
                ? Integer.valueOf(registration.provider().defaultPort()) : registration.port();
        jdbc.sql(INSERT)
                .param("id", id)
                .param("name", registration.name())
                .param("provider", registration.provider().storedName())
                .param("host", registration.host())
                .param("port", port)
                .param("databaseName", sqlite)
                .param("username", registration.user())
                .param("passwordEncrypted", password == null || password.isEmpty() ? null : cipher().encrypt(password))
                .param("connectionString", url == null || url.isBlank() ? null : url)
                .param("sqlContent", registration.sqlContent())
                .param("description", registration.description())
                .param("now", Timestamp.from(now))
                .update();
        return get(id);
    }

    /**
     * Removes a registered database with its clustering results, concepts, attributes and relationships.
     *
     * @throws NotFoundException when none has that id
     */
    public void remove(String id) {
        get(id);
        closePool(id);
        jdbc.sql(DELETE).param("id", id).update();
    }

    /**
     * Connects to the database, asks its product and version, and records the outcome in its row
     * ({@code connected} with {@code last_connected_at}, or {@code failed}).
     *
     * @throws NotFoundException when none has that id
     */
    public ConnectionTest test(String id) {
        RegisteredDatabase database = get(id);
        long start = System.nanoTime();
        try (Connection connection = openDirect(database, true)) {
            DatabaseMetaData metadata = connection.getMetaData();
            String product = metadata.getDatabaseProductName() + " " + metadata.getDatabaseProductVersion();
            recordConnected(id);
            return new ConnectionTest(true, product, Duration.ofNanos(System.nanoTime() - start), null);
        } catch (SQLException | RuntimeException e) {
            recordFailed(id);
            return new ConnectionTest(false, null, Duration.ofNanos(System.nanoTime() - start), message(e));
        }
    }

    /** Notes in the database's row that a connection succeeded now, in a transaction of its own. */
    public void recordConnected(String id) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql(UPDATE_CONNECTED).param("id", id).param("now", Timestamp.from(Instant.now())).update());
    }

    /** Notes in the database's row that it could not be reached, in a transaction of its own. */
    public void recordFailed(String id) {
        ownTransaction.executeWithoutResult(status -> jdbc.sql(UPDATE_FAILED).param("id", id).param("now", Timestamp.from(Instant.now())).update());
    }

    /**
     * A read-only connection from the database's pool, not auto-committing (so that PostgreSQL streams by
     * the fetch size). The caller closes it, which hands it back.
     *
     * @throws SQLException with the driver's message (the password masked) when the database cannot be reached
     *                      within the connect timeout, or the row does not say where it is
     */
    public Connection openForReading(RegisteredDatabase database) throws SQLException {
        try {
            HikariDataSource pool = pools.get(database.id());
            if (pool == null) {
                // one connection of its own first: a refused one fails at once, where the pool would retry until its timeout
                openDirect(database, true).close();
                pool = pools.computeIfAbsent(database.id(), id -> newPool(database));
            }
            return pool.getConnection();
        } catch (IllegalStateException e) {
            throw new SQLException(e.getMessage());
        } catch (SQLException e) {
            throw new SQLException(mask(String.valueOf(e.getMessage()), database), e.getSQLState());
        }
    }

    /** Work on a connection to a registered database. */
    @FunctionalInterface
    public interface Reading<T> {
        T read(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code reading} on a pooled read-only connection, rolls its transaction back (it only read) and
     * hands the connection back; notes in the database's row that it answered, or, when it did not, that
     * it failed.
     *
     * @throws RegisteredDatabaseException in one line naming the database and the driver's reason, when it cannot
     *                                     be reached or refuses the reading
     */
    public <T> T read(RegisteredDatabase database, Reading<T> reading) {
        T result;
        try (Connection connection = openForReading(database)) {
            try {
                result = reading.read(connection);
            } finally {
                connection.rollback();
            }
        } catch (SQLException e) {
            throw unreachable(database, e);
        }
        recordConnected(database.id());
        return result;
    }

    /**
     * Notes in the database's row that it failed, and gives the one line that says so: its description and the
     * driver's first line, the password masked.
     */
    public RegisteredDatabaseException unreachable(RegisteredDatabase database, SQLException e) {
        recordFailed(database.id());
        String reason = firstLine(mask(reason(e), database));
        return new RegisteredDatabaseException("cannot reach " + database.describe() + ": " + reason, reason);
    }

    /** A driver's reason: its message, and the cause's when a pool's timeout message wraps it. */
    private static String reason(SQLException e) {
        String message = String.valueOf(e.getMessage());
        Throwable cause = e.getCause();
        return cause != null && cause.getMessage() != null && !message.contains(cause.getMessage()) ? message + " (" + cause.getMessage() + ")" : message;
    }

    /** The first line of a message. */
    public static String firstLine(String message) {
        return message == null ? "" : message.lines().findFirst().orElse("");
    }

    /**
     * A connection of its own for writing, not auto-committing. The caller closes it.
     *
     * @throws SQLException as {@link #openForReading}
     */
    public Connection openForWriting(RegisteredDatabase database) throws SQLException {
        Connection connection = openDirect(database, false);
        connection.setAutoCommit(false);
        return connection;
    }

    /** Closes every pool. */
    @Override
    public void close() {
        pools.keySet().forEach(this::closePool);
    }

    private void closePool(String id) {
        HikariDataSource pool = pools.remove(id);
        if (pool != null) {
            pool.close();
        }
    }

    private HikariDataSource newPool(RegisteredDatabase database) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("registered-" + database.id());
        config.setJdbcUrl(url(database));
        config.setDataSourceProperties(driverProperties(database, true));
        config.setMaximumPoolSize(POOL_SIZE);
        config.setMinimumIdle(0);
        config.setIdleTimeout(Duration.ofMinutes(1).toMillis());
        config.setConnectionTimeout(Duration.ofSeconds(CONNECT_TIMEOUT_SECONDS).toMillis());
        config.setInitializationFailTimeout(-1); // the pool opens at once; the first getConnection tells whether the database answers
        config.setReadOnly(true);
        config.setAutoCommit(false);
        return new HikariDataSource(config);
    }

    private Connection openDirect(RegisteredDatabase database, boolean readOnly) throws SQLException {
        try {
            String url = url(database);
            Properties driver = driverProperties(database, readOnly);
            java.sql.DriverManager.setLoginTimeout(CONNECT_TIMEOUT_SECONDS);
            Connection connection = java.sql.DriverManager.getConnection(url, driver);
            if (readOnly) {
                connection.setReadOnly(true);
            }
            return connection;
        } catch (IllegalStateException e) {
            throw new SQLException(e.getMessage());
        } catch (SQLException e) {
            throw new SQLException(mask(String.valueOf(e.getMessage()), database), e.getSQLState());
        }
    }

    private static String url(RegisteredDatabase database) throws IllegalStateException {
        String url = database.jdbcUrl();
        if (url.startsWith("jdbc:oracle:")) {
            throw new IllegalStateException("sluice bundles no Oracle driver (its licence is not an open-source one); "
                    + database.describe() + " cannot be reached");
        }
        return url;
    }

    /** What the driver is told besides the URL: user, password (decrypted here), timeouts and read-only mode. */
    private Properties driverProperties(RegisteredDatabase database, boolean readOnly) {
        Properties driver = new Properties();
        RegisteredDatabase.Provider provider = database.knownProvider().orElse(RegisteredDatabase.Provider.POSTGRESQL);
        if (provider == RegisteredDatabase.Provider.SQLITE) {
            SQLiteConfig config = new SQLiteConfig();
            config.setReadOnly(readOnly);
            config.setBusyTimeout(CONNECT_TIMEOUT_SECONDS * 1000);
            return config.toProperties();
        }
        String user = database.user();
        if (user != null) {
            driver.setProperty("user", user);
        }
        String password = password(database);
        if (password != null) {
            driver.setProperty("password", password);
        }
        Duration socketTimeout = properties.database().socketTimeout();
        switch (provider) {
            case MYSQL, MARIADB -> {
                // MariaDB Connector/J (also for MySQL servers) counts its timeouts in milliseconds
                driver.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS * 1000));
                driver.setProperty("socketTimeout", Long.toString(Math.max(1000, socketTimeout.toMillis())));
                if (readOnly) {
                    driver.setProperty("assureReadOnly", "true"); // a read-only connection is one on the server too
                }
            }
            case SQLSERVER -> {
                driver.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
                driver.setProperty("socketTimeout", Long.toString(Math.max(1000, socketTimeout.toMillis())));
                driver.setProperty("encrypt", "false");
                if (readOnly) {
                    driver.setProperty("applicationIntent", "ReadOnly");
                }
            }
            case POSTGRESQL -> {
                driver.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
                driver.setProperty("loginTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
                driver.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
                driver.setProperty("readOnly", Boolean.toString(readOnly));
                driver.setProperty("ApplicationName", "sluice");
            }
            default -> {
                // HSQLDB, Oracle: the URL and the login timeout
            }
        }
        return driver;
    }

    private String password(RegisteredDatabase database) {
        return database.passwordEncrypted() == null ? null : cipher().decrypt(database.passwordEncrypted());
    }

    /** A driver's message without the database's password, should the driver have repeated it. */
    private String mask(String message, RegisteredDatabase database) {
        String password = password(database);
        return password == null || password.isEmpty() ? message : message.replace(password, "****");
    }

    private String message(Exception e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : firstLine(e.getMessage());
    }

    private SecretCipher cipher() {
        if (cipher == null) {
            cipher = SecretCipher.configured(properties.secretKey(), properties.dataDir(), notice -> System.err.println("sluice: " + notice));
        }
        return cipher;
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static RegisteredDatabase row(ResultSet rs, int rowNumber) throws SQLException {
        Object port = rs.getObject("port");
        Timestamp lastConnected = rs.getTimestamp("last_connected_at");
        return new RegisteredDatabase(rs.getString("id"), rs.getString("name"), rs.getString("provider"), rs.getString("host"),
                port == null ? null : ((Number) port).intValue(), rs.getString("database_name"), rs.getString("username"),
                rs.getString("password_encrypted"), rs.getString("connection_string"), rs.getString("status"),
                rs.getInt("table_count"), lastConnected == null ? null : lastConnected.toInstant());
    }
}
