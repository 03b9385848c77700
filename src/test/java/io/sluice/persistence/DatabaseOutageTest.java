package io.sluice.persistence;

import org.junit.jupiter.api.Test;
import org.springframework.transaction.TransactionSystemException;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/** Which failures are a lost connection (ridden out) and which a statement the database refused (not). */
class DatabaseOutageTest {

    @Test
    void a_connection_loss_is_found_among_suppressed_failures_and_behind_a_failed_savepoint_release() {
        // as Spring's retry reports an exhausted write: the attempts' failures suppressed, the last clean-up as the cause
        RuntimeException exhausted = new RuntimeException("Retry policy for operation 'Retryable write operation' exhausted",
                new TransactionSystemException("Could not explicitly release JDBC savepoint", new SQLException("Connection is closed")));
        assertThat(DatabaseOutage.isConnectionLoss(exhausted)).as("HikariCP's closed connection").isTrue();

        RuntimeException suppressing = new RuntimeException("exhausted", new IllegalStateException("clean-up"));
        suppressing.addSuppressed(new SQLTransientConnectionException("connection exception: connection failure", "08006"));
        assertThat(DatabaseOutage.isConnectionLoss(suppressing)).isTrue();
    }

    @Test
    void a_refused_statement_is_no_connection_loss() {
        assertThat(DatabaseOutage.isConnectionLoss(new RuntimeException(new SQLException("syntax error at or near \"SELEC\"", "42601")))).isFalse();
        assertThat(DatabaseOutage.isConnectionLoss(new SQLException("Connection is closed", "42000"))).isFalse();
        assertThat(DatabaseOutage.isConnectionLoss(null)).isFalse();
    }
}
