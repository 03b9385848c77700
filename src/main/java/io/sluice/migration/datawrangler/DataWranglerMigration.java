package io.sluice.migration.datawrangler;

import io.sluice.batch.DryRunItemWriter;
import io.sluice.batch.LegacyJson;
import io.sluice.batch.LoadStepPolicy;
import io.sluice.batch.OutageTolerantStep;
import io.sluice.migration.MigrationParameters;
import io.sluice.batch.RecordIsolation;
import io.sluice.batch.RefusedRecords;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.RerunOnRestart;
import io.sluice.batch.SkipOnDryRun;
import io.sluice.batch.SourceRecord;
import io.sluice.migration.StoreKind;
import io.sluice.migration.StoreMigration;
import io.sluice.persistence.DatabaseOutage;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Path;

/**
 * Migrates a Data Wrangler data folder: the datasets of {@code datasets.json}, then those of
 * {@code index/datasets.json} merged into them by id (with their tags), then the workflow files with
 * their nodes and edges, then verification. Any of the three may be missing.
 */
@Component
class DataWranglerMigration implements StoreMigration {

    /** Workflows per chunk at most: each carries its nodes and edges. */
    private static final int MAX_WORKFLOW_CHUNK = 100;
    /** The entities under which refused records are noted for verification. */
    static final String DATASETS = "datasets";
    static final String WORKFLOWS = "workflows";

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final RejectFiles rejectFiles;
    private final RefusedRecords refusedRecords;
    private final ObjectMapper mapper = LegacyJson.mapper();
    private final DatabaseOutage outage;

    DataWranglerMigration(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                          NamedParameterJdbcTemplate jdbc, RejectFiles rejectFiles, RefusedRecords refusedRecords,
                          DatabaseOutage outage) {
        this.outage = outage;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.jdbc = jdbc;
        this.rejectFiles = rejectFiles;
        this.refusedRecords = refusedRecords;
    }

    @Override
    public java.util.List<String> tables() {
        return java.util.List.of("datasets", "tags", "dataset_tags", "workflows", "workflow_nodes", "workflow_edges");
    }

    @Override
    public StoreKind kind() {
        return StoreKind.DATA_WRANGLER;
    }

    @Override
    public Flow flow(MigrationParameters parameters) {
        Path store = parameters.store();
        return new FlowBuilder<Flow>("migrate.data-wrangler")
                .start(loadDatasets("migrate.load-datasets", Dataset.Catalogue.DATASETS, parameters, store))
                .next(loadDatasets("migrate.load-dataset-index", Dataset.Catalogue.INDEX, parameters, store))
                .next(loadWorkflows(parameters, store))
                .next(verify(store))
                .build();
    }

    private Step loadDatasets(String name, Dataset.Catalogue catalogue, MigrationParameters parameters, Path store) {
        RecordIsolation<CatalogueEntry, Dataset> isolation = refusedRecords.isolating(DATASETS, Dataset::id);
        ChunkOrientedStepBuilder<SourceRecord<CatalogueEntry>, Dataset> step = RerunOnRestart.apply(new StepBuilder(name, jobRepository), jobRepository)
                .<SourceRecord<CatalogueEntry>, Dataset>chunk(parameters.chunkSize())
                .transactionManager(transactionManager)
                .reader(new CatalogueItemReader(name + ".reader", store, catalogue, rejectFiles, mapper))
                .processor(isolation.processor(new DatasetProcessor()))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), isolation.writer(new DatasetItemWriter(jdbc, mapper)), transactionManager));
        return rideOutOutages(LoadStepPolicy.apply(step, rejectFiles).build());
    }

    private Step loadWorkflows(MigrationParameters parameters, Path store) {
        String name = "migrate.load-workflows";
        RecordIsolation<WorkflowFile, Workflow> isolation = refusedRecords.isolating(WORKFLOWS, Workflow::id);
        ChunkOrientedStepBuilder<SourceRecord<WorkflowFile>, Workflow> step = RerunOnRestart.apply(new StepBuilder(name, jobRepository), jobRepository)
                .<SourceRecord<WorkflowFile>, Workflow>chunk(Math.max(1, Math.min(parameters.chunkSize(), MAX_WORKFLOW_CHUNK)))
                .transactionManager(transactionManager)
                .reader(WorkflowFiles.reader(name + ".reader", store, mapper))
                .processor(isolation.processor(new WorkflowProcessor(rejectFiles)))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), isolation.writer(new WorkflowItemWriter(jdbc, mapper, parameters.store())), transactionManager));
        return rideOutOutages(LoadStepPolicy.apply(step, rejectFiles).build());
    }

    private Step verify(Path store) {
        String name = "migrate.verify-data-wrangler";
        DataWranglerVerificationTasklet verification = new DataWranglerVerificationTasklet(jdbc,
                catalogue -> new CatalogueItemReader(name + ".reader", store, catalogue, null, mapper),
                WorkflowFiles.reader(name + ".workflow-reader", store, mapper), refusedRecords);
        return rideOutOutages(new StepBuilder(name, jobRepository)
                .tasklet(new SkipOnDryRun(verification), transactionManager)
                .build());
    }

    private Step rideOutOutages(Step step) {
        return OutageTolerantStep.of(step, jobRepository, outage);
    }
}
