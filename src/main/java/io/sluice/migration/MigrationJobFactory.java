package io.sluice.migration;

import io.sluice.InvalidInputException;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.util.List;

/**
 * Builds the {@code migrate} job for one launch: the flow of the store's kind, then the archive step.
 * The job is built per launch because the chunk size and the partition count, parameters, shape
 * its steps; a restart builds it again from the failed execution's parameters.
 */
@Component
public class MigrationJobFactory {

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final List<StoreMigration> migrations;
    private final MigrationJobListener listener;
    private final DataSource dataSource;

    MigrationJobFactory(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                        List<StoreMigration> migrations, MigrationJobListener listener, DataSource dataSource) {
        this.dataSource = dataSource;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.migrations = migrations;
        this.listener = listener;
    }

    public Job create(MigrationParameters parameters) {
        StoreMigration migration = migrations.stream()
                .filter(candidate -> candidate.kind() == parameters.kind())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no migration for " + parameters.kind()));
        if (migration.partitioned()) {
            checkPartitions(parameters.partitions());
        }
        return new JobBuilder(MigrationParameters.JOB_NAME, jobRepository)
                .listener(listener)
                .start(migration.flow(parameters))
                .next(archiveStep())
                .end()
                .build();
    }

    /** Each partition holds a connection while it writes, and the job's repository needs one more. */
    private void checkPartitions(int partitions) {
        if (partitions < 1 || partitions > MigrationParameters.MAX_PARTITIONS) {
            throw new InvalidInputException("partitions must be between 1 and " + MigrationParameters.MAX_PARTITIONS
                    + ", not " + partitions);
        }
        if (dataSource instanceof HikariDataSource pool && pool.getMaximumPoolSize() < partitions + 1) {
            throw new InvalidInputException(partitions + " partitions need " + (partitions + 1)
                    + " database connections, and the pool has " + pool.getMaximumPoolSize()
                    + ": raise SLUICE_POOL_SIZE (or migrate with fewer --partitions)");
        }
    }

    private Step archiveStep() {
        return new StepBuilder("migrate.archive-store", jobRepository)
                .tasklet(new ArchiveTasklet(), transactionManager)
                .build();
    }
}
