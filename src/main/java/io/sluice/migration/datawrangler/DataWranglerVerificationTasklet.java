package io.sluice.migration.datawrangler;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.RefusedRecords;
import io.sluice.migration.MigrationVerificationException;
import io.sluice.batch.Reconciliation;
import io.sluice.batch.SeenKeys;
import io.sluice.batch.SourceRecord;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reconciles a Data Wrangler store with the target after loading. The store is read again, without
 * reporting rejects, through the same parsers as the load steps, and per entity the keys of what
 * should have landed are counted and summed on both sides: datasets (of both catalogues), tags (the
 * names the index gives), dataset_tags (dataset, tag name), workflows (id and dataset reference,
 * resolved or dangling), workflow_nodes and workflow_edges (workflow id and their id). Nodes and edges
 * are compared with every stored row of the store's workflows, so an extra row fails too. Work is
 * done in batches of ids; memory holds 8 bytes per dataset id and tag name. The summary counts the
 * workflows whose dataset is dangling.
 */
class DataWranglerVerificationTasklet implements Tasklet {

    private static final int BATCH = 500;
    private static final String SELECT_DATASETS = """
            SELECT id FROM datasets WHERE id IN (:ids)
            """;
    private static final String SELECT_DATASET_TAGS = """
            SELECT dt.dataset_id, t.name
            FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id
            WHERE dt.dataset_id IN (:ids)
            """;
    private static final String SELECT_WORKFLOWS = """
            SELECT id, dataset_id, dangling_dataset_id FROM workflows WHERE id IN (:ids)
            """;
    private static final String SELECT_NODES = """
            SELECT workflow_id, id FROM workflow_nodes WHERE workflow_id IN (:ids)
            """;
    private static final String SELECT_EDGES = """
            SELECT workflow_id, id FROM workflow_edges WHERE workflow_id IN (:ids)
            """;

    private final NamedParameterJdbcTemplate jdbc;
    private final Function<Dataset.Catalogue, ItemStreamReader<SourceRecord<CatalogueEntry>>> catalogues;
    private final ItemStreamReader<SourceRecord<WorkflowFile>> workflowFiles;
    private final RefusedRecords refusedRecords;

    /** @param refusedRecords the datasets and workflows the database refused in the load steps: rejected, not lost */
    DataWranglerVerificationTasklet(NamedParameterJdbcTemplate jdbc,
                                    Function<Dataset.Catalogue, ItemStreamReader<SourceRecord<CatalogueEntry>>> catalogues,
                                    ItemStreamReader<SourceRecord<WorkflowFile>> workflowFiles, RefusedRecords refusedRecords) {
        this.jdbc = jdbc;
        this.catalogues = catalogues;
        this.workflowFiles = workflowFiles;
        this.refusedRecords = refusedRecords;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
        long instance = contribution.getStepExecution().getJobExecution().getJobInstance().getInstanceId();
        RefusedRecords.Refused refusedDatasets = refusedRecords.of(instance, DataWranglerMigration.DATASETS);
        RefusedRecords.Refused refusedWorkflows = refusedRecords.of(instance, DataWranglerMigration.WORKFLOWS);
        Reconciliation datasets = new Reconciliation("datasets");
        Reconciliation tags = new Reconciliation("tags");
        Reconciliation datasetTags = new Reconciliation("dataset_tags");
        SeenKeys seenDatasets = new SeenKeys();
        SeenKeys sourceTags = new SeenKeys();
        SeenKeys targetTags = new SeenKeys();
        List<String> batch = new ArrayList<>(BATCH);
        for (Dataset.Catalogue catalogue : Dataset.Catalogue.values()) {
            SeenKeys seenHere = new SeenKeys();
            ItemStreamReader<SourceRecord<CatalogueEntry>> reader = catalogues.apply(catalogue);
            reader.open(new ExecutionContext());
            try {
                for (SourceRecord<CatalogueEntry> record = reader.read(); record != null; record = reader.read()) {
                    Dataset dataset = validDataset(record.value());
                    if (dataset == null || refusedDatasets.contains(dataset.id()) || !seenHere.add(dataset.id())) {
                        continue;
                    }
                    for (String tag : dataset.tags()) {
                        datasetTags.source(dataset.id() + "\u0000" + tag);
                        if (sourceTags.add(tag)) {
                            tags.source(tag);
                        }
                    }
                    if (seenDatasets.add(dataset.id())) {
                        datasets.source(dataset.id());
                        batch.add(dataset.id());
                        if (batch.size() >= BATCH) {
                            checkDatasets(batch, datasets, tags, datasetTags, targetTags);
                        }
                    }
                }
            } finally {
                reader.close();
            }
        }
        checkDatasets(batch, datasets, tags, datasetTags, targetTags);

        Reconciliation workflows = new Reconciliation("workflows");
        Reconciliation nodes = new Reconciliation("workflow_nodes");
        Reconciliation edges = new Reconciliation("workflow_edges");
        long[] dangling = {0};
        List<Workflow> workflowBatch = new ArrayList<>(BATCH);
        workflowFiles.open(new ExecutionContext());
        try {
            for (SourceRecord<WorkflowFile> record = workflowFiles.read(); record != null; record = workflowFiles.read()) {
                Workflow workflow = validWorkflow(record.value());
                if (workflow != null && !refusedWorkflows.contains(workflow.id())) {
                    workflowBatch.add(workflow);
                    if (workflowBatch.size() >= BATCH) {
                        checkWorkflows(workflowBatch, workflows, nodes, edges, dangling);
                    }
                }
            }
        } finally {
            workflowFiles.close();
        }
        checkWorkflows(workflowBatch, workflows, nodes, edges, dangling);

        List<Reconciliation> all = List.of(datasets, tags, datasetTags, workflows, nodes, edges);
        String summary = String.join("; ", all.stream().map(Reconciliation::summary).toList())
                + "; workflows with a dangling dataset_id: " + dangling[0];
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription(summary));
        if (!all.stream().allMatch(Reconciliation::matches)) {
            throw new MigrationVerificationException("verification failed: " + summary);
        }
        return RepeatStatus.FINISHED;
    }

    private static Dataset validDataset(CatalogueEntry entry) {
        try {
            return DatasetParser.parse(entry.json(), entry.key(), entry.catalogue());
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    private static Workflow validWorkflow(WorkflowFile file) {
        if (file.fault() != null) {
            return null;
        }
        try {
            return WorkflowParser.parse(file.id(), file.json(), (location, reason, raw) -> { });
        } catch (InvalidRecordException e) {
            return null;
        }
    }

    private void checkDatasets(List<String> batch, Reconciliation datasets, Reconciliation tags,
                               Reconciliation datasetTags, SeenKeys targetTags) {
        if (batch.isEmpty()) {
            return;
        }
        Set<String> found = new HashSet<>(jdbc.queryForList(SELECT_DATASETS, Map.of("ids", batch), String.class));
        for (String id : batch) {
            if (found.contains(id)) {
                datasets.target(id);
            } else {
                datasets.missing(id);
            }
        }
        jdbc.query(SELECT_DATASET_TAGS, Map.of("ids", batch), (ResultSet rs) -> {
            String tag = rs.getString("name");
            datasetTags.target(rs.getString("dataset_id") + "\u0000" + tag);
            if (targetTags.add(tag)) {
                tags.target(tag);
            }
        });
        batch.clear();
    }

    private void checkWorkflows(List<Workflow> batch, Reconciliation workflows, Reconciliation nodes,
                                Reconciliation edges, long[] dangling) {
        if (batch.isEmpty()) {
            return;
        }
        List<String> ids = batch.stream().map(Workflow::id).toList();
        Map<String, String> references = new HashMap<>();
        jdbc.query(SELECT_WORKFLOWS, Map.of("ids", ids), (ResultSet rs) -> {
            String reference = rs.getString("dangling_dataset_id");
            if (reference != null) {
                dangling[0]++;
            } else {
                reference = rs.getString("dataset_id");
            }
            references.put(rs.getString("id"), rs.getString("id") + " -> " + reference);
        });
        for (Workflow workflow : batch) {
            String key = workflow.id() + " -> " + workflow.datasetId();
            workflows.source(key);
            if (key.equals(references.get(workflow.id()))) {
                workflows.target(key);
            } else {
                workflows.missing(references.containsKey(workflow.id()) ? references.get(workflow.id()) + " (expected " + key + ")" : key);
            }
            workflow.nodes().forEach(node -> nodes.source(workflow.id() + "/" + node.id()));
            workflow.edges().forEach(edge -> edges.source(workflow.id() + "/" + edge.id()));
        }
        jdbc.query(SELECT_NODES, Map.of("ids", ids), (ResultSet rs) -> {
            nodes.target(rs.getString("workflow_id") + "/" + rs.getString("id"));
        });
        jdbc.query(SELECT_EDGES, Map.of("ids", ids), (ResultSet rs) -> {
            edges.target(rs.getString("workflow_id") + "/" + rs.getString("id"));
        });
        batch.clear();
    }
}
