package io.sluice.schema;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.sluice.NotFoundException;
import io.sluice.batch.InvalidParametersException;
import io.sluice.batch.JobFamily;
import io.sluice.batch.ParameterReader;
import io.sluice.batch.StepProgress;
import io.sluice.persistence.DatabaseCatalog;
import io.sluice.persistence.RegisteredDatabase;
import io.sluice.persistence.RegisteredDatabases;
import io.sluice.persistence.TableSchema;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersValidator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code analyze-schema} family: a registered database's schema extracted, snapshotted and cached,
 * its tables clustered, and its concepts, attributes and relationships derived, with no language model.
 * Parameters: {@code database} (the registered database's id), {@code method} ({@code schema-affinity},
 * the default, or {@code fk-communities}: see {@link TableClustering}), {@code resolution} (modularity's;
 * by default {@link TableClustering#defaultResolution}), {@code ground-truth} (a CSV file of {@code table,cluster} rows: the clustering's ARI and AMI
 * are computed against it, and the other method's clustering is stored too, inactive, to compare with).
 *
 * <p>Steps: {@code analyze-schema.list-tables} (the snapshot's table list, once per job instance),
 * {@code analyze-schema.extract-tables} ({@value #TABLES_PER_CHUNK} tables a chunk; a restart goes on at
 * the first table not yet described), {@code analyze-schema.save-snapshot} ({@code schema_json} cached, and
 * what changed since the database's last snapshot), {@code analyze-schema.cluster-tables},
 * {@code analyze-schema.derive-concepts} ({@value #CONCEPTS_PER_CHUNK} entity tables a chunk, each sampled at
 * most {@value JdbcSampler#SAMPLE_ROWS} rows a query; a restart goes on after the last committed chunk) and
 * {@code analyze-schema.derive-relationships}. The two chunked steps report their progress (tables done of
 * all) through the job repository, as {@code status}, {@code show} and the progress bar show it; the others
 * take moments. A database that cannot be reached fails its step with one line, and its status becomes
 * {@code failed}. Each step's summary line is kept with the job (a restart's summary has them all), and the
 * clustering it stored is the one its concepts take their clusters from.
 */
@Component
public class AnalyzeSchemaFamily implements JobFamily {

    static final String JOB_NAME = "analyze-schema";
    static final int TABLES_PER_CHUNK = 100;
    static final int CONCEPTS_PER_CHUNK = 20;
    private static final String DATABASE = "database";
    /** The tables of sluice's database an analysis writes, for its lineage. */
    private static final List<String> WRITTEN = List.of("schema_snapshots", "schema_snapshot_tables", "clustering_results", "concepts",
            "attributes", "relationships");
    private static final String METHOD = "method";
    private static final String RESOLUTION = "resolution";
    private static final String GROUND_TRUTH = "ground-truth";
    private static final String LAUNCHED_AT = "launchedAt";
    /** Each step's summary line, kept in the job's context (which a restart carries on) under this prefix and the step's name. */
    private static final String SUMMARY = "sluice.analysis.summary.";
    /** The id of the clustering this run stored, in the job's context. */
    private static final String CLUSTERING = "sluice.analysis.clustering";
    private static final List<String> STEPS = List.of("list-tables", "extract-tables", "save-snapshot", "cluster-tables", "derive-concepts",
            "derive-relationships");

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final RegisteredDatabases databases;
    private final SchemaSnapshots snapshots;
    private final SchemaAnalyses analyses;
    private final org.springframework.jdbc.core.simple.JdbcClient jdbc;

    private static final String RUNNING = """
            SELECT e.JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION e
            JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            JOIN BATCH_JOB_EXECUTION_PARAMS p ON p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
            WHERE i.JOB_NAME = 'analyze-schema' AND e.STATUS IN ('STARTING', 'STARTED', 'STOPPING')
              AND p.PARAMETER_NAME = 'database' AND p.PARAMETER_VALUE = :database
            """;

    /** The job repository's (and the analyses' tables') JDBC URL, for lineage. */
    private final String repositoryUrl;

    AnalyzeSchemaFamily(JobRepository jobRepository, PlatformTransactionManager transactionManager, RegisteredDatabases databases,
                        SchemaSnapshots snapshots, SchemaAnalyses analyses, org.springframework.jdbc.core.simple.JdbcClient jdbc,
                        io.sluice.persistence.SluiceProperties properties) {
        this.repositoryUrl = properties.databaseSettings().jdbcUrl();
        this.jdbc = jdbc;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.databases = databases;
        this.snapshots = snapshots;
        this.analyses = analyses;
    }

    @Override
    public String name() {
        return JOB_NAME;
    }

    @Override
    public JobParameters parameters(Map<String, String> given) {
        ParameterReader reader = new ParameterReader(name(), given);
        String database = reader.required(DATABASE, "db_0123456789");
        String method = reader.text(METHOD);
        String resolution = reader.text(RESOLUTION);
        Path groundTruth = reader.existingPath(GROUND_TRUTH, false, "clusters.csv");
        reader.check();
        JobParametersBuilder builder = new JobParametersBuilder()
                .addString(DATABASE, database)
                .addString(METHOD, method == null ? TableClustering.Method.SCHEMA_AFFINITY.label() : method)
                .addLong(LAUNCHED_AT, System.currentTimeMillis());
        if (resolution != null) {
            builder.addDouble(RESOLUTION, parseResolution(resolution));
        }
        if (groundTruth != null) {
            builder.addString(GROUND_TRUTH, groundTruth.toAbsolutePath().normalize().toString());
        }
        JobParameters parameters = builder.toJobParameters();
        check(parameters);
        List<Long> running = jdbc.sql(RUNNING).param("database", database).query(Long.class).list();
        if (!running.isEmpty()) {
            throw new io.sluice.ConflictException("database " + database + " is being analysed by execution " + running.get(0)
                    + "; wait for it, stop it (sluice stop " + running.get(0) + "), or recover it if its process is gone (sluice recover)");
        }
        return parameters;
    }

    @Override
    public JobParametersValidator validator() {
        return parameters -> {
            try {
                check(parameters);
            } catch (InvalidParametersException | NotFoundException e) {
                throw new InvalidJobParametersException(e.getMessage());
            }
        };
    }

    private void check(JobParameters parameters) {
        List<String> problems = new ArrayList<>();
        try {
            TableClustering.Method.of(parameters.getString(METHOD));
        } catch (IllegalArgumentException e) {
            problems.add(METHOD + ": " + e.getMessage());
        }
        String groundTruth = parameters.getString(GROUND_TRUTH);
        if (groundTruth != null) {
            try {
                groundTruth(Path.of(groundTruth));
            } catch (IllegalArgumentException e) {
                problems.add(GROUND_TRUTH + ": " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidParametersException(JOB_NAME, problems);
        }
        databases.get(parameters.getString(DATABASE));
    }

    private static double parseResolution(String text) {
        try {
            double value = Double.parseDouble(text);
            if (value > 0 && value <= 100) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new InvalidParametersException(JOB_NAME, List.of(RESOLUTION + " must be a number above 0 and at most 100, not '" + text + "'"));
    }

    /**
     * A ground truth: CSV rows {@code table,cluster} (a first row {@code table,cluster} is a header), tables
     * in any case.
     *
     * @throws IllegalArgumentException naming the file and line of a row that is not two fields, or a table given twice
     */
    static Map<String, String> groundTruth(Path file) {
        Map<String, String> clusters = new LinkedHashMap<>();
        try (CsvReader<CsvRecord> csv = CsvReader.builder().skipEmptyLines(true).allowExtraFields(true).allowMissingFields(true)
                .ofCsvRecord(file)) {
            for (CsvRecord record : csv) {
                List<String> fields = record.getFields();
                if (record.getStartingLineNumber() == 1 && fields.size() == 2 && fields.get(0).trim().equalsIgnoreCase("table")) {
                    continue;
                }
                if (fields.size() != 2 || fields.get(0).isBlank() || fields.get(1).isBlank()) {
                    throw new IllegalArgumentException(file + " line " + record.getStartingLineNumber() + ": expected table,cluster");
                }
                String table = fields.get(0).trim().toLowerCase(Locale.ROOT);
                if (clusters.put(table, fields.get(1).trim()) != null) {
                    throw new IllegalArgumentException(file + " line " + record.getStartingLineNumber() + ": table " + fields.get(0).trim() + " is given twice");
                }
            }
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException(file + (java.nio.file.Files.isDirectory(file) ? " is a folder, not a CSV file"
                    : ": cannot be read (" + e.getMessage() + ")"));
        }
        if (clusters.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no table,cluster rows");
        }
        return clusters;
    }

    /** The analysed database, and the tables of sluice's database the analysis writes. */
    @Override
    public io.sluice.batch.Lineage lineage(JobParameters parameters) {
        List<io.sluice.batch.Lineage.Dataset> inputs = databases.find(parameters.getString(DATABASE)).map(database -> {
            try {
                String url = database.jdbcUrl();
                return List.of(new io.sluice.batch.Lineage.Dataset(io.sluice.persistence.LineageNames.namespace(url),
                        io.sluice.persistence.LineageNames.database(url)));
            } catch (IllegalStateException unknownProvider) {
                return List.<io.sluice.batch.Lineage.Dataset>of();
            }
        }).orElse(List.of());
        List<io.sluice.batch.Lineage.Dataset> outputs = WRITTEN.stream().map(table -> new io.sluice.batch.Lineage.Dataset(
                io.sluice.persistence.LineageNames.namespace(repositoryUrl), io.sluice.persistence.LineageNames.table(repositoryUrl, table))).toList();
        return new io.sluice.batch.Lineage(inputs, outputs);
    }

    @Override
    public Job create(JobParameters parameters) {
        String databaseId = parameters.getString(DATABASE);
        TableClustering.Method method = TableClustering.Method.of(parameters.getString(METHOD));
        Double resolution = parameters.getDouble(RESOLUTION);
        String groundTruth = parameters.getString(GROUND_TRUTH);
        return new JobBuilder(JOB_NAME, jobRepository)
                .validator(validator())
                .listener(summaryListener())
                .start(listTables(databaseId))
                .next(extractTables(databaseId))
                .next(saveSnapshot(databaseId))
                .next(clusterTables(databaseId, method, resolution, groundTruth == null ? null : Path.of(groundTruth)))
                .next(deriveConcepts(databaseId))
                .next(deriveRelationships(databaseId))
                .build();
    }

    private Step listTables(String databaseId) {
        return new StepBuilder(JOB_NAME + ".list-tables", jobRepository).tasklet((contribution, context) -> {
            StepExecution step = contribution.getStepExecution();
            long instance = step.getJobExecution().getJobInstance().getInstanceId();
            if (snapshots.ofInstance(instance).isEmpty()) {
                List<TableSchema.Name> tables = databases.read(databases.get(databaseId), connection -> DatabaseCatalog.of(connection).tables(connection));
                snapshots.create(databaseId, instance, tables);
                summary(step, "tables: " + tables.size() + " listed");
            }
            return RepeatStatus.FINISHED;
        }, transactionManager).build();
    }

    private Step extractTables(String databaseId) {
        ExtractReader reader = new ExtractReader();
        return new StepBuilder(JOB_NAME + ".extract-tables", jobRepository)
                .<SchemaSnapshots.PendingTable, SchemaSnapshots.PendingTable>chunk(TABLES_PER_CHUNK)
                .transactionManager(transactionManager)
                .reader(reader)
                .writer(chunk -> {
                    List<SchemaSnapshots.PendingTable> tables = new ArrayList<>(chunk.getItems());
                    List<TableSchema> described = databases.read(databases.get(databaseId), connection -> DatabaseCatalog.of(connection)
                            .describe(connection, tables.stream().map(SchemaSnapshots.PendingTable::name).toList()));
                    snapshots.described(reader.snapshot, tables, described);
                })
                .listener(reader)
                .build();
    }

    /** The snapshot's tables not yet described, in order; it publishes how many of all are. */
    private final class ExtractReader extends ItemStreamSupport implements ItemStreamReader<SchemaSnapshots.PendingTable>, StepExecutionListener {
        private long snapshot;
        private List<SchemaSnapshots.PendingTable> pending = List.of();
        private int next;
        private int total;

        ExtractReader() {
            setName(JOB_NAME + ".extract-tables.reader");
        }

        @Override
        public void beforeStep(StepExecution stepExecution) {
            snapshot = snapshots.ofInstance(stepExecution.getJobExecution().getJobInstance().getInstanceId())
                    .orElseThrow(() -> new ItemStreamException("no snapshot was started for this job instance"));
        }

        @Override
        public void open(ExecutionContext context) {
            pending = snapshots.pending(snapshot);
            total = snapshots.size(snapshot);
            next = 0;
        }

        @Override
        public SchemaSnapshots.PendingTable read() {
            return next < pending.size() ? pending.get(next++) : null;
        }

        @Override
        public void update(ExecutionContext context) {
            StepProgress.publish(context, total - (pending.size() - next), total, "tables");
        }
    }

    private Step saveSnapshot(String databaseId) {
        return new StepBuilder(JOB_NAME + ".save-snapshot", jobRepository).tasklet((contribution, context) -> {
            StepExecution step = contribution.getStepExecution();
            long snapshot = snapshotOf(step);
            List<TableSchema> tables = snapshots.tables(snapshot);
            var previous = snapshots.previous(databaseId, snapshot);
            SchemaChanges changes = previous.map(p -> SchemaChanges.between(snapshots.tables(p), tables)).orElse(null);
            snapshots.complete(snapshot, tables, changes == null ? null : changes.json());
            summary(step, "schema: " + tables.size() + " tables" + (changes == null ? " (the first snapshot)"
                    : "; since the last snapshot: " + changes.summary()));
            return RepeatStatus.FINISHED;
        }, transactionManager).build();
    }

    /** @param given the resolution given, or null for each method's default */
    private Step clusterTables(String databaseId, TableClustering.Method method, Double given, Path groundTruth) {
        return new StepBuilder(JOB_NAME + ".cluster-tables", jobRepository).tasklet((contribution, context) -> {
            StepExecution step = contribution.getStepExecution();
            List<TableSchema> tables = snapshots.tables(snapshotOf(step));
            TableClustering.SchemaIndex index = new TableClustering.SchemaIndex(tables);
            Map<String, String> truth = groundTruth == null ? null : groundTruth(groundTruth);
            String when = LocalDateTime.now().format(DateTimeFormatter.ofPattern("dd/MM/yyyy, HH:mm:ss"));
            String line = "";
            String compared = "";
            for (TableClustering.Method each : TableClustering.Method.values()) {
                boolean chosen = each == method;
                if (!chosen && truth == null) {
                    continue; // the other method only to compare with, against a ground truth
                }
                double resolution = given != null ? given : TableClustering.defaultResolution(each, tables.size());
                List<TableClustering.Cluster> clusters = TableClustering.cluster(tables, each, resolution);
                Double ari = null;
                Double ami = null;
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("method", each.label());
                settings.put("resolution", resolution);
                settings.put("snapshot", snapshotOf(step));
                if (truth != null) {
                    double[] quality = agreement(index, clusters, truth, settings);
                    ari = quality[0];
                    ami = quality[1];
                }
                long saved = analyses.saveClustering(databaseId, "Clustering " + when + " (" + each.label() + ")", each.label(), settings, clusters,
                        chosen, ari, ami);
                if (chosen) {
                    step.getJobExecution().getExecutionContext().putLong(CLUSTERING, saved); // the concepts' clusters, also after a restart
                }
                if (chosen) {
                    line = "clusters: " + clusters.size() + " by " + each.label() + (ari == null ? "" : String.format(Locale.ROOT, " (ARI %.3f, AMI %.3f)", ari, ami));
                } else {
                    compared = String.format(Locale.ROOT, "; %d by %s: ARI %.3f, AMI %.3f", clusters.size(), each.label(), ari, ami);
                }
            }
            analyses.dropUnconfirmed(databaseId);
            summary(step, line + compared);
            return RepeatStatus.FINISHED;
        }, transactionManager).build();
    }

    /** ARI and AMI of {@code clusters} against the ground truth, over the tables both name; notes in {@code settings} how many. */
    private static double[] agreement(TableClustering.SchemaIndex index, List<TableClustering.Cluster> clusters, Map<String, String> truth,
                                      Map<String, Object> settings) {
        List<String> expected = new ArrayList<>();
        List<Integer> predicted = new ArrayList<>();
        for (TableClustering.Cluster cluster : clusters) {
            for (String table : cluster.tables()) {
                String lower = table.toLowerCase(Locale.ROOT);
                String plain = lower.contains(".") ? lower.substring(lower.lastIndexOf('.') + 1) : lower;
                String label = truth.containsKey(lower) ? truth.get(lower) : truth.get(plain);
                if (label != null) {
                    expected.add(label);
                    predicted.add(cluster.clusterId());
                }
            }
        }
        settings.put("groundTruthTables", expected.size());
        settings.put("tablesNotInGroundTruth", index.tables.size() - expected.size());
        if (expected.isEmpty()) {
            throw new IllegalArgumentException("the ground truth names none of the schema's " + index.tables.size() + " tables");
        }
        double ari = PartitionAgreement.adjustedRandIndex(expected, predicted);
        double ami = PartitionAgreement.adjustedMutualInformation(expected, predicted);
        settings.put("ari", ari);
        settings.put("ami", ami);
        return new double[] {ari, ami};
    }

    private Step deriveConcepts(String databaseId) {
        ConceptReader reader = new ConceptReader();
        return new StepBuilder(JOB_NAME + ".derive-concepts", jobRepository)
                .<Integer, Concepts.Concept>chunk(CONCEPTS_PER_CHUNK)
                .transactionManager(transactionManager)
                .reader(reader)
                .processor(table -> reader.concept(databaseId, table))
                .writer(chunk -> analyses.saveConcepts(databaseId, chunk.getItems()))
                .listener(reader)
                .build();
    }

    /**
     * The entity tables of the snapshot, in order, by their index; restartable by the count read (the snapshot
     * does not change). It holds a pooled connection to the analysed database for the samples while the step runs.
     */
    private final class ConceptReader extends ItemStreamSupport implements ItemStreamReader<Integer>, StepExecutionListener {
        private static final String READ = "read";
        TableClustering.SchemaIndex index;
        Map<Integer, Integer> clusterOf = new HashMap<>();
        private List<Integer> entities = List.of();
        private int next;
        private Connection connection;
        private JdbcSampler sampler;
        private String databaseId;

        ConceptReader() {
            setName(JOB_NAME + ".derive-concepts.reader");
        }

        @Override
        public void beforeStep(StepExecution stepExecution) {
            long snapshot = snapshotOf(stepExecution);
            databaseId = snapshots.databaseOf(snapshot);
            List<TableSchema> tables = snapshots.tables(snapshot);
            index = new TableClustering.SchemaIndex(tables);
            entities = new ArrayList<>();
            for (int t = 0; t < tables.size(); t++) {
                if (Concepts.role(index, t) == Concepts.Role.ENTITY) {
                    entities.add(t);
                }
            }
            clusterOf = clustersOf(index, stepExecution.getJobExecution().getExecutionContext().getLong(CLUSTERING, -1L));
        }

        @Override
        public ExitStatus afterStep(StepExecution stepExecution) {
            closeConnection();
            if (stepExecution.getStatus() == BatchStatus.COMPLETED) {
                summary(stepExecution, "concepts: " + analyses.conceptCount(databaseId));
            }
            return null;
        }

        /** The concept of one entity table, its samples read in a transaction of their own (so that no lock outlives the table). */
        Concepts.Concept concept(String databaseId, int table) {
            RegisteredDatabase database = databases.get(databaseId);
            try {
                if (sampler == null) {
                    connection = databases.openForReading(database);
                    sampler = new JdbcSampler(connection, e -> databases.unreachable(database, e));
                }
                Concepts.Concept concept = Concepts.concept(databaseId, index, table, clusterOf.getOrDefault(table, -1), sampler);
                connection.rollback();
                return concept;
            } catch (SQLException e) {
                throw databases.unreachable(database, e);
            }
        }

        @Override
        public void open(ExecutionContext context) {
            next = context.getInt(getExecutionContextKey(READ), 0);
        }

        @Override
        public Integer read() {
            return next < entities.size() ? entities.get(next++) : null;
        }

        @Override
        public void update(ExecutionContext context) {
            context.putInt(getExecutionContextKey(READ), next);
            StepProgress.publish(context, next, entities.size(), "tables");
        }

        @Override
        public void close() {
            closeConnection();
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.rollback();
                    connection.close();
                } catch (SQLException e) {
                    // the pool drops a broken connection
                }
                connection = null;
                sampler = null;
            }
        }
    }

    /** Each table's cluster in a stored clustering, by the table's index. */
    private Map<Integer, Integer> clustersOf(TableClustering.SchemaIndex index, long clusteringId) {
        Map<Integer, Integer> clusterOf = new HashMap<>();
        for (TableClustering.Cluster cluster : analyses.clusters(clusteringId)) {
            for (String table : cluster.tables()) {
                int dot = table.indexOf('.');
                Integer found = dot > 0 ? index.find(table.substring(0, dot), table.substring(dot + 1)) : index.find(null, table);
                if (found != null) {
                    clusterOf.put(found, cluster.clusterId());
                }
            }
        }
        return clusterOf;
    }

    private Step deriveRelationships(String databaseId) {
        return new StepBuilder(JOB_NAME + ".derive-relationships", jobRepository).tasklet((contribution, context) -> {
            StepExecution step = contribution.getStepExecution();
            List<TableSchema> tables = snapshots.tables(snapshotOf(step));
            TableClustering.SchemaIndex index = new TableClustering.SchemaIndex(tables);
            Map<Integer, String> conceptOf = new HashMap<>();
            for (int t = 0; t < tables.size(); t++) {
                Concepts.Role role = Concepts.role(index, t);
                if (role == Concepts.Role.ENTITY) {
                    conceptOf.put(t, Concepts.id("cpt", databaseId, index.display(t)));
                } else if (role == Concepts.Role.EXTENSION) {
                    int entity = Concepts.extended(index, t).orElseThrow();
                    conceptOf.put(t, Concepts.id("cpt", databaseId, index.display(entity)));
                }
            }
            RegisteredDatabase database = databases.get(databaseId);
            List<Concepts.Relationship> relationships = databases.read(database,
                    connection -> Concepts.relationships(databaseId, index, conceptOf, new JdbcSampler(connection, e -> databases.unreachable(database, e))));
            int saved = analyses.saveRelationships(databaseId, relationships);
            summary(step, "relationships: " + saved);
            return RepeatStatus.FINISHED;
        }, transactionManager).build();
    }

    private long snapshotOf(StepExecution step) {
        return snapshots.ofInstance(step.getJobExecution().getJobInstance().getInstanceId())
                .orElseThrow(() -> new IllegalStateException("no snapshot was started for this job instance"));
    }

    /** A step's line for the job's summary, kept with the job so that a restart's summary has the lines of the steps before it. */
    private static void summary(StepExecution step, String line) {
        step.getJobExecution().getExecutionContext().putString(SUMMARY + step.getStepName().substring(JOB_NAME.length() + 1), line);
    }

    /** The summary lines of the steps, as the completed job's exit description. */
    private static JobExecutionListener summaryListener() {
        return new JobExecutionListener() {
            @Override
            public void afterJob(JobExecution execution) {
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    return;
                }
                List<String> lines = new ArrayList<>();
                for (String step : STEPS) {
                    String line = execution.getExecutionContext().getString(SUMMARY + step, null);
                    if (line != null) {
                        lines.add(line);
                    }
                }
                execution.setExitStatus(execution.getExitStatus().addExitDescription(String.join("\n", lines)));
            }
        };
    }
}
