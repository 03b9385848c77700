package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.batch.InvalidParametersException;
import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrate legacy stores into the database: DynoAI runs folders, Data Wrangler data folders or Hamilton SQLite files.",
                "It is idempotent: running it again changes only what changed.",
                "Rejected records go to data/executions/<id>/rejects.jsonl; the summary says how many (with --fail-on-rejects, exit code 3)."})
class MigrateCommand implements Callable<Integer> {

    private static final String JOB = "migrate";
    private static final int MAX_PARTITIONS = 16;

    @Mixin
    RejectOptions rejectOptions = new RejectOptions();

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "The stores to migrate, one execution each, one after the other: DynoAI runs folders, Data Wrangler data folders or Hamilton SQLite files.")
    List<Path> paths;

    @Option(names = "--kind", paramLabel = "KIND", description = "The kind of every store given: dynoai, data-wrangler or hamilton (default: recognised from what each PATH holds).")
    String kind;

    @Option(names = "--dry-run", description = "Read, validate and write every chunk inside a transaction that is rolled back, and say what would change; the database stays as it was.")
    boolean dryRun;

    @Option(names = "--archive", paramLabel = "DIR", description = "Move each store into the folder DIR once its verification passed (never on a dry run).")
    Path archive;

    @Option(names = "--chunk-size", paramLabel = "N", defaultValue = "1000",
            description = "How many records each transaction (chunk) holds (default: ${DEFAULT-VALUE}).")
    int chunkSize;

    @Option(names = "--partitions", paramLabel = "N",
            description = "How many partitions load a DynoAI index.json side by side, each with its own thread,"
                    + " connection and restart state; at most one less than the connection pool's size"
                    + " (default: 2 on PostgreSQL; 1, file order, on the embedded HSQLDB, which writes one chunk at a time).")
    Integer partitions;

    @Override
    public Integer call() {
        if (chunkSize < 1) {
            throw new InvalidInputException("--chunk-size must be at least 1");
        }
        if (partitions != null && (partitions < 1 || partitions > MAX_PARTITIONS)) {
            throw new InvalidInputException("--partitions must be between 1 and " + MAX_PARTITIONS);
        }
        for (Path path : paths) {
            if (!Files.exists(path)) {
                throw new InvalidInputException(path + ": no such file or folder");
            }
        }
        int worst = ExitCode.SUCCESS.code();
        try (BootContext boot = BootContext.start()) {
            ExecutionService executions = boot.bean(ExecutionService.class);
            List<JobParameters> migrations = new ArrayList<>();
            for (Path path : paths) {
                migrations.add(parameters(executions, path));
            }
            for (JobParameters parameters : migrations) {
                if (boot.stopRequested()) {
                    break; // stopped by a signal: the other stores are not started
                }
                System.err.printf("Migrating the %s store %s%s%n", parameters.getString("kind"), parameters.getString("store"),
                        dryRun ? " (dry run)" : "");
                JobExecution execution = executions.launch(JOB, parameters, ProgressReporter.forConsole());
                worst = worse(worst, JobOutcome.report(execution, rejectOptions.failOnRejects, System.out));
            }
        }
        return worst;
    }

    /**
     * The checked job parameters for one store. Their problems are told without the "invalid
     * parameters" heading of {@code sluice run}: here the user gave a path and options, not parameters.
     */
    private JobParameters parameters(ExecutionService executions, Path store) {
        try {
            return executions.parameters(JOB, parametersFor(store));
        } catch (InvalidParametersException e) {
            throw new InvalidInputException(String.join("; ", e.problems()), e);
        }
    }

    /** The {@code migrate} job's parameters for one store, as {@code sluice run migrate} takes them. */
    private Map<String, String> parametersFor(Path store) {
        Map<String, String> given = new LinkedHashMap<>();
        given.put("store", store.toString());
        if (kind != null) {
            given.put("kind", kind);
        }
        given.put("dryRun", Boolean.toString(dryRun));
        given.put("chunkSize", Integer.toString(chunkSize));
        if (partitions != null) {
            given.put("partitions", Integer.toString(partitions));
        }
        if (archive != null) {
            given.put("archive", archive.toString());
        }
        return given;
    }

    /** Failure outranks rejects, which outrank success. */
    private static int worse(int a, int b) {
        if (a == ExitCode.FAILED.code() || b == ExitCode.FAILED.code()) {
            return ExitCode.FAILED.code();
        }
        return Math.max(a, b);
    }
}
