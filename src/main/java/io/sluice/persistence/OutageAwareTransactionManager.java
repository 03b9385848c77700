package io.sluice.persistence;

import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import javax.sql.DataSource;
import java.sql.SQLException;

/**
 * The transaction manager of sluice's one {@code DataSource} (data and job repository alike). It
 * differs from Spring's where the connection of a transaction dies: a database ends the
 * transaction of a connection it lost, so a rollback that fails because the connection is gone
 * counts as done, and a commit cut off by a lost connection is rolled back the same way. Spring
 * would report the outcome as unknown, and Spring Batch would then mark the step UNKNOWN and stop
 * it; this way the step fails, or is retried from its last chunk known to be committed. A commit
 * cut off after the server had taken it did go through: that chunk is then written a second time,
 * which the idempotent loads turn into "unchanged" rows; nothing is lost or doubled.
 */
class OutageAwareTransactionManager extends JdbcTransactionManager {

    OutageAwareTransactionManager(DataSource dataSource) {
        super(dataSource);
        setRollbackOnCommitFailure(true);
    }

    @Override
    protected void doRollback(DefaultTransactionStatus status) {
        try {
            super.doRollback(status);
        } catch (RuntimeException e) {
            if (!DatabaseOutage.isConnectionLoss(e) && !connectionIsGone(status)) {
                throw e;
            }
            logger.debug("the connection of a transaction being rolled back is gone; its transaction ended with it", e);
        }
    }

    private static boolean connectionIsGone(DefaultTransactionStatus status) {
        if (!(status.getTransaction() instanceof JdbcTransactionObjectSupport transaction) || !transaction.hasConnectionHolder()) {
            return false;
        }
        try {
            return transaction.getConnectionHolder().getConnection().isClosed();
        } catch (SQLException e) {
            return true;
        }
    }
}
