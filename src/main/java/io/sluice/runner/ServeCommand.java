package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.persistence.DatabaseOutage;
import io.sluice.execution.ExecutionService;
import io.sluice.persistence.SluiceProperties;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code sluice serve}: the long-running process that fires the schedules of {@code jobs/} (see
 * {@link ScheduleRunner}): each fire runs exactly once however many {@code serve} processes share the
 * database. On the default embedded database it is the process that holds the files and lets the others
 * in through its loopback server. It also serves the dashboard and the REST API (the {@code web} package) on
 * {@code server.address}:{@code server.port} (127.0.0.1:8080; without them, told, when the port is taken), tells
 * the definitions' webhooks ({@link Notifications}) and purges the history older than {@code sluice.serve.retention}.
 * SIGTERM or Ctrl-C stops the running jobs after their current chunk (they end STOPPED and restart cleanly), then
 * the process.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the schedules of jobs/: each fire exactly once across every serve process on the database;"
                + " serve the dashboard and the REST API on 127.0.0.1:8080 (SERVER_PORT), tell the definitions' webhooks, keep the history for sluice.serve.retention.",
                "Failed fires are restarted as their retry policy says; executions of dead processes are recovered. Ctrl-C or SIGTERM stops it."})
class ServeCommand implements Callable<Integer> {

    /** How long a tick waits at most before it looks again (the fire times' precision). */
    private static final Duration TICK = Duration.ofMillis(500);
    private static final Duration STOP_WAIT = Duration.ofSeconds(55);

    @Mixin
    JobsCommand.Folder folder = new JobsCommand.Folder();

    /** Whether the last tick found the database away (told once until it answers again). */
    private boolean databaseAway;

    @Option(names = "--hash-password",
            description = "Read a password from standard input, print its bcrypt hash for sluice.serve.users, and exit.")
    boolean hashPassword;

    @Override
    public Integer call() throws InterruptedException, IOException {
        if (hashPassword) {
            return printPasswordHash();
        }
        try (BootContext boot = BootContext.startServing(System.out);
             ScheduleRunner runner = new ScheduleRunner(boot.bean(ExecutionService.class), boot.bean(JobSchedules.class), boot.bean(JdbcClient.class),
                     folder.path(), Clock.systemUTC(), System.out)) {
            System.out.println("sluice serve: running the schedules of " + folder.path().toAbsolutePath().normalize() + " (Ctrl-C stops)");
            boot.webAddress().ifPresent(url -> System.out.println("sluice serve: dashboard at " + url + ", REST API at " + url + "api/"));
            runner.stopWhen(boot::stopRequested);
            retention(boot).ifPresent(retention -> {
                runner.retain(retention, boot.bean(SluiceProperties.class).dataDir());
                System.out.println("sluice serve: keeping executions for " + retention.toDays() + " days after their end (sluice.serve.retention)");
            });
            while (!boot.stopRequested()) {
                try {
                    runner.tick();
                    if (databaseAway) {
                        System.out.println("sluice serve: the database answers again");
                        databaseAway = false;
                    }
                } catch (RuntimeException e) {
                    // a database gone for a moment, a folder that cannot be read: told, and the next tick tries again
                    tellTickFailure(e);
                }
                Thread.sleep(TICK.toMillis());
            }
            ExecutionService executions = boot.bean(ExecutionService.class);
            executions.stopRunning();
            Instant deadline = Instant.now().plus(STOP_WAIT);
            boolean scheduledEnded = runner.awaitJobs(STOP_WAIT);
            boolean ended = executions.awaitStarted(remaining(deadline)) && scheduledEnded;
            runner.tellDue(); // the webhooks of the executions that ended as they stopped
            runner.awaitNotifications(Duration.ofSeconds(20));
            System.out.println(ended ? "sluice serve: stopped" : "sluice serve: stopped; a job did not end within " + STOP_WAIT.toSeconds() + " s");
            return ended ? ExitCode.SUCCESS.code() : ExitCode.FAILED.code();
        }
    }

    /**
     * {@code sluice.serve.retention} ({@code SLUICE_SERVE_RETENTION}): how long the history of an ended execution is kept,
     * as {@code 30d} or {@code PT720H}; empty when not set (everything is kept).
     *
     * @throws InvalidInputException when it is not a duration of at least a day
     */
    private static Optional<Duration> retention(BootContext boot) {
        String text = boot.bean(Environment.class).getProperty("sluice.serve.retention", "").trim();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        Duration retention;
        try {
            retention = DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidInputException("sluice.serve.retention '" + text + "' is not a duration like 30d or 90d");
        }
        if (retention.compareTo(Duration.ofDays(1)) < 0) {
            throw new InvalidInputException("sluice.serve.retention '" + text + "' is shorter than a day");
        }
        return Optional.of(retention);
    }

    /**
     * A tick's failure in one line: the database's absence once until it answers again (its driver's words, not
     * Spring's statement text), anything else as its message.
     */
    private void tellTickFailure(RuntimeException e) {
        if (DatabaseOutage.isConnectionLoss(e)) {
            if (!databaseAway) {
                System.out.println("sluice serve: the database does not answer; the schedules wait for it (" + SluiceCommand.databaseMessage(e).strip().lines().findFirst().orElse("") + ")");
            }
            databaseAway = true;
            return;
        }
        System.out.println("sluice serve: " + e.getMessage());
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** The {@code {bcrypt}} hash of the password on standard input (asked for without echo on a terminal). */
    private static int printPasswordHash() throws IOException {
        String password;
        if (System.console() != null) {
            char[] typed = System.console().readPassword("Password: ");
            password = typed == null ? "" : new String(typed);
        } else {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            password = line == null ? "" : line;
        }
        if (password.isEmpty()) {
            throw new InvalidInputException("no password on standard input (echo -n 'secret' | sluice serve --hash-password)");
        }
        System.out.println(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password));
        return ExitCode.SUCCESS.code();
    }
}
