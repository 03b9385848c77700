package io.sluice.runner;

import io.sluice.SluiceException;
import io.sluice.execution.ExecutionService;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code sluice serve} does once a tick: fires the schedules that are due, each fire exactly once
 * across every {@code serve} process on the database, restarts failed fires as their retry policy says,
 * and recovers executions whose process died.
 *
 * <p>Exactly once: a process owns a fire when it moves the schedule's {@code next_fire_at} on from that
 * fire time, a compare-and-set in the database ({@code WHERE next_fire_at = :fire}) only one process can
 * win; it then records the fire in {@code schedule_fires} and launches the job. A restart of a failed
 * fire is claimed the same way, on the fire's restart count. No clock of any process decides who fires.
 *
 * <p>Policies: a fire time more than {@value #MISFIRE_GRACE_SECONDS} s past (no serve ran then) is run
 * once or skipped ({@code misfire}); a fire while the definition's previous execution still runs is
 * skipped, or waits for it to end ({@code when-running: queue}); a paused schedule does not fire. Jobs run
 * on threads of their own, so that a long job does not hold the next fires of other schedules. Each tick also
 * tells the definitions' webhooks what is due ({@link Notifications}).
 */
final class ScheduleRunner implements AutoCloseable {

    static final int MISFIRE_GRACE_SECONDS = 30;
    private static final Duration SYNC_EVERY = Duration.ofSeconds(10);
    private static final Duration RECOVER_EVERY = Duration.ofSeconds(30);
    private static final Duration PURGE_EVERY = Duration.ofHours(1);

    private static final String CLAIM = """
            UPDATE job_schedules SET next_fire_at = :next, last_fire_at = CASE WHEN CAST(:fired AS boolean) THEN :fire ELSE last_fire_at END,
                   updated_at = :now
            WHERE name = :name AND next_fire_at = :fire AND NOT paused
            """;
    private static final String RECORD_FIRE = """
            INSERT INTO schedule_fires (name, fire_at, host, pid, fired_at, restarts) VALUES (:name, :fire, :host, :pid, :now, 0)
            """;
    private static final String FIRE_STARTED = "UPDATE schedule_fires SET execution_id = :execution WHERE name = :name AND fire_at = :fire";
    private static final String FAILED_FIRES = """
            SELECT f.name, f.fire_at, f.execution_id, f.restarts, e.END_TIME AS ended
            FROM schedule_fires f JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = f.execution_id
            WHERE e.STATUS = 'FAILED'
            """;
    // the execution is cleared with the claim, so that no later tick claims the same restart again before it starts
    private static final String CLAIM_RESTART = """
            UPDATE schedule_fires SET restarts = restarts + 1, execution_id = NULL
            WHERE name = :name AND fire_at = :fire AND restarts = :restarts AND execution_id = :execution
            """;
    private static final String RUNNING = """
            SELECT count(*) FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = :execution AND STATUS IN ('STARTING', 'STARTED', 'STOPPING')
            """;

    private final ExecutionService executions;
    private final JobSchedules schedules;
    private final JdbcClient jdbc;
    private final Path folder;
    private final Clock clock;
    private final PrintStream out;
    private final ExecutorService jobs = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sluice-scheduled-job");
        thread.setDaemon(true);
        return thread;
    });
    /** The jobs submitted and not seen to end yet. */
    private final java.util.Queue<java.util.concurrent.Future<?>> submitted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    /** True once the process is stopping: no fire is claimed then. */
    private java.util.function.BooleanSupplier stopping = () -> false;
    private Map<String, JobDefinition> definitions = Map.of();
    private Instant nextSync = Instant.MIN;
    private Instant nextRecovery = Instant.MIN;
    private Duration retention;
    private Path dataDir;
    private Instant nextPurge = Instant.MIN;
    private final Notifications notifications;

    /**
     * @param folder the job definitions' folder, read again every {@code 10 s}
     * @param out    where each fire and each ended execution is told, one line each
     */
    ScheduleRunner(ExecutionService executions, JobSchedules schedules, JdbcClient jdbc, Path folder, Clock clock, PrintStream out) {
        this(executions, schedules, jdbc, folder, clock, out, System::getenv);
    }

    /** @param environment the environment variables by name, where the webhooks' signing keys are read */
    ScheduleRunner(ExecutionService executions, JobSchedules schedules, JdbcClient jdbc, Path folder, Clock clock, PrintStream out,
                   Function<String, String> environment) {
        this.executions = executions;
        this.schedules = schedules;
        this.jdbc = jdbc;
        this.folder = folder;
        this.clock = clock;
        this.out = out;
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            name = ManagementFactory.getRuntimeMXBean().getName();
        }
        this.host = name;
        this.notifications = new Notifications(jdbc, clock, out, environment);
    }

    /** What tells the runner that the process stops: from then on it claims no fire and no restart. */
    void stopWhen(java.util.function.BooleanSupplier stopping) {
        this.stopping = stopping;
    }

    /**
     * Keeps the history of executions for {@code retention} after their end: older ones are purged, with their
     * folders under {@code dataDir}, at the first tick and then every hour.
     */
    void retain(Duration retention, Path dataDir) {
        this.retention = retention;
        this.dataDir = dataDir;
    }

    /**
     * One pass: reads the definitions when due, fires what is due, restarts failed fires, recovers orphans and
     * purges old executions when due.
     */
    void tick() {
        Instant now = clock.instant();
        if (retention != null && !now.isBefore(nextPurge)) {
            nextPurge = now.plus(PURGE_EVERY);
            List<Long> purged = executions.purge(now.minus(retention), dataDir);
            if (!purged.isEmpty()) {
                out.println("sluice: purged " + purged.size() + (purged.size() == 1 ? " execution" : " executions") + " that ended more than "
                        + retention.toDays() + " days ago (sluice.serve.retention)");
            }
        }
        if (!now.isBefore(nextSync)) {
            JobDefinitions.Loaded loaded = JobDefinitions.read(folder);
            loaded.problems().forEach(problem -> out.println("sluice: " + problem));
            List<JobDefinition> valid = loaded.definitions().stream().filter(d -> executions.jobNames().contains(d.family())).toList();
            schedules.sync(folder, valid, loaded.problems().isEmpty() && valid.size() == loaded.definitions().size(), now);
            definitions = valid.stream().collect(Collectors.toMap(JobDefinition::name, Function.identity()));
            nextSync = now.plus(SYNC_EVERY);
        }
        if (!now.isBefore(nextRecovery)) {
            executions.recoverOrphans().forEach(r -> out.println("sluice: recovered execution " + r.executionId() + " of " + r.jobName()
                    + ", left " + r.leftAs() + " by a process that is gone"));
            nextRecovery = now.plus(RECOVER_EVERY);
        }
        List<JobSchedules.Row> rows = schedules.list();
        for (JobSchedules.Row row : rows) {
            JobDefinition definition = definitions.get(row.name());
            if (stopping.getAsBoolean() || definition == null || definition.schedule() == null || row.paused() || row.nextFireAt() == null
                    || row.nextFireAt().isAfter(now)) {
                continue;
            }
            try {
                fireIfOwned(definition, row, now);
            } catch (RuntimeException e) {
                out.println("sluice: " + row.name() + ": its fire of " + row.nextFireAt() + " failed: " + e.getMessage());
            }
        }
        if (!stopping.getAsBoolean()) {
            retryFailed(now);
        }
        tellDue(rows);
    }

    /** Tells the webhooks what is due now (as a tick does), for the executions that ended as the process stopped. */
    void tellDue() {
        try {
            tellDue(schedules.list());
        } catch (RuntimeException e) {
            out.println("sluice: the webhooks could not be checked: " + e.getMessage());
        }
    }

    private void tellDue(List<JobSchedules.Row> rows) {
        try {
            notifications.tick(definitions, rows);
        } catch (RuntimeException e) {
            out.println("sluice: the webhooks could not be checked: " + e.getMessage());
        }
    }

    private void fireIfOwned(JobDefinition definition, JobSchedules.Row row, Instant now) {
        JobDefinition.Schedule schedule = definition.schedule();
        Instant fire = row.nextFireAt();
        boolean missed = fire.isBefore(now.minusSeconds(MISFIRE_GRACE_SECONDS));
        Instant next = schedule.nextAfter(missed ? now : fire, fire).orElse(null);
        if (row.lastExecutionId() != null && running(row.lastExecutionId())) {
            if (schedule.whenRunning() == JobDefinition.WhenRunning.SKIP && claim(row.name(), fire, next, false)) {
                out.println("sluice: " + row.name() + " skipped its fire of " + fire + ": execution " + row.lastExecutionId() + " still runs");
            }
            return; // queue: it fires once that execution has ended, however late
        }
        if (missed && schedule.misfire() == JobDefinition.Misfire.SKIP) {
            claim(row.name(), fire, next, false);
            return;
        }
        if (!claim(row.name(), fire, next, true)) {
            return; // another process fired it
        }
        try {
            jdbc.sql(RECORD_FIRE).param("name", row.name()).param("fire", Timestamp.from(fire)).param("host", host).param("pid", pid)
                    .param("now", Timestamp.from(now)).update();
        } catch (org.springframework.dao.DuplicateKeyException fired) {
            return; // this fire time was fired already (its schedule's next fire was set back to it since): never twice
        }
        out.println("sluice: firing " + row.name() + " (" + fire + ")" + (missed ? ", a missed fire run once" : ""));
        submit(() -> run(row.name(), fire, () -> executions.launch(definition.family(), definition.parameters(), started(row.name(), fire))));
    }

    /** Moves the schedule's next fire on from {@code fire}: true when this process did (it owns the fire). */
    private boolean claim(String name, Instant fire, Instant next, boolean fired) {
        Timestamp now = Timestamp.from(clock.instant());
        return jdbc.sql(CLAIM).param("name", name).param("fire", Timestamp.from(fire))
                .param("next", next == null ? null : Timestamp.from(next), java.sql.Types.TIMESTAMP)
                .param("fired", fired).param("now", now).update() == 1;
    }

    /** A fire whose execution failed. */
    private record FailedFire(String name, Timestamp fireAt, long executionId, int restarts, Timestamp ended) {
    }

    private void retryFailed(Instant now) {
        List<FailedFire> failed = jdbc.sql(FAILED_FIRES).query((rs, row) -> new FailedFire(rs.getString("name"), rs.getTimestamp("fire_at"),
                rs.getLong("execution_id"), rs.getInt("restarts"), rs.getTimestamp("ended"))).list();
        for (FailedFire fire : failed) {
            JobDefinition definition = definitions.get(fire.name());
            if (definition == null || definition.schedule() == null || fire.restarts() >= definition.schedule().restarts() || fire.ended() == null) {
                continue;
            }
            Instant due;
            try {
                due = fire.ended().toInstant().plus(definition.schedule().backoff().multipliedBy(1L << Math.min(fire.restarts(), 20)));
            } catch (ArithmeticException | java.time.DateTimeException tooFar) {
                continue; // a backoff beyond any date: never
            }
            if (now.isBefore(due)) {
                continue;
            }
            boolean owned = jdbc.sql(CLAIM_RESTART).param("name", fire.name()).param("fire", fire.fireAt()).param("restarts", fire.restarts())
                    .param("execution", fire.executionId()).update() == 1;
            if (owned) {
                out.println("sluice: restarting " + fire.name() + "'s execution " + fire.executionId() + " (restart " + (fire.restarts() + 1) + " of "
                        + definition.schedule().restarts() + ")");
                Instant fireAt = fire.fireAt().toInstant();
                submit(() -> run(fire.name(), fireAt, () -> executions.restart(fire.executionId(), started(fire.name(), fireAt))));
            }
        }
    }

    /** Runs a fire's job, telling its end; a job that cannot start is told in one line. */
    private void run(String name, Instant fire, java.util.function.Supplier<JobExecution> job) {
        try {
            JobExecution execution = job.get();
            out.println("sluice: " + name + "'s execution " + execution.getId() + " of " + execution.getJobInstance().getJobName() + " ended "
                    + execution.getStatus());
        } catch (SluiceException e) {
            out.println("sluice: " + name + " (" + fire + ") could not run: " + e.getMessage());
        } catch (RuntimeException e) {
            out.println("sluice: " + name + " (" + fire + ") could not run: " + e);
        }
    }

    /** Records the execution a fire started, as soon as it starts. */
    private JobExecutionListener started(String name, Instant fire) {
        return new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                jdbc.sql(FIRE_STARTED).param("name", name).param("fire", Timestamp.from(fire)).param("execution", execution.getId()).update();
                schedules.launched(name, execution.getId());
            }
        };
    }

    private boolean running(long executionId) {
        return jdbc.sql(RUNNING).param("execution", executionId).query(Long.class).single() > 0;
    }

    private void submit(Runnable job) {
        submitted.removeIf(java.util.concurrent.Future::isDone);
        submitted.add(jobs.submit(job));
    }

    /**
     * Waits until every job this runner submitted has ended, at most {@code patience}.
     *
     * @return false when some still run after it
     */
    boolean awaitSubmitted(Duration patience) throws InterruptedException {
        Instant deadline = Instant.now().plus(patience);
        for (java.util.concurrent.Future<?> job : submitted) {
            try {
                job.get(Math.max(1, Duration.between(Instant.now(), deadline).toMillis()), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // run() tells a job's failure itself
            } catch (java.util.concurrent.TimeoutException e) {
                return false;
            }
        }
        submitted.removeIf(java.util.concurrent.Future::isDone);
        return true;
    }

    /**
     * Waits for the jobs this process runs to end (a shutdown has asked them to stop), at most {@code patience}.
     *
     * @return false when some still run after it
     */
    boolean awaitJobs(Duration patience) throws InterruptedException {
        jobs.shutdown();
        return jobs.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Waits for the webhook deliveries under way, their retries included, at most {@code patience}.
     *
     * @return false when some were still pending after it
     */
    boolean awaitNotifications(Duration patience) throws InterruptedException {
        return notifications.awaitDeliveries(patience);
    }

    @Override
    public void close() {
        jobs.shutdownNow();
        notifications.close();
    }
}
