package io.sluice.testing;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A database a test runs sluice against: the embedded HSQLDB file database in a fresh data folder,
 * or a fresh PostgreSQL database on the server named by {@code SLUICE_TEST_POSTGRES_URL}
 * (default {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}). When PostgreSQL does not
 * answer, its tests are skipped locally and fail under {@code CI=true}.
 */
public final class TestDatabase {

    private static final String DEFAULT_POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    /** The PostgreSQL databases this JVM created, dropped when it exits. */
    private static final List<String> CREATED = new java.util.concurrent.CopyOnWriteArrayList<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestDatabase::dropCreated, "drop-test-databases"));
    }

    private final String name;
    private final String url;
    private final Path dataDir;

    private TestDatabase(String name, String url, Path dataDir) {
        this.name = name;
        this.url = url;
        this.dataDir = dataDir;
    }

    /** Both databases, for {@code @MethodSource}: each call makes fresh ones. */
    public static Stream<TestDatabase> both() {
        return Stream.of(hsqldb(), postgres());
    }

    public static TestDatabase hsqldb() {
        Path dataDir = tempDir("sluice-hsqldb-");
        return new TestDatabase("hsqldb", null, dataDir);
    }

    public static TestDatabase postgres() {
        String admin = System.getenv().getOrDefault("SLUICE_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
        String database = "sluice_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
        try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + database);
            CREATED.add(database);
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException("PostgreSQL does not answer at " + admin + " and CI=true: its tests must run", e);
            }
            Assumptions.abort("PostgreSQL does not answer at " + admin + ": " + e.getMessage());
        }
        return new TestDatabase("postgresql", admin.replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1"), tempDir("sluice-pg-"));
    }

    /** The command-line arguments that point sluice at this database and data folder. */
    public List<String> arguments() {
        List<String> arguments = new ArrayList<>();
        arguments.add("--sluice.data-dir=" + dataDir);
        if (url != null) {
            arguments.add("--sluice.database.url=" + url);
        }
        return arguments;
    }

    public Path dataDir() {
        return dataDir;
    }

    public boolean isPostgres() {
        return url != null;
    }

    /** The JDBC URL (PostgreSQL) or the embedded file database's URL (HSQLDB); open only while no sluice runs. */
    public String jdbcUrl() {
        return url != null ? url : "jdbc:hsqldb:file:" + dataDir.resolve("sluice") + ";shutdown=true;ifexists=true";
    }

    public Connection connect() throws SQLException {
        return url != null ? DriverManager.getConnection(url) : DriverManager.getConnection(jdbcUrl(), "SA", "");
    }

    /**
     * The local MariaDB as its root user (over TCP, no password, as the service is set up here and in CI;
     * {@code SLUICE_TEST_MARIADB_URL} names another); the test is skipped when it does not answer, except under
     * {@code CI=true}, where it fails.
     */
    public static Connection mariadbRoot() throws SQLException {
        try {
            return DriverManager.getConnection(System.getenv().getOrDefault("SLUICE_TEST_MARIADB_URL", "jdbc:mariadb://127.0.0.1:3306/?user=root"));
        } catch (SQLException e) {
            if ("true".equals(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("MariaDB does not answer on 127.0.0.1:3306: " + e.getMessage());
            return null;
        }
    }

    /** A TCP port of this machine where nothing listens (it was free a moment ago): a dead database's. */
    public static int deadPort() throws java.io.IOException {
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            return free.getLocalPort();
        }
    }

    /**
     * Waits until a killed sluice process's lock on the embedded database's files has gone stale (HSQLDB
     * keeps a heartbeat in its lock file for some seconds), so that the files can be opened again; at
     * once on PostgreSQL.
     *
     * @throws SQLException when the database cannot be opened for another reason, or is still locked after a minute
     */
    public void awaitReleasedByKilledProcess() throws SQLException, InterruptedException {
        if (url != null) {
            return;
        }
        java.time.Instant deadline = java.time.Instant.now().plus(java.time.Duration.ofMinutes(1));
        while (true) {
            try (Connection connection = connect()) {
                return;
            } catch (SQLException locked) {
                if (!String.valueOf(locked.getMessage()).toLowerCase(Locale.ROOT).contains("lock") || java.time.Instant.now().isAfter(deadline)) {
                    throw locked;
                }
            }
            Thread.sleep(200);
        }
    }

    /**
     * A connection while a sluice process of its own runs on this database: on HSQLDB through that process's
     * loopback server (whose port is in {@code sluice.server}), as the files are that process's.
     */
    public Connection connectWhileSluiceRuns() throws SQLException, java.io.IOException {
        if (url != null) {
            return connect();
        }
        String port = Files.readString(dataDir.resolve("sluice.server")).trim().split("\\s+")[0];
        return DriverManager.getConnection("jdbc:hsqldb:hsql://127.0.0.1:" + port + "/sluice", "SA", "");
    }

    /** A connection to the PostgreSQL server's admin database (the one the test databases are made from), not to this one. */
    public Connection connectAsAdmin() throws SQLException {
        if (url == null) {
            throw new IllegalStateException("the embedded database has no server to administer");
        }
        return DriverManager.getConnection(System.getenv().getOrDefault("SLUICE_TEST_POSTGRES_URL", DEFAULT_POSTGRES));
    }

    /** The database's name on its PostgreSQL server. */
    public String postgresName() {
        return url == null ? null : url.replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
    }

    @Override
    public String toString() {
        return name;
    }

    private static void dropCreated() {
        String admin = System.getenv().getOrDefault("SLUICE_TEST_POSTGRES_URL", DEFAULT_POSTGRES);
        try (Connection connection = DriverManager.getConnection(admin); Statement statement = connection.createStatement()) {
            for (String database : CREATED) {
                statement.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        } catch (SQLException e) {
            System.err.println("could not drop the test databases " + CREATED + ": " + e.getMessage());
        }
    }

    private static Path tempDir(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A real fault for restart tests: from now on the database refuses (raises an error on) the insert
     * of the row of {@code table} whose {@code id} is {@code id}, until {@link #allowInserts}.
     *
     * @param table a table with a text {@code id} column (a trusted name)
     */
    public void refuseInserts(String table, String id) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            if (isPostgres()) {
                statement.execute("""
                        CREATE OR REPLACE FUNCTION refuse_poisoned_row() RETURNS trigger AS $$
                        BEGIN IF NEW.id = '%s' THEN RAISE EXCEPTION 'poisoned row'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql
                        """.formatted(id));
                statement.execute("CREATE TRIGGER poison BEFORE INSERT ON " + table + " FOR EACH ROW EXECUTE FUNCTION refuse_poisoned_row()");
            } else {
                statement.execute("CREATE TRIGGER poison BEFORE INSERT ON " + table + " REFERENCING NEW ROW AS n FOR EACH ROW "
                        + "WHEN (n.id = '" + id + "') SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned row'");
            }
        }
    }

    /**
     * A real outage for outage tests, on PostgreSQL: kills every connection to this database (sluice's,
     * and any the test holds), as {@code pg_terminate_backend} does, from a connection to the admin database.
     *
     * @return how many connections were killed
     */
    public int terminateConnections() throws SQLException {
        try (Connection connection = connectAsAdmin(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("""
                     SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS killed FROM pg_stat_activity
                     WHERE datname = '%s' AND pid <> pg_backend_pid()""".formatted(postgresName()))) {
            rs.next();
            return rs.getInt("killed");
        }
    }

    /** Undoes {@link #refuseInserts} on {@code table}. */
    public void allowInserts(String table) throws SQLException {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(isPostgres() ? "DROP TRIGGER poison ON " + table : "DROP TRIGGER poison");
        }
    }

}
