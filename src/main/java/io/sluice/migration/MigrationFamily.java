package io.sluice.migration;

import io.sluice.InvalidInputException;
import io.sluice.batch.Flows;
import io.sluice.batch.InvalidParametersException;
import io.sluice.batch.JobFamily;
import io.sluice.batch.OutageTolerantStep;
import io.sluice.batch.ParameterReader;
import io.sluice.persistence.DatabaseOutage;
import io.sluice.persistence.Dialect;
import com.zaxxer.hikari.HikariDataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersValidator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import javax.sql.DataSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code migrate} family: one job per legacy store, the flow of the store's kind, then the archive
 * step. Parameters: {@code store} (required: a folder or SQLite file), {@code kind} (dynoai,
 * data-wrangler or hamilton; detected from the store when absent), {@code dryRun} (true|false),
 * {@code chunkSize} (records per transaction, default 1000), {@code partitions} (1..16; default
 * {@link Dialect#defaultPartitions()} for a store that loads in partitions, DynoAI's, else 1) and {@code archive} (a folder to move the store into after
 * verification passed).
 */
@Component
public class MigrationFamily implements JobFamily {

    private final JobRepository jobRepository;
    /** The job repository's (and the migrated tables') JDBC URL, for lineage. */
    private final String repositoryUrl;
    private final PlatformTransactionManager transactionManager;
    private final List<StoreMigration> migrations;
    private final MigrationJobListener listener;
    private final DataSource dataSource;
    private final Dialect dialect;
    private final DatabaseOutage outage;

    MigrationFamily(JobRepository jobRepository, PlatformTransactionManager transactionManager, List<StoreMigration> migrations,
                    MigrationJobListener listener, DataSource dataSource, Dialect dialect, DatabaseOutage outage,
                    io.sluice.persistence.SluiceProperties properties) {
        this.repositoryUrl = properties.databaseSettings().jdbcUrl();
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.migrations = migrations;
        this.listener = listener;
        this.dataSource = dataSource;
        this.dialect = dialect;
        this.outage = outage;
    }

    @Override
    public String name() {
        return MigrationParameters.JOB_NAME;
    }

    @Override
    public JobParameters parameters(Map<String, String> given) {
        ParameterReader reader = new ParameterReader(name(), given);
        Path store = reader.existingPath(MigrationParameters.STORE, true, "PATH");
        StoreKind kind = kind(reader, store);
        boolean dryRun = reader.bool(MigrationParameters.DRY_RUN, false);
        int chunkSize = reader.integer(MigrationParameters.CHUNK_SIZE, 1, Integer.MAX_VALUE, MigrationParameters.DEFAULT_CHUNK_SIZE);
        int partitions = reader.integer(MigrationParameters.PARTITIONS, 1, MigrationParameters.MAX_PARTITIONS, MigrationParameters.UNSET);
        String archive = reader.text(MigrationParameters.ARCHIVE);
        reader.check();
        MigrationParameters parameters = new MigrationParameters(kind.storeRoot(store), kind, dryRun, chunkSize, partitions,
                archive == null ? null : Path.of(archive))
                .withDefaultPartitions(loadsInPartitions(kind) ? dialect.defaultPartitions() : 1);
        JobParameters jobParameters = parameters.toJobParameters();
        checked(jobParameters);
        return jobParameters;
    }

    @Override
    public JobParametersValidator validator() {
        return parameters -> {
            List<String> problems = problems(parameters);
            if (!problems.isEmpty()) {
                throw new InvalidJobParametersException(new InvalidParametersException(name(), problems).getMessage());
            }
        };
    }

    @Override
    public Job create(JobParameters jobParameters) {
        MigrationParameters parameters = checked(jobParameters);
        StoreMigration migration = migrations.stream()
                .filter(candidate -> candidate.kind() == parameters.kind())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no migration for " + parameters.kind()));
        return new JobBuilder(MigrationParameters.JOB_NAME, jobRepository)
                .validator(validator())
                .listener(listener)
                .start(Flows.listable(migration.flow(parameters))) // listable: so that its steps get metrics
                .next(archiveStep())
                .end()
                .build();
    }

    private static StoreKind kind(ParameterReader reader, Path store) {
        String kind = reader.text(MigrationParameters.KIND);
        try {
            if (kind != null) {
                return StoreKind.fromId(kind);
            }
            return store == null ? null : StoreKind.detect(store);
        } catch (InvalidInputException e) {
            reader.problem(e.getMessage());
            return null;
        }
    }

    /** The parameters read, when they have no problem. */
    private MigrationParameters checked(JobParameters jobParameters) {
        List<String> problems = problems(jobParameters);
        if (!problems.isEmpty()) {
            throw new InvalidParametersException(name(), problems);
        }
        return MigrationParameters.of(jobParameters);
    }

    /**
     * The store read (its file or folder) and the tables of sluice's database its kind fills; none on a dry run,
     * which writes nothing.
     */
    @Override
    public io.sluice.batch.Lineage lineage(JobParameters parameters) {
        MigrationParameters migration = MigrationParameters.of(parameters);
        List<io.sluice.batch.Lineage.Dataset> outputs = migration.dryRun() ? List.of() : migrations.stream()
                .filter(m -> m.kind() == migration.kind()).flatMap(m -> m.tables().stream())
                .map(table -> new io.sluice.batch.Lineage.Dataset(io.sluice.persistence.LineageNames.namespace(repositoryUrl),
                        io.sluice.persistence.LineageNames.table(repositoryUrl, table)))
                .toList();
        return new io.sluice.batch.Lineage(List.of(io.sluice.batch.Lineage.Dataset.file(migration.store())), outputs);
    }

    /** Every problem of typed parameters, as given or as the job repository kept them. */
    private List<String> problems(JobParameters parameters) {
        List<String> problems = new ArrayList<>();
        String store = parameters.getString(MigrationParameters.STORE);
        if (store == null) {
            problems.add("store is missing (store=PATH)");
        } else if (!Files.exists(Path.of(store))) {
            problems.add("store '" + store + "': no such file or folder");
        }
        String kind = parameters.getString(MigrationParameters.KIND);
        StoreKind storeKind = null;
        if (kind == null) {
            problems.add("kind is missing (kind=dynoai|data-wrangler|hamilton)");
        } else {
            try {
                storeKind = StoreKind.fromId(kind);
            } catch (InvalidInputException e) {
                problems.add(e.getMessage());
            }
        }
        Long chunkSize = parameters.getLong(MigrationParameters.CHUNK_SIZE);
        if (chunkSize != null && chunkSize < 1) {
            problems.add("chunkSize must be at least 1, not " + chunkSize);
        }
        Long partitions = parameters.getLong(MigrationParameters.PARTITIONS);
        if (partitions != null && (partitions < 1 || partitions > MigrationParameters.MAX_PARTITIONS)) {
            problems.add("partitions must be between 1 and " + MigrationParameters.MAX_PARTITIONS + ", not " + partitions);
        } else if (partitions != null && loadsInPartitions(storeKind)) {
            poolProblem(partitions.intValue(), problems);
        }
        return problems;
    }

    private boolean loadsInPartitions(StoreKind kind) {
        return migrations.stream().anyMatch(migration -> migration.kind() == kind && migration.partitioned());
    }

    /** Each partition holds a connection while it writes, and the job's repository needs one more. */
    private void poolProblem(int partitions, List<String> problems) {
        if (dataSource instanceof HikariDataSource pool && pool.getMaximumPoolSize() < partitions + 1) {
            problems.add(partitions + " partitions need " + (partitions + 1) + " database connections, and the pool has "
                    + pool.getMaximumPoolSize() + ": raise SLUICE_POOL_SIZE (or migrate with fewer partitions)");
        }
    }

    /** Rides out a lost database as the load steps do: run again, the tasklet knows the store it already moved. */
    private Step archiveStep() {
        return OutageTolerantStep.of(new StepBuilder("migrate.archive-store", jobRepository)
                .tasklet(new ArchiveTasklet(), transactionManager)
                .build(), jobRepository, outage);
    }
}
