package io.sluice.migration.hamilton;

import io.sluice.persistence.Dialect;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Clustering results keep Hamilton's integer ids, written explicitly into an identity column.
 * PostgreSQL's identity sequence does not see explicit values, so the next clustering that sluice
 * itself makes would collide with a migrated id: the sequence is moved past the largest id
 * ({@link Dialect#advanceIdentity}; HSQLDB moves its identity past explicit values by itself).
 */
final class ClusteringIdSequenceTasklet implements Tasklet {

    private final JdbcTemplate jdbc;
    private final Dialect dialect;

    ClusteringIdSequenceTasklet(JdbcTemplate jdbc, Dialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        dialect.advanceIdentity(jdbc, "clustering_results", "id");
        return RepeatStatus.FINISHED;
    }
}
