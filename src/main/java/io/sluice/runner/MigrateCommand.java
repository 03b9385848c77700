package io.sluice.runner;

import io.sluice.ExitCode;
import io.sluice.SluiceException;
import io.sluice.migration.MigrationParameters;
import io.sluice.migration.StoreKind;
import io.sluice.persistence.DatabaseSettings;
import io.sluice.persistence.SluiceProperties;
import org.springframework.batch.core.job.JobExecution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Migrate legacy stores into the database: DynoAI runs folders, Data Wrangler data folders or Hamilton SQLite files.",
                "It is idempotent: running it again changes only what changed.",
                "Rejected records go to data/executions/<id>/rejects.jsonl; the summary says how many (with --fail-on-rejects, exit code 3)."})
class MigrateCommand implements Callable<Integer> {

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

    @Option(names = "--chunk-size", paramLabel = "N", defaultValue = "" + MigrationParameters.DEFAULT_CHUNK_SIZE,
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
            throw new SluiceException(ExitCode.USAGE, "--chunk-size must be at least 1");
        }
        if (partitions != null && (partitions < 1 || partitions > MigrationParameters.MAX_PARTITIONS)) {
            throw new SluiceException(ExitCode.USAGE, "--partitions must be between 1 and " + MigrationParameters.MAX_PARTITIONS);
        }
        List<MigrationParameters> migrations = new ArrayList<>();
        for (Path path : paths) {
            StoreKind storeKind = kind == null ? StoreKind.detect(path) : StoreKind.fromId(kind);
            migrations.add(new MigrationParameters(storeKind.storeRoot(path), storeKind, dryRun, chunkSize,
                    partitions == null ? MigrationParameters.UNSET : partitions, archive));
        }
        int worst = ExitCode.SUCCESS.code();
        try (BootContext boot = BootContext.start()) {
            DatabaseSettings.Vendor vendor = boot.bean(SluiceProperties.class).databaseSettings().vendor();
            for (MigrationParameters given : migrations) {
                MigrationParameters parameters = given.withDefaultPartitionsFor(vendor);
                System.err.printf("Migrating the %s store %s%s%n", parameters.kind().id(),
                        parameters.store().toAbsolutePath().normalize(), dryRun ? " (dry run)" : "");
                JobExecution execution = boot.bean(JobControl.class)
                        .launch(MigrationParameters.JOB_NAME, parameters.toJobParameters(), ProgressReporter.forConsole());
                worst = worse(worst, JobOutcome.report(execution, rejectOptions.failOnRejects, System.out));
            }
        }
        return worst;
    }

    /** Failure outranks rejects, which outrank success. */
    private static int worse(int a, int b) {
        if (a == ExitCode.FAILED.code() || b == ExitCode.FAILED.code()) {
            return ExitCode.FAILED.code();
        }
        return Math.max(a, b);
    }
}
