package io.sluice.migration.hamilton;

import io.sluice.batch.OutageTolerantStep;
import io.sluice.migration.DryRunItemWriter;
import io.sluice.migration.LoadStepPolicy;
import io.sluice.migration.MigrationParameters;
import io.sluice.migration.RejectFiles;
import io.sluice.migration.SkipOnDryRun;
import io.sluice.migration.SourceRecord;
import io.sluice.migration.StoreKind;
import io.sluice.migration.StoreMigration;
import io.sluice.persistence.DatabaseOutage;
import io.sluice.persistence.SecretCipher;
import io.sluice.persistence.SluiceProperties;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;
import org.springframework.batch.infrastructure.item.database.builder.JdbcCursorItemReaderBuilder;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Files;
import java.util.Base64;
import java.util.List;
import java.security.SecureRandom;

/**
 * Migrates Hamilton's SQLite metadata store ({@code hamilton_metadata.db}), read through JDBC and
 * read-only: the store is inspected, then {@code databases}, {@code clustering_results},
 * {@code concepts}, {@code attributes} and {@code relationships} are loaded in the order of their
 * foreign keys, then source and target are reconciled. Database passwords are encrypted with
 * {@link SecretCipher}; Hamilton's {@code jobs} table (its own job history) is counted and
 * reported, not migrated.
 */
@Component
class HamiltonMigration implements StoreMigration {

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final RejectFiles rejectFiles;
    private final SluiceProperties properties;
    private final DatabaseOutage outage;

    HamiltonMigration(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                      NamedParameterJdbcTemplate jdbc, RejectFiles rejectFiles, SluiceProperties properties, DatabaseOutage outage) {
        this.outage = outage;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.jdbc = jdbc;
        this.rejectFiles = rejectFiles;
        this.properties = properties;
    }

    @Override
    public StoreKind kind() {
        return StoreKind.HAMILTON;
    }

    @Override
    public Flow flow(MigrationParameters parameters) {
        HamiltonStore store = new HamiltonStore(parameters.store());
        store.inspect(); // a store that cannot be read fails here, before a job execution exists, with one line
        List<HamiltonTable<?, ?>> tables = List.of(new DatabasesTable(cipher(parameters.dryRun())), new ClusteringResultsTable(),
                new ConceptsTable(), new AttributesTable(), new RelationshipsTable());
        FlowBuilder<Flow> flow = new FlowBuilder<Flow>("migrate.hamilton")
                .start(new StepBuilder("migrate.inspect-hamilton-store", jobRepository)
                        .tasklet(new InspectStoreTasklet(store), transactionManager)
                        .build());
        for (HamiltonTable<?, ?> table : tables) {
            flow.next(load(parameters, store, table, tables));
        }
        Step advanceIds = new StepBuilder("migrate.advance-clustering-ids", jobRepository)
                .tasklet(new SkipOnDryRun(new ClusteringIdSequenceTasklet(jdbc.getJdbcTemplate())), transactionManager)
                .build();
        return flow.next(verify(store, tables)).next(advanceIds).build();
    }

    /**
     * The key that encrypts the passwords: configured, or kept in the data folder (generated on first
     * use, with a notice on stderr). A dry run never creates the key file: when there is none yet, it
     * encrypts with a throwaway key, as nothing it writes is kept.
     */
    private SecretCipher cipher(boolean dryRun) {
        boolean configured = properties.secretKey() != null && !properties.secretKey().isBlank();
        if (dryRun && !configured && !Files.exists(properties.dataDir().toAbsolutePath().resolve("secret.key"))) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return SecretCipher.fromBase64(Base64.getEncoder().encodeToString(key));
        }
        return SecretCipher.configured(properties.secretKey(), properties.dataDir(), notice -> System.err.println("sluice: " + notice));
    }

    private <L, T> Step load(MigrationParameters parameters, HamiltonStore store, HamiltonTable<L, T> table,
                             List<HamiltonTable<?, ?>> tables) {
        String name = "migrate.load-" + table.statements().table().replace('_', '-');
        SourceReferences references = new SourceReferences(store.dataSource(), tables);
        ChunkOrientedStepBuilder<SourceRecord<L>, T> step = new StepBuilder(name, jobRepository)
                .<SourceRecord<L>, T>chunk(parameters.chunkSize())
                .transactionManager(transactionManager)
                .reader(reader(name + ".reader", store, table))
                .processor(new HamiltonRowProcessor<>(table, references))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), new UpsertItemWriter<>(table, jdbc,
                        parameters.dryRun() ? new DryRunParents(jdbc, references, tables) : null), transactionManager));
        return rideOutOutages(LoadStepPolicy.apply(step, rejectFiles).build());
    }

    private static <L> JdbcCursorItemReader<SourceRecord<L>> reader(String name, HamiltonStore store, HamiltonTable<L, ?> table) {
        return new JdbcCursorItemReaderBuilder<SourceRecord<L>>()
                .name(name)
                .dataSource(store.dataSource())
                .sql(table.statements().selectSource())
                .rowMapper((rs, rowNumber) -> {
                    L row = table.readSource(rs);
                    return new SourceRecord<>(store.displayName(), table.statements().table() + " id=" + table.sourceKey(row), row);
                })
                .saveState(true)
                .verifyCursorPosition(false)
                .build();
    }

    private Step verify(HamiltonStore store, List<HamiltonTable<?, ?>> tables) {
        HamiltonVerificationTasklet verification = new HamiltonVerificationTasklet(store, tables,
                () -> new SourceReferences(store.dataSource(), tables), jdbc);
        return rideOutOutages(new StepBuilder("migrate.verify-hamilton", jobRepository)
                .tasklet(new SkipOnDryRun(verification), transactionManager)
                .build());
    }

    private Step rideOutOutages(Step step) {
        return OutageTolerantStep.of(step, jobRepository, outage);
    }
}
