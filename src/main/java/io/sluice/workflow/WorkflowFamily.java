package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.batch.Flows;
import io.sluice.batch.InvalidParametersException;
import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.JobFamily;
import io.sluice.batch.ParameterReader;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.WriteCounts;
import io.sluice.persistence.LineageNames;
import io.sluice.persistence.SluiceProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.job.builder.FlowBuilder;
import org.springframework.batch.core.job.builder.FlowJobBuilder;
import org.springframework.batch.core.job.builder.SimpleJobBuilder;
import org.springframework.batch.core.job.flow.Flow;
import org.springframework.batch.core.job.flow.support.SimpleFlow;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.job.parameters.JobParametersValidator;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The {@code workflow} family: a Data Wrangler workflow or an etl-core job run as a Spring Batch job,
 * one chunk-oriented step per segment of its plan ({@link WorkflowPlan}), so that a restart after a
 * failure runs only the steps that did not complete.
 *
 * <p>Parameters: {@code file} (a workflow or job file) or {@code id} (a workflow stored in the
 * database, see {@link StoredWorkflows}), one of them; {@code set.KEY} (any number: a {@code --set KEY=VALUE}
 * override, see {@link WorkflowFiles#read}). The job checks the whole workflow before it starts and
 * reports every problem at once. A stored workflow's run is recorded in its rows: the workflow's
 * status and last run, each node's status and time.
 */
@Component
public class WorkflowFamily implements JobFamily {

    private static final Logger log = LoggerFactory.getLogger(WorkflowFamily.class);

    static final String JOB_NAME = "workflow";
    static final String FILE = "file";
    static final String ID = "id";
    static final String SET = "set.";
    private static final String OVERRIDES = "overrides";
    private static final String LAUNCHED_AT = "launchedAt";

    private final JobRepository jobRepository;
    private final PlatformTransactionManager transactionManager;
    private final RejectFiles rejectFiles;
    private final SluiceProperties properties;
    private final StoredWorkflows stored;
    private final JdbcTemplate jdbc;
    private final AnalysisResults analysisResults;
    private final WorkflowResources resources;
    /**
     * The plan {@link #parameters} made, for the launch that follows at once: {@link #create} takes it and
     * its validator the fact that it was checked, instead of reading and planning the workflow twice more
     * (the file's schema sample, the formulas compiled). Each taken once; any other parameters (a restart's)
     * are planned anew.
     */
    private final java.util.concurrent.atomic.AtomicReference<Planned> justPlanned = new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicReference<JobParameters> justChecked = new java.util.concurrent.atomic.AtomicReference<>();

    private record Planned(JobParameters parameters, WorkflowPlan plan) {
    }

    WorkflowFamily(JobRepository jobRepository, PlatformTransactionManager transactionManager, RejectFiles rejectFiles,
                   SluiceProperties properties, StoredWorkflows stored, JdbcTemplate jdbc, AnalysisResults analysisResults,
                   WorkflowResources resources) {
        this.jdbc = jdbc;
        this.analysisResults = analysisResults;
        this.jobRepository = jobRepository;
        this.transactionManager = transactionManager;
        this.rejectFiles = rejectFiles;
        this.properties = properties;
        this.stored = stored;
        this.resources = resources;
    }

    @Override
    public String name() {
        return JOB_NAME;
    }

    @Override
    public JobParameters parameters(Map<String, String> given) {
        Map<String, String> overrides = new TreeMap<>();
        Map<String, String> rest = new LinkedHashMap<>();
        given.forEach((key, value) -> {
            if (key.startsWith(SET)) {
                overrides.put(key.substring(SET.length()), value);
            } else {
                rest.put(key, value);
            }
        });
        ParameterReader reader = new ParameterReader(name(), rest);
        boolean fileGiven = reader.text(FILE) != null;
        Path file = reader.existingPath(FILE, false, "PATH");
        String id = reader.text(ID);
        if (!fileGiven && id == null) {
            reader.problem("file or id is missing (file=PATH or id=WORKFLOW-ID)");
        } else if (fileGiven && id != null) {
            reader.problem("give file or id, not both");
        }
        reader.check();
        JobParametersBuilder builder = new JobParametersBuilder();
        if (file != null) {
            builder.addString(FILE, file.toAbsolutePath().normalize().toString());
        } else {
            builder.addString(ID, id);
        }
        JobParameters parameters = builder
                .addString(OVERRIDES, JsonMapper.builder().build().writeValueAsString(overrides))
                .addLong(LAUNCHED_AT, System.currentTimeMillis())
                .toJobParameters();
        justPlanned.set(new Planned(parameters, plan(parameters)));
        justChecked.set(parameters);
        return parameters;
    }

    @Override
    public JobParametersValidator validator() {
        return parameters -> {
            if (parameters.equals(justChecked.getAndSet(null))) {
                return; // checked by parameters() a moment ago
            }
            try {
                plan(parameters);
            } catch (InvalidInputException e) {
                throw new InvalidJobParametersException(e.getMessage());
            }
        };
    }

    @Override
    public Job create(JobParameters parameters) {
        Planned planned = justPlanned.getAndSet(null);
        WorkflowPlan plan = planned != null && planned.parameters().equals(parameters) ? planned.plan() : plan(parameters);
        String workflowId = parameters.getString(ID);
        List<List<WorkflowPlan.Segment>> waves = plan.waves();
        if (waves.isEmpty()) {
            throw new InvalidParametersException(JOB_NAME, List.of("workflow " + plan.definition().name() + " has nothing to run"));
        }
        JobBuilder builder = new JobBuilder(JOB_NAME, jobRepository).validator(validator())
                .listener(new WorkflowJobListener(rejectFiles)).listener(graph(plan).recorder(jobRepository))
                .listener(rowFilesRemovedOnCompletion());
        if (workflowId != null) {
            builder.listener(new NodeStatus(stored, workflowId, plan.definition().nodesById().keySet()).jobListener(jobRepository));
        }
        if (waves.stream().allMatch(wave -> wave.size() == 1)) {
            SimpleJobBuilder job = null;
            for (List<WorkflowPlan.Segment> wave : waves) {
                Step step = step(plan, wave.get(0), workflowId, plan.definition().maxRejects());
                job = job == null ? builder.start(step) : job.next(step);
            }
            return job.build();
        }
        // independent segments of a wave run side by side, a thread each, as many at once as there are cores
        SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("workflow-");
        threads.setConcurrencyLimit(Runtime.getRuntime().availableProcessors());
        FlowBuilder<FlowJobBuilder> job = null;
        for (List<WorkflowPlan.Segment> wave : waves) {
            Flow flow;
            if (wave.size() == 1) {
                flow = flowOf(step(plan, wave.get(0), workflowId, plan.definition().maxRejects()));
            } else {
                List<Flow> branches = new ArrayList<>();
                for (WorkflowPlan.Segment segment : wave) {
                    branches.add(flowOf(step(plan, segment, workflowId, plan.definition().maxRejects())));
                }
                flow = new FlowBuilder<SimpleFlow>("workflow.wave-" + (waves.indexOf(wave) + 1)).split(threads)
                        .add(branches.toArray(Flow[]::new)).build();
            }
            flow = Flows.listable(flow); // so that its steps get metrics (BatchObservations)
            job = job == null ? builder.start(flow) : job.next(flow);
        }
        return job.end().build();
    }

    /**
     * The workflow's sources (files, and the databases it queries) and exports (files, and tables), as its plan has
     * them; none when it cannot be planned (the job then fails on its own).
     */
    @Override
    public io.sluice.batch.Lineage lineage(JobParameters parameters) {
        WorkflowPlan plan;
        try {
            plan = plan(parameters);
        } catch (RuntimeException unplannable) {
            return io.sluice.batch.Lineage.NONE;
        }
        java.util.Set<io.sluice.batch.Lineage.Dataset> inputs = new java.util.LinkedHashSet<>();
        java.util.Set<io.sluice.batch.Lineage.Dataset> outputs = new java.util.LinkedHashSet<>();
        for (List<WorkflowPlan.Segment> wave : plan.waves()) {
            for (WorkflowPlan.Segment segment : wave) {
                if (segment.source() instanceof FileSource file) {
                    inputs.add(io.sluice.batch.Lineage.Dataset.file(file.file()));
                } else if (segment.source() instanceof QuerySource query) {
                    String url = query.database().lineageUrl();
                    inputs.add(new io.sluice.batch.Lineage.Dataset(LineageNames.namespace(url), LineageNames.database(url)));
                }
                if (segment.export() instanceof Export export) {
                    outputs.add(io.sluice.batch.Lineage.Dataset.file(export.file()));
                } else if (segment.export() instanceof TableExport table) {
                    String url = table.database().lineageUrl();
                    outputs.add(new io.sluice.batch.Lineage.Dataset(LineageNames.namespace(url), LineageNames.table(url, table.table())));
                }
            }
        }
        return new io.sluice.batch.Lineage(List.copyOf(inputs), List.copyOf(outputs), plan.definition().name());
    }

    /** The plan's nodes, each with the step that runs it, and its edges: what the dashboard draws. */
    private static io.sluice.batch.ExecutionGraph graph(WorkflowPlan plan) {
        Map<String, String> stepOf = new LinkedHashMap<>();
        plan.waves().forEach(wave -> wave.forEach(segment -> segment.nodeIds().forEach(node -> stepOf.putIfAbsent(node, segment.stepName()))));
        return new io.sluice.batch.ExecutionGraph(
                plan.definition().nodes().stream().map(node -> new io.sluice.batch.ExecutionGraph.Node(node.id(), node.type(), stepOf.get(node.id()))).toList(),
                plan.definition().edges().stream().map(edge -> new io.sluice.batch.ExecutionGraph.Edge(edge.source(), edge.target())).toList());
    }

    private static Flow flowOf(Step step) {
        return new FlowBuilder<SimpleFlow>(step.getName()).start(step).build();
    }

    /**
     * The workflow the parameters name, checked and planned.
     *
     * @throws InvalidInputException naming every problem of the workflow
     */
    private WorkflowPlan plan(JobParameters parameters) {
        String file = parameters.getString(FILE);
        String id = parameters.getString(ID);
        if (file == null && id == null) {
            throw new InvalidParametersException(JOB_NAME, List.of("file or id is missing (file=PATH or id=WORKFLOW-ID)"));
        }
        return WorkflowPlan.of(file != null ? WorkflowFiles.read(Path.of(file), overrides(parameters)) : stored.read(id, overrides(parameters)), resources);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> overrides(JobParameters parameters) {
        String json = parameters.getString(OVERRIDES);
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        JsonMapper.builder().build().readValue(json, Map.class).forEach((key, value) -> overrides.put(String.valueOf(key), String.valueOf(value)));
        return overrides;
    }

    private Step step(WorkflowPlan plan, WorkflowPlan.Segment segment, String workflowId, long maxRejects) {
        boolean restartable = segment.writesRowsOf() == null;
        List<RowOperation> chain = segment.chain();
        Path sourceFile = segment.from() instanceof WorkflowPlan.Input.File file && file.source() instanceof FileSource source
                ? source.file() : null;
        SegmentReader reader = new SegmentReader(segment.stepName() + ".reader", opener(segment), sourceFile,
                () -> segment.rowFileOf() != null ? rowFile(currentStep(), segment.rowFileOf()).toString() : segment.describeInput(),
                segment.source() != null ? segment.source().unit() : "row", restartable, rejectFiles, maxRejects, chain);
        boolean endsInNode = segment.export() != null || segment.blocking() != null;
        // a join puts out rows of its own, as a source does
        NodeRows counts = new NodeRows(segment.stepName() + ".rows", segment.nodeIds(), segment.rowFileOf() == null, restartable, jdbc, workflowId);
        int first = counts.firstOperation();
        // the chain ran on the reading thread (SegmentReader): here its rows are counted, node by node, and what it
        // threw is reported; a row a node drops counts as filtered, one it cannot compute is rejected with its source line
        ItemProcessor<SourceRow, Object[]> processor = row -> {
            try {
                counts.sourceRow();
                for (int i = 0; i < row.passed(); i++) {
                    counts.in(first + i);
                    counts.out(first + i);
                }
                if (row.passed() < chain.size()) {
                    counts.in(first + row.passed()); // the node that dropped it or threw
                }
                Object[] result = row.result();
                // a value the export's format cannot hold (a control character in XML) is rejected, never altered
                String refused = result != null && segment.export() instanceof Export file ? file.refusal(segment.output(), result) : null;
                if (refused != null) {
                    String exportNode = segment.nodeIds().get(segment.nodeIds().size() - 1);
                    reject(segment, row.values(), row.line(), "node " + exportNode + " cannot write it: " + refused, maxRejects);
                    return null;
                }
                if (result != null && endsInNode) {
                    counts.intoLast(segment.export() != null);
                }
                return result;
            } catch (InvalidRecordException e) {
                reject(segment, row.values(), row.line(), e.getMessage(), maxRejects);
                return null;
            } catch (ArithmeticException e) {
                // an expression that cannot be computed for this row (text times a number, an overflow): the row is bad input
                reject(segment, row.values(), row.line(), "cannot be computed in " + String.join(", ", segment.nodeIds()) + ": " + e.getMessage(), maxRejects);
                return null;
            }
        };
        ChunkOrientedStepBuilder<SourceRow, Object[]> step = new StepBuilder(segment.stepName(), jobRepository)
                .<SourceRow, Object[]>chunk(SourceRow.CHUNK)
                .transactionManager(transactionManager)
                .reader(reader)
                .processor(processor)
                .stream(counts)
                // first: Spring Batch calls afterStep listeners in reverse order, so these run after the writers' own
                .listener(counts);
        if (workflowId != null) {
            step.listener(new NodeStatus(stored, workflowId, segment.nodeIds().stream().map(plan::originOf).distinct().toList()).stepListener());
        }
        // what the step makes is finished in its last chunk (see InputEnd); its afterStep runs before the node status's
        InputEnd end = new InputEnd(segment.stepName() + ".end", reader::ended);
        if (segment.export() instanceof TableExport table) {
            TableExport.Writer writer = table.writer(segment.stepName() + ".writer");
            step.writer(writer);
            end.then(writer::finish);
        } else if (segment.export() instanceof Export file) {
            SegmentWriters.ExportWriter writer = new SegmentWriters.ExportWriter(segment.stepName() + ".writer", file, segment.output());
            step.writer(writer);
            end.then(writer::finish);
        } else if (segment.materialized() != null) {
            SegmentWriters.RowFileWriter writer = new SegmentWriters.RowFileWriter(segment.output(),
                    stepExecution -> rowFile(stepExecution, segment.materialized()));
            step.writer(writer).listener(writer);
            end.then(writer::finish);
        } else if (segment.blocking() != null) {
            SegmentWriters.BlockingWriter writer = new SegmentWriters.BlockingWriter(segment.blocking(),
                    stepExecution -> rowFile(stepExecution, segment.blockingNode()), counts::madeByLast);
            step.writer(writer);
            end.then(writer::finish);
        } else {
            step.writer(chunk -> { });
        }
        if (segment.blocking() instanceof Analysis analysis) {
            end.then(analysisResults.finisher(workflowId, segment.blockingNode(), analysis)); // once the node has finished
        }
        // after the writer's stream, so that an export's last committed length is kept before its end mark
        step.stream(end).listener(end);
        return step.build();
    }

    /** Opens a segment's records: its source file's, the row file it reads, or the join of two row files. */
    private SegmentReader.Opener opener(WorkflowPlan.Segment segment) {
        if (segment.from() instanceof WorkflowPlan.Input.File file) {
            return rejects -> file.source().records(rejects);
        }
        if (segment.from() instanceof WorkflowPlan.Input.Join join) {
            return rejects -> join.join().open(rowFile(currentStep(), join.left()), rowFile(currentStep(), join.right()));
        }
        return rejects -> new RowFile.Reader(rowFile(currentStep(), segment.rowFileOf()));
    }

    /** A row a node refused (a value that does not convert): to the reject file with the source's file and the row's line, the row as a JSON object. */
    private void reject(WorkflowPlan.Segment segment, Object[] row, long line, String reason, long maxRejects) {
        String file = segment.describeInput();
        String unit = segment.source() != null ? segment.source().unit() + " " : "row ";
        rejectFiles.currentInChunk().reject(file, unit + line, reason, JsonExport.object(segment.input(), row));
        checkRejects(maxRejects, file + " " + unit + line + ": " + reason);
    }

    /**
     * Fails the step when the run (all its steps) rejected more rows than {@code maxRejects}.
     *
     * @param last the last rejection, for the message
     * @throws TooManyRejectsException when it did
     */
    static void checkRejects(long maxRejects, String last) {
        if (maxRejects == Long.MAX_VALUE) {
            return;
        }
        if (WriteCounts.rejectedIn(currentStep().getJobExecution()) > maxRejects) {
            throw new TooManyRejectsException("the run rejected more than " + maxRejects + " row" + (maxRejects == 1 ? "" : "s")
                    + " (the workflow's max_rejects), the last at " + last);
        }
    }

    /** The run rejected more rows than its workflow allows: the step fails, and a restart goes on from its last commit. */
    static final class TooManyRejectsException extends RuntimeException {
        TooManyRejectsException(String message) {
            super(message);
        }
    }

    private static StepExecution currentStep() {
        var context = StepSynchronizationManager.getContext();
        if (context == null) {
            throw new IllegalStateException("no step is running on this thread");
        }
        return context.getStepExecution();
    }

    /**
     * Removes a job instance's row files once its execution has completed: they are kept only for its restarts
     * (a failed or stopped execution keeps them). A file that cannot be removed is logged, never fails the job.
     */
    private JobExecutionListener rowFilesRemovedOnCompletion() {
        return new JobExecutionListener() {
            @Override
            public void afterJob(JobExecution execution) {
                if (execution.getStatus() != BatchStatus.COMPLETED) {
                    return;
                }
                Path folder = instanceFolder(execution.getJobInstance().getInstanceId());
                if (!Files.isDirectory(folder)) {
                    return;
                }
                try (Stream<Path> files = Files.walk(folder)) {
                    for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(file);
                    }
                } catch (IOException | UncheckedIOException e) {
                    log.warn("cannot remove the row files of completed execution {} in {}: {}", execution.getId(), folder, e.getMessage());
                }
            }
        };
    }

    private Path instanceFolder(long instanceId) {
        return properties.dataDir().toAbsolutePath().resolve("workflows").resolve("instance-" + instanceId);
    }

    /** Where a blocking node of a job instance leaves its rows for the steps after it: kept across restarts of the instance. */
    private Path rowFile(StepExecution step, String nodeId) {
        return instanceFolder(step.getJobExecution().getJobInstance().getInstanceId())
                .resolve(nodeId.replaceAll("[^A-Za-z0-9._-]", "_") + ".rows");
    }
}
