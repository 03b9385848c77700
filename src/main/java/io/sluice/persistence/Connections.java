package io.sluice.persistence;

import io.sluice.OperationFailedException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC connections for the commands that answer without starting Spring ({@code status},
 * {@code show}, {@code purge}): they read {@code DATABASE_URL} and {@code SLUICE_DATA_DIR} from the
 * environment, as the Spring side does, and reach the embedded database through its loopback server
 * when a job holds it.
 */
public final class Connections {

    private Connections() {
    }

    /**
     * The settings from {@code DATABASE_URL} and {@code SLUICE_DATA_DIR}, unless the command line
     * overrides them with {@code --sluice.database.url=} or {@code --sluice.data-dir=}.
     */
    public static DatabaseSettings settingsFromEnvironment(List<String> overrides) {
        String url = System.getenv("DATABASE_URL");
        String dataDir = System.getenv().getOrDefault("SLUICE_DATA_DIR", "data");
        for (String override : overrides) {
            if (override.startsWith("--sluice.database.url=")) {
                url = override.substring("--sluice.database.url=".length());
            } else if (override.startsWith("--sluice.data-dir=")) {
                dataDir = override.substring("--sluice.data-dir=".length());
            }
        }
        return DatabaseSettings.from(url, Path.of(dataDir));
    }

    /**
     * A connection for reading only, or empty when the embedded database has not been created yet.
     * Close it with {@link #closeReader}: an embedded database opened read-only in this JVM must be
     * shut down, or the next user in the same JVM would find it read-only.
     */
    public static Optional<Connection> openForReading(DatabaseSettings configured) {
        return open(configured, true);
    }

    public static void closeReader(Connection connection) throws SQLException {
        try (connection) {
            if (connection.getMetaData().getURL().startsWith("jdbc:hsqldb:file:")) {
                try (var statement = connection.createStatement()) {
                    statement.execute("SHUTDOWN");
                }
            }
        }
    }

    /** A connection, or empty when the embedded database has not been created yet. */
    public static Optional<Connection> open(DatabaseSettings configured) {
        return open(configured, false);
    }

    /**
     * On the embedded database, a reader opens the files read-only and without the shutdown
     * checkpoint, which halves the time {@code status} takes there; a writer waits out the lock of a
     * process that was killed (see {@link EmbeddedDatabaseServer#connect}).
     */
    private static Optional<Connection> open(DatabaseSettings settings, boolean readOnly) {
        try {
            if (!settings.isEmbedded()) {
                return Optional.of(DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password()));
            }
            if (!Files.exists(settings.dataDir().resolve(DatabaseSettings.EMBEDDED_NAME + ".properties"))) {
                return Optional.empty();
            }
            String url = readOnly ? settings.jdbcUrl().replace(";shutdown=true", "") + ";ifexists=true;readonly=true"
                    : settings.jdbcUrl() + ";ifexists=true";
            return Optional.of(EmbeddedDatabaseServer.connect(settings, url, System.err::println).connection());
        } catch (SQLException e) {
            throw new OperationFailedException("cannot connect to " + settings.displayUrl() + ": " + e.getMessage(), e);
        }
    }
}
