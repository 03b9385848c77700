package io.sluice.migration;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.util.List;

/**
 * Builds the {@code migrate} job for one launch: the flow of the store's kind, then the archive step.
 * The job is built per launch because the chunk size, a parameter, shapes its steps; a restart
 * builds it again from the failed execution's parameters.
 */
@Component
public class MigrationJobFactory {

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final List<StoreMigration> migrations;
    private final MigrationJobListener listener;

    MigrationJobFactory(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                        List<StoreMigration> migrations, MigrationJobListener listener) {
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
        return new JobBuilder(MigrationParameters.JOB_NAME, jobRepository)
                .listener(listener)
                .start(migration.flow(parameters))
                .next(archiveStep())
                .end()
                .build();
    }

    private Step archiveStep() {
        return new StepBuilder("migrate.archive-store", jobRepository)
                .tasklet(new ArchiveTasklet(), transactionManager)
                .build();
    }
}
