package io.sluice.runner;

import io.sluice.ExitCode;
import io.sluice.SluiceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code sluice} command: the process entry point. Read-only commands answer over plain JDBC;
 * commands that run or change jobs start the Spring context ({@link BootContext}).
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "sluice runs batch/ETL jobs on Spring Batch: it migrates legacy JSON and SQLite stores into one database,"
                + " restarts what failed where it stopped, and shows what every job is doing.",
        subcommands = {MigrateCommand.class, RunCommand.class, StatusCommand.class, ShowCommand.class, RestartCommand.class,
                StopCommand.class, RecoverCommand.class, AbandonCommand.class, PurgeCommand.class},
        footer = {"", "Database: the embedded HSQLDB under ./data unless DATABASE_URL is set (a JDBC URL or postgresql://user:pass@host:port/db).",
                "Exit codes: 0 success, 1 failed, 2 usage error, 3 completed with rejected records (with --fail-on-rejects), 4 not found,"
                        + " 5 running, already restarted or already complete."})
public class SluiceCommand {

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT, description = "Show the whole stack trace of an error, not only its one-line message.")
    boolean verbose;

    /** Arguments meant for Spring ({@code --spring.*}, {@code --sluice.*}), kept away from picocli. */
    static final List<String> SPRING_ARGUMENTS = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command line and returns its exit code (tests call this instead of {@code main}). */
    public static int execute(String... args) {
        List<String> ours = new ArrayList<>();
        SPRING_ARGUMENTS.clear();
        for (String arg : args) {
            if (arg.startsWith("--spring.") || arg.startsWith("--sluice.") || arg.startsWith("--logging.")) {
                SPRING_ARGUMENTS.add(arg);
            } else {
                ours.add(arg);
            }
        }
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
            cmd.getErr().println("sluice: " + known.getMessage());
        } else {
            Throwable root = exception;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            cmd.getErr().println("sluice: " + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage())
                    + (verbose ? "" : " (run with --verbose for details)"));
        }
        if (verbose) {
            exception.printStackTrace(cmd.getErr());
        }
        return known != null ? known.exitCode().code() : ExitCode.FAILED.code();
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
