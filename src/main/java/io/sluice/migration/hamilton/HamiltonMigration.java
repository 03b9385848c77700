package io.sluice.migration.hamilton;

import io.sluice.batch.DryRunItemWriter;
import io.sluice.batch.LoadStepPolicy;
import io.sluice.batch.RecordIsolation;
import io.sluice.batch.RefusedRecords;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.RerunOnRestart;
import io.sluice.batch.SkipOnDryRun;
import io.sluice.batch.SourceRecord;
import io.sluice.batch.OutageTolerantStep;
import io.sluice.migration.MigrationParameters;
import io.sluice.migration.StoreKind;
import io.sluice.migration.StoreMigration;
import io.sluice.persistence.Dialect;
import io.sluice.persistence.DatabaseOutage;
import io.sluice.persistence.SecretCipher;
import io.sluice.persistence.SluiceProperties;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;
import org.springframework.batch.infrastructure.item.database.builder.JdbcCursorItemReaderBuilder;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.nio.file.Files;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;

/**
 * Migrates Hamilton's SQLite metadata store ({@code hamilton_metadata.db}), read through JDBC and
 * read-only: the store is inspected, then {@code databases}, {@code clustering_results},
 * {@code concepts}, {@code attributes} and {@code relationships} are loaded in the order of their
 * foreign keys, then source and target are reconciled. Database passwords are encrypted with
 * {@link SecretCipher}, and every spelling of every password of the store is masked in every table
 * ({@link MaskedTable}); Hamilton's {@code jobs} table (its own job history) is counted and
 * reported, not migrated.
 */
@Component
class HamiltonMigration implements StoreMigration {

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final RejectFiles rejectFiles;
    private final SluiceProperties properties;
    private final Dialect dialect;
    private final RefusedRecords refusedRecords;
    private final DatabaseOutage outage;

    HamiltonMigration(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                      NamedParameterJdbcTemplate jdbc, RejectFiles rejectFiles, SluiceProperties properties, Dialect dialect,
                      RefusedRecords refusedRecords, DatabaseOutage outage) {
        this.outage = outage;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.jdbc = jdbc;
        this.rejectFiles = rejectFiles;
        this.properties = properties;
        this.dialect = dialect;
        this.refusedRecords = refusedRecords;
    }

    @Override
    public java.util.List<String> tables() {
        return HamiltonStore.MIGRATED;
    }

    @Override
    public StoreKind kind() {
        return StoreKind.HAMILTON;
    }

    @Override
    public Flow flow(MigrationParameters parameters) {
        HamiltonStore store = new HamiltonStore(parameters.store());
        store.inspect(); // a store that cannot be read fails here, before a job execution exists, with one line
        PasswordMask mask = passwords(store);
        DatabasesTable databases = new DatabasesTable(cipher(parameters.dryRun()));
        List<HamiltonTable<?, ?>> tables = Stream.of(databases, new ClusteringResultsTable(), new ConceptsTable(),
                new AttributesTable(), new RelationshipsTable()).<HamiltonTable<?, ?>>map(table -> MaskedTable.masked(table, mask)).toList();
        // the tasklets ride out a lost database too: the inspection only reads the store, and moving the
        // identity past the largest id is the same move when made again
        FlowBuilder<Flow> flow = new FlowBuilder<Flow>("migrate.hamilton")
                .start(rideOutOutages(new StepBuilder("migrate.inspect-hamilton-store", jobRepository)
                        .tasklet(new InspectStoreTasklet(store), transactionManager)
                        .build()));
        for (HamiltonTable<?, ?> table : tables) {
            boolean isDatabases = table.statements().table().equals(databases.statements().table());
            flow.next(load(parameters, store, table, tables, isDatabases ? new DatabasePasswordsListener(store, databases) : null));
        }
        Step advanceIds = rideOutOutages(new StepBuilder("migrate.advance-clustering-ids", jobRepository)
                .tasklet(new SkipOnDryRun(new ClusteringIdSequenceTasklet(jdbc.getJdbcTemplate(), dialect)), transactionManager)
                .build());
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

    /**
     * Every password the store holds (the {@code password} column and what the connection strings hold,
     * in each reading), read once per job: the mask every table's rows go through.
     */
    private static PasswordMask passwords(HamiltonStore store) {
        DatabasesTable reader = new DatabasesTable(null);
        List<String> secrets = new ArrayList<>();
        try {
            new JdbcTemplate(store.dataSource()).query(reader.statements().selectSource(),
                    (RowCallbackHandler) rs -> secrets.addAll(DatabasesTable.secrets(reader.readSource(rs))));
        } catch (DataAccessException e) {
            throw e.getCause() instanceof SQLException cause ? store.failure(cause) : e;
        }
        return PasswordMask.of(secrets);
    }

    private <L, T> Step load(MigrationParameters parameters, HamiltonStore store, HamiltonTable<L, T> table,
                             List<HamiltonTable<?, ?>> tables, StepExecutionListener listener) {
        String name = "migrate.load-" + table.statements().table().replace('_', '-');
        SourceReferences references = new SourceReferences(store.dataSource(), tables);
        RecordIsolation<StoreRow<L>, T> isolation = refusedRecords.isolating(table.statements().table(), row -> String.valueOf(table.key(row)));
        ChunkOrientedStepBuilder<SourceRecord<StoreRow<L>>, T> step = RerunOnRestart.apply(new StepBuilder(name, jobRepository), jobRepository)
                .<SourceRecord<StoreRow<L>>, T>chunk(parameters.chunkSize())
                .transactionManager(transactionManager)
                .reader(reader(name + ".reader", store, table))
                .processor(isolation.processor(new HamiltonRowProcessor<>(table, references)))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), isolation.writer(new UpsertItemWriter<>(table, jdbc,
                        parameters.dryRun() ? new DryRunParents(jdbc, references, tables) : null)), transactionManager));
        if (listener != null) {
            step.listener(listener);
        }
        return rideOutOutages(LoadStepPolicy.apply(step, rejectFiles).build());
    }

    /** The table's rows in key order; a restart resumes after the last committed row, or reads them all again when the store changed since. */
    private static <L> StoreTableItemReader<SourceRecord<StoreRow<L>>> reader(String name, HamiltonStore store, HamiltonTable<L, ?> table) {
        JdbcCursorItemReader<SourceRecord<StoreRow<L>>> rows = new JdbcCursorItemReaderBuilder<SourceRecord<StoreRow<L>>>()
                .name(name)
                .dataSource(store.dataSource())
                .sql(table.statements().selectSource())
                .rowMapper((rs, rowNumber) -> {
                    L row = table.readSource(rs);
                    return new SourceRecord<>(store.displayName(), table.statements().table() + " id=" + table.sourceKey(row),
                            new StoreRow<>(row, table.describe(row)));
                })
                .saveState(true)
                .verifyCursorPosition(false)
                .build();
        return new StoreTableItemReader<>(name, rows, store);
    }

    private Step verify(HamiltonStore store, List<HamiltonTable<?, ?>> tables) {
        HamiltonVerificationTasklet verification = new HamiltonVerificationTasklet(store, tables,
                () -> new SourceReferences(store.dataSource(), tables), jdbc, refusedRecords);
        return rideOutOutages(new StepBuilder("migrate.verify-hamilton", jobRepository)
                .tasklet(new SkipOnDryRun(verification), transactionManager)
                .build());
    }

    private Step rideOutOutages(Step step) {
        return OutageTolerantStep.of(step, jobRepository, outage);
    }
}
