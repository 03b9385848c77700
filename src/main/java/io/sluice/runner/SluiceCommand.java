package io.sluice.runner;

import io.sluice.SluiceException;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseOutage;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code sluice} command: the process entry point. Read-only commands answer over plain JDBC;
 * commands that run or change jobs start the Spring context ({@link BootContext}).
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "sluice runs batch/ETL jobs on Spring Batch: it migrates legacy JSON and SQLite stores into one database,"
                + " restarts what failed where it stopped, and shows what every job is doing.",
        subcommands = {MigrateCommand.class, RunCommand.class, StatusCommand.class, ShowCommand.class, RestartCommand.class,
                StopCommand.class, RecoverCommand.class, AbandonCommand.class, PurgeCommand.class, WorkflowCommand.class, DbCommand.class,
                AnalyzeSchemaCommand.class, JobsCommand.class, ServeCommand.class},
        footer = {"", "Database: the embedded HSQLDB under ./data unless DATABASE_URL is set: a JDBC URL, or postgresql://user:pass@host:port/db"
                + " (also postgres:// and postgresql+psycopg2://, +asyncpg://...).",
                "Logs: data/logs/sluice.log (--verbose shows them here too).",
                "Exit codes: 0 success, 1 failed or stopped (also a job stopped by SIGTERM or Ctrl-C), 2 usage error,",
                "3 completed with rejected records (with --fail-on-rejects), 4 not found, 5 running, already restarted or already complete,",
                "or the embedded database held by another process that does not share it; 130/143 a signal before any job started."})
public class SluiceCommand {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show stack traces of errors, and the log on the terminal too.")
    boolean verbose;

    /** Arguments meant for Spring ({@code --spring.*}, {@code --sluice.*}), kept away from picocli. */
    static final List<String> SPRING_ARGUMENTS = new ArrayList<>();

    public static void main(String[] args) {
        String[] given = Utf8Locale.arguments(args);
        Optional<Integer> relaunched = Utf8Locale.relaunchIfNeeded(given);
        if (relaunched.isPresent()) {
            System.exit(relaunched.get());
        }
        ProcessExit.exit(execute(given));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@code main}). */
    public static int execute(String... args) {
        List<String> ours = new ArrayList<>();
        SPRING_ARGUMENTS.clear();
        BootContext.forgetLogFile();
        for (String arg : args) {
            if (arg.startsWith("--spring.") || arg.startsWith("--sluice.") || arg.startsWith("--logging.")) {
                SPRING_ARGUMENTS.add(arg);
            } else {
                ours.add(arg);
            }
        }
        if (ours.contains("--verbose")) {
            SPRING_ARGUMENTS.add(0, "--logging.threshold.console=TRACE"); // the log reaches the terminal too
        }
        // a thread that dies of an exception is logged (to the log file), never printed on the terminal
        Thread.setDefaultUncaughtExceptionHandler((thread, error) ->
                LoggerFactory.getLogger(SluiceCommand.class).error("thread {} ended by an uncaught exception", thread.getName(), error));
        SluiceCommand root = new SluiceCommand();
        CommandLine commandLine = new CommandLine(root);
        commandLine.setExecutionExceptionHandler((exception, cmd, parsed) -> report(exception, root.verbose, cmd));
        commandLine.setParameterExceptionHandler((exception, arguments) -> {
            CommandLine cmd = exception.getCommandLine();
            cmd.getErr().println("sluice: " + exception.getMessage());
            cmd.getErr().println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
            return ExitCode.USAGE.code();
        });
        return commandLine.execute(ours.toArray(String[]::new));
    }

    private static int report(Exception exception, boolean verbose, CommandLine cmd) {
        SluiceException known = findSluiceException(exception);
        if (known != null) {
            cmd.getErr().println("sluice: " + known.getMessage() + logHint(ExitCode.of(known.kind()), verbose));
        } else if (DatabaseOutage.isConnectionLoss(exception)) {
            cmd.getErr().println("sluice: cannot reach the database "
                    + Connections.settingsFromEnvironment(SPRING_ARGUMENTS).displayUrl() + ": " + databaseMessage(exception)
                    + logHint(ExitCode.FAILED, verbose));
        } else {
            Throwable root = exception;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            cmd.getErr().println("sluice: unexpected error: " + (root.getMessage() == null ? "(no message)" : root.getMessage())
                    + logHint(ExitCode.FAILED, verbose));
        }
        if (verbose) {
            exception.printStackTrace(cmd.getErr());
        }
        return known != null ? ExitCode.of(known.kind()).code() : ExitCode.FAILED.code();
    }

    /** The message of the first {@link SQLException} behind {@code exception} (the driver's own words), else of its root cause. */
    static String databaseMessage(Throwable exception) {
        Throwable root = exception;
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null) {
                return t.getMessage();
            }
            root = t;
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }

    /** Where the details of a failure are: the log file (when a Spring context wrote one), or --verbose. */
    private static String logHint(ExitCode exitCode, boolean verbose) {
        if (verbose || exitCode != ExitCode.FAILED) {
            return "";
        }
        return BootContext.logFile().map(file -> " (details: " + file + ", or run with --verbose)").orElse(" (run with --verbose for details)");
    }

    private static SluiceException findSluiceException(Throwable exception) {
        for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SluiceException sluice) {
                return sluice;
            }
        }
        return null;
    }
}
