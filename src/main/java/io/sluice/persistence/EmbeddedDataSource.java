package io.sluice.persistence;

import org.springframework.jdbc.datasource.AbstractDataSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The embedded database as the pool's source of connections. Each new connection goes through the
 * loopback server of the process that holds the database files, while one answers, or else to the
 * files, which this process then holds and serves in its turn. So a process that ran through another
 * one's server takes the files over when that process exits (after waiting out the lock of one that
 * was killed), and its later connections work; a statement that was running on the lost server
 * fails as any lost connection does.
 */
final class EmbeddedDataSource extends AbstractDataSource implements AutoCloseable {

    private final DatabaseSettings settings;
    /** True once this process holds the files: its connections then open them in-process. */
    private boolean filesHere;
    private EmbeddedDatabaseServer server;
    private boolean closed;

    /** @param settings the embedded database's settings ({@link DatabaseSettings#isEmbedded()}) */
    EmbeddedDataSource(DatabaseSettings settings) {
        this.settings = settings;
    }

    @Override
    public synchronized Connection getConnection() throws SQLException {
        if (filesHere) {
            return DriverManager.getConnection(settings.jdbcUrl(), settings.username(), settings.password());
        }
        if (closed) {
            throw new SQLException("the embedded database is closing");
        }
        EmbeddedDatabaseServer.Route route = EmbeddedDatabaseServer.connect(settings, settings.jdbcUrl(), System.err::println);
        if (route.filesOpenedHere()) {
            filesHere = true;
            server = EmbeddedDatabaseServer.serve(settings);
        }
        return route.connection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return getConnection();
    }

    /** Stops serving the files (other processes' sessions end); the files close with the pool's last connection. */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
        }
    }
}
