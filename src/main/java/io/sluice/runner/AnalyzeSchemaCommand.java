package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sluice analyze-schema ID}: the {@code analyze-schema} job (found by name, like every family) on a
 * registered database, as {@code sluice run analyze-schema database=ID} would run it.
 */
@Command(name = "analyze-schema", mixinStandardHelpOptions = true,
        description = {"Extract a registered database's schema, cluster its tables and derive its concepts, attributes and relationships.",
                "It runs as a restartable job: `sluice restart ID` goes on at the table where it stopped."})
class AnalyzeSchemaCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "ID", description = "The registered database's id, as `sluice db list` shows it.")
    String id;

    @Option(names = "--method", paramLabel = "NAME",
            description = "schema-affinity (the default: keys, naming conventions, link tables and hubs) or fk-communities (declared foreign keys only).")
    String method;

    @Option(names = "--resolution", paramLabel = "R", description = "Modularity's resolution: above 1 gives more, smaller clusters (default: 1 for fk-communities, max(1, sqrt(tables / 150)) for schema-affinity).")
    String resolution;

    @Option(names = "--ground-truth", paramLabel = "FILE",
            description = "A CSV file of table,cluster rows: the clustering's ARI and AMI against it are stored and shown, with the other method's.")
    Path groundTruth;

    @Override
    public Integer call() {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("database", id);
        if (method != null) {
            given.put("method", method);
        }
        if (resolution != null) {
            given.put("resolution", resolution);
        }
        if (groundTruth != null) {
            given.put("ground-truth", groundTruth.toString());
        }
        try (BootContext boot = BootContext.start()) {
            JobExecution execution = boot.bean(ExecutionService.class).launch("analyze-schema", given, ProgressReporter.forConsole());
            return JobOutcome.report(execution, false, System.out);
        }
    }
}
