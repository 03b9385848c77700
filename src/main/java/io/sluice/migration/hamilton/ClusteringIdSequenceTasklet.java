package io.sluice.migration.hamilton;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;

/**
 * Clustering results keep Hamilton's integer ids, written explicitly into an identity column.
 * PostgreSQL's identity sequence does not see explicit values, so the next clustering that sluice
 * itself makes would collide with a migrated id: the sequence is moved past the largest id.
 * HSQLDB moves its identity past explicit values by itself.
 */
final class ClusteringIdSequenceTasklet implements Tasklet {

    private static final String ADVANCE_POSTGRESQL = """
            SELECT setval(pg_get_serial_sequence('clustering_results', 'id'), max(id)) FROM clustering_results HAVING max(id) IS NOT NULL
            """;

    private final JdbcTemplate jdbc;

    ClusteringIdSequenceTasklet(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        String product = jdbc.execute((Connection connection) -> connection.getMetaData().getDatabaseProductName());
        if ("PostgreSQL".equals(product)) {
            jdbc.query(ADVANCE_POSTGRESQL, rs -> { });
        }
        return RepeatStatus.FINISHED;
    }
}
