package io.sluice.migration.dynoai;

import io.sluice.batch.OutageTolerantStep;
import io.sluice.migration.DryRunItemWriter;
import io.sluice.migration.JsonArrayItemReader;
import io.sluice.migration.LegacyJson;
import io.sluice.migration.LoadStepPolicy;
import io.sluice.migration.MigrationParameters;
import io.sluice.migration.PartitionedStep;
import io.sluice.migration.RejectFiles;
import io.sluice.migration.SkipOnDryRun;
import io.sluice.migration.SourceRecord;
import io.sluice.migration.StoreKind;
import io.sluice.migration.StoreMigration;
import io.sluice.persistence.DatabaseOutage;
import io.sluice.persistence.DatabaseSettings;
import io.sluice.persistence.SluiceProperties;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Path;

/**
 * Migrates a DynoAI runs folder: the runs of {@code index.json}, then the run folders (whose
 * manifests add file sizes, paths, the input file and the configuration), then verification.
 */
@Component
class DynoaiMigration implements StoreMigration {

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final RejectFiles rejectFiles;
    private final ObjectMapper mapper = LegacyJson.mapper();
    private final boolean postgres;
    private final DatabaseOutage outage;

    DynoaiMigration(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                    NamedParameterJdbcTemplate jdbc, RejectFiles rejectFiles, SluiceProperties properties, DatabaseOutage outage) {
        this.outage = outage;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.jdbc = jdbc;
        this.rejectFiles = rejectFiles;
        this.postgres = properties.databaseSettings().vendor() == DatabaseSettings.Vendor.POSTGRESQL;
    }

    @Override
    public StoreKind kind() {
        return StoreKind.DYNOAI;
    }

    @Override
    public boolean partitioned() {
        return true;
    }

    @Override
    public Flow flow(MigrationParameters parameters) {
        Path runsRoot = parameters.store();
        return new FlowBuilder<Flow>("migrate.dynoai")
                .start(loadIndexRuns(parameters, runsRoot))
                .next(loadRunFolders(parameters, runsRoot))
                .next(verifyRuns(runsRoot))
                .build();
    }

    /** The runs of index.json, in partitions by run id: a duplicate id meets its first copy in the same partition. */
    private Step loadIndexRuns(MigrationParameters parameters, Path runsRoot) {
        String name = "migrate.load-index-runs";
        return PartitionedStep.build(name, parameters.partitions(), jobRepository, (partitionName, partition) -> rideOutOutages(LoadStepPolicy.apply(
                new StepBuilder(partitionName, jobRepository)
                        .<SourceRecord<JsonNode>, Run>chunk(parameters.chunkSize())
                        .transactionManager(transactionManager)
                        .reader(indexReader(partitionName + ".reader", runsRoot, rejectFiles).partitioned(partition, RunStateParser::runId))
                        .processor(new IndexRunProcessor())
                        .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), new RunItemWriter(jdbc, mapper, false, postgres),
                                transactionManager)), rejectFiles)
                .build()));
    }

    private Step loadRunFolders(MigrationParameters parameters, Path runsRoot) {
        String name = "migrate.load-run-folders";
        return rideOutOutages(LoadStepPolicy.apply(new StepBuilder(name, jobRepository)
                .<SourceRecord<Path>, Run>chunk(Math.max(1, Math.min(parameters.chunkSize(), 500)))
                .transactionManager(transactionManager)
                .reader(new RunFolderItemReader(name + ".reader", runsRoot))
                .processor(new RunFolderProcessor(mapper))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), new RunItemWriter(jdbc, mapper, true, postgres), transactionManager)), rejectFiles)
                .build());
    }

    private Step rideOutOutages(Step step) {
        return OutageTolerantStep.of(step, jobRepository, outage);
    }

    private Step verifyRuns(Path runsRoot) {
        RunVerificationTasklet verification = new RunVerificationTasklet(jdbc,
                new IndexIdScanner(runsRoot.resolve("index.json"), mapper), runsRoot, new RunFolderProcessor(mapper), postgres);
        return rideOutOutages(new StepBuilder("migrate.verify-runs", jobRepository)
                .tasklet(new SkipOnDryRun(verification), transactionManager)
                .build());
    }

    private JsonArrayItemReader indexReader(String name, Path runsRoot, RejectFiles rejects) {
        return new JsonArrayItemReader(name, runsRoot.resolve("index.json"), "index.json", "runs", rejects, mapper);
    }
}
