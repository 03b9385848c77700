package io.sluice.migration.datawrangler;

import io.sluice.batch.OutageTolerantStep;
import io.sluice.migration.DryRunItemWriter;
import io.sluice.migration.LegacyJson;
import io.sluice.migration.LoadStepPolicy;
import io.sluice.migration.MigrationParameters;
import io.sluice.migration.RejectFiles;
import io.sluice.migration.SkipOnDryRun;
import io.sluice.migration.SourceRecord;
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

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final NamedParameterJdbcTemplate jdbc;
    private final RejectFiles rejectFiles;
    private final ObjectMapper mapper = LegacyJson.mapper();
    private final DatabaseOutage outage;

    DataWranglerMigration(JobRepository jobRepository, PlatformTransactionManager transactionManager,
                          NamedParameterJdbcTemplate jdbc, RejectFiles rejectFiles, DatabaseOutage outage) {
        this.outage = outage;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.jdbc = jdbc;
        this.rejectFiles = rejectFiles;
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
        ChunkOrientedStepBuilder<SourceRecord<CatalogueEntry>, Dataset> step = new StepBuilder(name, jobRepository)
                .<SourceRecord<CatalogueEntry>, Dataset>chunk(parameters.chunkSize())
                .transactionManager(transactionManager)
                .reader(new CatalogueItemReader(name + ".reader", store, catalogue, rejectFiles, mapper))
                .processor(new DatasetProcessor())
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), new DatasetItemWriter(jdbc, mapper), transactionManager));
        return rideOutOutages(LoadStepPolicy.apply(step, rejectFiles).build());
    }

    private Step loadWorkflows(MigrationParameters parameters, Path store) {
        String name = "migrate.load-workflows";
        ChunkOrientedStepBuilder<SourceRecord<WorkflowFile>, Workflow> step = new StepBuilder(name, jobRepository)
                .<SourceRecord<WorkflowFile>, Workflow>chunk(Math.max(1, Math.min(parameters.chunkSize(), MAX_WORKFLOW_CHUNK)))
                .transactionManager(transactionManager)
                .reader(new WorkflowFileItemReader(name + ".reader", store, mapper))
                .processor(new WorkflowProcessor(rejectFiles))
                .writer(DryRunItemWriter.wrapIf(parameters.dryRun(), new WorkflowItemWriter(jdbc, mapper), transactionManager));
        return rideOutOutages(LoadStepPolicy.apply(step, rejectFiles).build());
    }

    private Step verify(Path store) {
        String name = "migrate.verify-data-wrangler";
        DataWranglerVerificationTasklet verification = new DataWranglerVerificationTasklet(jdbc,
                catalogue -> new CatalogueItemReader(name + ".reader", store, catalogue, null, mapper),
                new WorkflowFileItemReader(name + ".workflow-reader", store, mapper));
        return rideOutOutages(new StepBuilder(name, jobRepository)
                .tasklet(new SkipOnDryRun(verification), transactionManager)
                .build());
    }

    private Step rideOutOutages(Step step) {
        return OutageTolerantStep.of(step, jobRepository, outage);
    }
}
