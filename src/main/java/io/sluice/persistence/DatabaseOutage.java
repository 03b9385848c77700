package io.sluice.persistence;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

import java.io.EOFException;
import java.net.SocketException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * What sluice does when it loses its database for a while (a server restart, a connection killed
 * with {@code pg_terminate_backend}, a network drop): tells such a failure from any other, and
 * waits, with backoff, for the database to answer again, for at most {@code sluice.database.outage-timeout}.
 * Once it answers, the pool's idle connections are evicted so that the work goes on with fresh ones.
 */
public final class DatabaseOutage {

    private static final Logger log = LoggerFactory.getLogger(DatabaseOutage.class);

    private static final Duration FIRST_PAUSE = Duration.ofMillis(200);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(5);
    private static final int LONGEST_LOGIN_SECONDS = 10;

    private final HikariDataSource dataSource;
    private final Duration timeout;

    public DatabaseOutage(HikariDataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    /** How long a job waits for a lost database before giving up ({@code sluice.database.outage-timeout}). */
    public Duration timeout() {
        return timeout;
    }

    /**
     * True when {@code failure}, or anything that caused it (its causes, and the exceptions suppressed
     * along them: Spring's retry keeps the failures of its attempts so), says the connection to the
     * database was lost or could not be made (SQL states of class 08, a server shutting down or starting,
     * a pool that could hand out no connection, HikariCP's "Connection is closed" for a connection it
     * evicted as broken), as opposed to a statement the database refused.
     */
    public static boolean isConnectionLoss(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        if (failure != null) {
            pending.add(failure);
        }
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            pending.addAll(List.of(t.getSuppressed()));
            // a rollback that failed on the lost connection hides the failure that lost it
            if (t instanceof TransactionSystemException rollback && rollback.getApplicationException() != null
                    && isConnectionLoss(rollback.getApplicationException())) {
                return true;
            }
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException || t instanceof SocketException || t instanceof EOFException
                    || t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
                    || t instanceof DataAccessResourceFailureException) {
                return true;
            }
            if (t instanceof SQLException sql && (isLostConnectionState(sql.getSQLState())
                    || sql.getSQLState() == null && "Connection is closed".equals(sql.getMessage()))) {
                return true;
            }
        }
        return false;
    }

    /**
     * 08xxx: connection exceptions; 57P01 admin shutdown (also {@code pg_terminate_backend}),
     * 57P02 crash shutdown, 57P03 cannot connect now (starting up or shutting down).
     */
    private static boolean isLostConnectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03"));
    }

    /**
     * Waits until the database accepts a new connection again, or {@code deadline} passes; pauses
     * between tries grow from 0.2 s to 5 s. Each try is a connection of its own (not one of the pool,
     * which would wait its whole pool timeout), except on the embedded database, where a pooled one
     * takes over the files of a process whose server went away.
     *
     * @return true when the database answers (the pool's idle connections to a server are then evicted), false
     *         when the deadline passed first or the thread was interrupted
     */
    public boolean awaitDatabase(Instant deadline) {
        Duration pause = FIRST_PAUSE;
        while (true) {
            Duration left = Duration.between(Instant.now(), deadline);
            if (answers(left)) {
                HikariPoolMXBean pool = dataSource.getHikariPoolMXBean();
                // (not on the embedded database: closing its last in-process connection would shut its files down)
                if (pool != null && !(dataSource.getDataSource() instanceof EmbeddedDataSource)) {
                    pool.softEvictConnections();
                }
                return true;
            }
            left = Duration.between(Instant.now(), deadline);
            if (left.isNegative() || left.isZero()) {
                return false;
            }
            try {
                Thread.sleep(Math.min(pause.toMillis(), left.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause.multipliedBy(2);
        }
    }

    private boolean answers(Duration left) {
        if (dataSource.getDataSource() instanceof EmbeddedDataSource) {
            // the server of the process that held the files is gone: a pooled connection takes them over
            // (a connection of its own would shut the files down again when it closes)
            try (Connection connection = dataSource.getConnection()) {
                return connection.isValid(LONGEST_LOGIN_SECONDS);
            } catch (SQLException e) {
                log.debug("the embedded database does not answer yet: {}", e.getMessage());
                return false;
            }
        }
        Properties properties = new Properties();
        properties.putAll(dataSource.getDataSourceProperties());
        if (dataSource.getUsername() != null) {
            properties.setProperty("user", dataSource.getUsername());
        }
        if (dataSource.getPassword() != null) {
            properties.setProperty("password", dataSource.getPassword());
        }
        String loginSeconds = Long.toString(Math.max(1, Math.min(LONGEST_LOGIN_SECONDS, left.toSeconds())));
        properties.setProperty("loginTimeout", loginSeconds);
        properties.setProperty("connectTimeout", loginSeconds);
        try (Connection connection = DriverManager.getConnection(dataSource.getJdbcUrl(), properties)) {
            return connection.isValid(LONGEST_LOGIN_SECONDS);
        } catch (SQLException e) {
            log.debug("the database does not answer yet: {}", e.getMessage());
            return false;
        }
    }
}
