package io.sluice.migration.dynoai;

import io.sluice.batch.DryRunItemWriter;
import io.sluice.batch.JsonArrayItemReader;
import io.sluice.batch.LegacyJson;
import io.sluice.batch.LoadStepPolicy;
import io.sluice.batch.PartitionedStep;
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

    /** The entity under which refused runs are noted for verification. */
    private static final String RUNS = "runs";

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final RejectFiles rejectFiles;
    private final RefusedRecords refusedRecords;
    private final ObjectMapper mapper = LegacyJson.mapper();
    private final Dialect dialect;
    private final DatabaseOutage outage;

    DynoaiMigration(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                    NamedParameterJdbcTemplate jdbc, RejectFiles rejectFiles, RefusedRecords refusedRecords,
                    Dialect dialect, DatabaseOutage outage) {
        this.outage = outage;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.jdbc = jdbc;
        this.rejectFiles = rejectFiles;
        this.refusedRecords = refusedRecords;
        this.dialect = dialect;
    }

    @Override
    public java.util.List<String> tables() {
        return java.util.List.of("runs", "run_files");
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
        return PartitionedStep.build(name, parameters.partitions(), jobRepository, (partitionName, partition) -> {
            RecordIsolation<JsonNode, Run> isolation = refusedRecords.isolating(RUNS, Run::id);
            return rideOutOutages(LoadStepPolicy.apply(new StepBuilder(partitionName, jobRepository)
                            .<SourceRecord<JsonNode>, Run>chunk(parameters.chunkSize())
                            .transactionManager(transactionManager)
                            .reader(indexReader(partitionName + ".reader", runsRoot, rejectFiles).partitioned(partition, RunStateParser::runId))
                            .processor(isolation.processor(new IndexRunProcessor()))
                            .writer(DryRunItemWriter.wrapIf(parameters.dryRun(),
                                    isolation.writer(new RunItemWriter(jdbc, mapper, false, dialect)), transactionManager)), rejectFiles)
                    .build());
        });
    }

    private Step loadRunFolders(MigrationParameters parameters, Path runsRoot) {
        String name = "migrate.load-run-folders";
        RecordIsolation<Path, Run> isolation = refusedRecords.isolating(RUNS, Run::id);
        return rideOutOutages(LoadStepPolicy.apply(RerunOnRestart.apply(new StepBuilder(name, jobRepository), jobRepository)
                .<SourceRecord<Path>, Run>chunk(Math.max(1, Math.min(parameters.chunkSize(), 500)))
                .transactionManager(transactionManager)
                .reader(RunFolders.reader(name + ".reader", runsRoot))
                .processor(isolation.processor(new RunFolderProcessor(mapper)))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), isolation.writer(new RunItemWriter(jdbc, mapper, true, dialect)),
                        transactionManager)), rejectFiles)
                .build());
    }

    private Step rideOutOutages(Step step) {
        return OutageTolerantStep.of(step, jobRepository, outage);
    }

    private Step verifyRuns(Path runsRoot) {
        RunVerificationTasklet verification = new RunVerificationTasklet(jdbc,
                new IndexIdScanner(runsRoot.resolve("index.json"), mapper), runsRoot, new RunFolderProcessor(mapper), dialect,
                instance -> refusedRecords.of(instance, RUNS));
        return rideOutOutages(new StepBuilder("migrate.verify-runs", jobRepository)
                .tasklet(new SkipOnDryRun(verification), transactionManager)
                .build());
    }

    private JsonArrayItemReader indexReader(String name, Path runsRoot, RejectFiles rejects) {
        return new JsonArrayItemReader(name, runsRoot.resolve("index.json"), "index.json", "runs", rejects, mapper);
    }
}
