package io.sluice.execution;

import io.micrometer.observation.ObservationRegistry;
import io.sluice.ConflictException;
import io.sluice.InvalidInputException;
import io.sluice.NotFoundException;
import io.sluice.OperationFailedException;
import io.sluice.SluiceException;
import io.sluice.batch.ExecutionGraph;
import io.sluice.batch.JobFamily;
import io.sluice.persistence.DatabaseOutage;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.InvalidJobParametersException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The one way to launch, restart, stop, recover, abandon and purge job executions, for every
 * channel (the CLI now, the REST API and schedules later). It finds jobs through the
 * {@link JobFamily} beans, runs them through Spring Batch's {@link JobOperator}, and adds sluice's
 * rules on top: which process owns a running execution, and when one left behind by a dead process
 * may be recovered. It tracks every execution it runs in this process, so that a shutdown can stop
 * them all.
 *
 * <p>Errors are thrown as {@link NotFoundException} (no such job or execution),
 * {@link ConflictException} (the execution's state does not allow the action),
 * {@link InvalidInputException} (bad parameters) and {@link OperationFailedException}.
 */
@Component
public class ExecutionService {

    private static final String RECOVERED = "recovered: its process ended without recording the end";
    /**
     * The executions {@link #unsettled} may hold: with no end, or left UNKNOWN (with an end or not), or
     * ended otherwise than COMPLETED or ABANDONED with a step left running or UNKNOWN.
     */
    private static final String UNSETTLED = """
            SELECT e.JOB_EXECUTION_ID AS id FROM BATCH_JOB_EXECUTION e
            WHERE e.END_TIME IS NULL
               OR e.STATUS IN ('STARTING', 'STARTED', 'STOPPING', 'UNKNOWN')
               OR (e.STATUS NOT IN ('COMPLETED', 'ABANDONED') AND EXISTS (
                   SELECT 1 FROM BATCH_STEP_EXECUTION s
                   WHERE s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND s.STATUS IN ('STARTING', 'STARTED', 'STOPPING', 'UNKNOWN')))
            ORDER BY e.JOB_EXECUTION_ID
            """;

    /**
     * Execution {@code :id} itself and the next execution of its job instance (its restart), when there is one: one row,
     * ID and RESTART (null for none); no row when there is no such execution.
     */
    private static final String RESTART_OF_EXECUTION = """
            SELECT e.JOB_EXECUTION_ID AS ID, (SELECT MIN(n.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION n
                     WHERE n.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID AND n.JOB_EXECUTION_ID > e.JOB_EXECUTION_ID) AS RESTART
            FROM BATCH_JOB_EXECUTION e WHERE e.JOB_EXECUTION_ID = :id
            """;

    private final JobOperator jobOperator;
    private final LineageEvents lineage;
    /** Spring Batch's metrics go through it (Boot's, with the actuator); NOOP without one. */
    private final ObservationRegistry observations;
    private final JobRepository jobRepository;
    private final Map<String, JobFamily> families = new TreeMap<>();
    private final ExecutionProcesses processes;
    private final DataSource dataSource;
    private final DatabaseOutage outage;
    private final Set<JobExecution> running = ConcurrentHashMap.newKeySet();
    /** Set by {@link #stopRunning()}: a job that begins afterwards stops before its first step. */
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    /** How many jobs {@link #start} and {@link #startRestart} run at once at most. */
    static final int MAX_STARTED = 16;
    private final Semaphore startSlots = new Semaphore(MAX_STARTED);
    /** The threads of the jobs {@link #start} and {@link #startRestart} launch. */
    private final ExecutorService background = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "sluice-started-job");
        thread.setDaemon(true);
        return thread;
    });

    ExecutionService(JobOperator jobOperator, JobRepository jobRepository, List<JobFamily> families,
                     ExecutionProcesses processes, DataSource dataSource, DatabaseOutage outage, LineageEvents lineage,
                     ObjectProvider<ObservationRegistry> observations) {
        this.lineage = lineage;
        this.observations = observations.getIfAvailable(() -> ObservationRegistry.NOOP);
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.processes = processes;
        this.dataSource = dataSource;
        this.outage = outage;
        for (JobFamily family : families) {
            this.families.put(family.name(), family);
        }
    }

    /** The names of the jobs that can be launched, sorted. */
    public Set<String> jobNames() {
        return Collections.unmodifiableSet(families.keySet());
    }

    /**
     * The job parameters of {@code jobName} from parameters as a user typed them.
     *
     * @throws NotFoundException when there is no such job
     * @throws io.sluice.batch.InvalidParametersException naming every bad parameter at once
     */
    public JobParameters parameters(String jobName, Map<String, String> given) {
        return family(jobName).parameters(given);
    }

    /** Launches {@code jobName} with parameters as a user typed them; see {@link #launch(String, JobParameters, JobExecutionListener)}. */
    public JobExecution launch(String jobName, Map<String, String> given, JobExecutionListener progress) {
        return launch(jobName, parameters(jobName, given), progress);
    }

    /**
     * Runs a job to its end in this thread.
     *
     * @param parameters typed parameters, from {@link #parameters} or a restarted execution
     * @param progress   sees the execution as soon as it starts, and its end
     * @return the execution as it ended (COMPLETED, FAILED, STOPPED...)
     * @throws ConflictException when this job instance is running or already complete
     */
    public JobExecution launch(String jobName, JobParameters parameters, JobExecutionListener progress) {
        Job job = family(jobName).create(parameters);
        if (!observations.isNoop()) {
            BatchObservations.instrument(job, observations);
        }
        JobExecution[] launched = new JobExecution[1];
        if (job instanceof AbstractJob abstractJob) {
            abstractJob.registerJobExecutionListener(processes);
            abstractJob.registerJobExecutionListener(new JobExecutionListener() {
                @Override
                public void beforeJob(JobExecution jobExecution) {
                    launched[0] = jobExecution;
                    running.add(jobExecution);
                    if (stopRequested.get()) {
                        jobExecution.setStatus(BatchStatus.STOPPING); // the job ends STOPPED before its first step
                    }
                }

                @Override
                public void afterJob(JobExecution jobExecution) {
                    keepRootCauses(jobExecution);
                }
            });
            abstractJob.registerJobExecutionListener(progress);
            if (lineage.enabled()) {
                abstractJob.registerJobExecutionListener(lineage.listener(family(jobName), parameters));
            }
        }
        try {
            return settleAfterOutage(jobOperator.start(job, parameters));
        } catch (JobExecutionAlreadyRunningException e) {
            throw new ConflictException("this job instance is already running; see `sluice status`");
        } catch (JobInstanceAlreadyCompleteException e) {
            throw new ConflictException("this job instance is already complete; there is nothing to restart");
        } catch (JobRestartException e) {
            throw new ConflictException("cannot restart: " + e.getMessage());
        } catch (InvalidJobParametersException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } catch (Exception e) {
            JobExecution current = launched[0];
            if (current != null && DatabaseOutage.isConnectionLoss(e)) {
                throw new OperationFailedException("execution " + current.getId() + " lost the database for longer than "
                        + outage.timeout().toSeconds() + " s (sluice.database.outage-timeout) and stopped after its last committed chunk;"
                        + " continue it with `sluice restart " + current.getId() + "` once the database is back", e);
            }
            throw new OperationFailedException("cannot start " + jobName + ": " + e.getMessage(), e);
        } finally {
            if (launched[0] != null) {
                running.remove(launched[0]);
                processes.ended(launched[0].getId());
            }
        }
    }

    /**
     * An execution that ended because the database stayed away longer than the outage timeout
     * could not record its end: nothing of it is UNKNOWN (a chunk whose connection died was not
     * committed), so it and its unfinished steps are FAILED, recorded at once if the database
     * answers again, else by the next {@code restart} or {@code recover}.
     */
    private JobExecution settleAfterOutage(JobExecution execution) {
        if (execution.getStatus() == BatchStatus.COMPLETED || !lostTheDatabase(execution)) {
            return execution;
        }
        boolean unsettled = execution.getStatus() == BatchStatus.UNKNOWN || execution.getStatus().isRunning()
                || execution.getStepExecutions().stream().anyMatch(step -> step.getStatus() == BatchStatus.UNKNOWN);
        execution.getStepExecutions().forEach(step -> {
            if (step.getStatus() == BatchStatus.UNKNOWN || step.getStatus().isRunning()) {
                step.setStatus(BatchStatus.FAILED);
                step.setExitStatus(ExitStatus.FAILED);
            }
        });
        execution.setStatus(BatchStatus.FAILED);
        execution.setExitStatus(new ExitStatus(ExitStatus.FAILED.getExitCode(), "lost the database and could not go on"
                + " (it waits up to sluice.database.outage-timeout, " + outage.timeout().toSeconds()
                + " s, for it); every step stopped after its last committed chunk"));
        if (unsettled && outage.awaitDatabase(Instant.now())) {
            try {
                markFailed(jobRepository.getJobExecution(execution.getId()), "the database was unreachable for too long");
            } catch (RuntimeException e) {
                // still unreachable after all: the next restart or recover records it
            }
        }
        return execution;
    }

    private static boolean lostTheDatabase(JobExecution execution) {
        return execution.getAllFailureExceptions().stream().anyMatch(DatabaseOutage::isConnectionLoss);
    }

    /**
     * Restarts a failed or stopped execution after its last committed chunk (recovering it first
     * when its process is provably gone).
     *
     * @return the new execution as it ended
     * @throws NotFoundException when there is no such execution
     * @throws ConflictException when it is running, complete, abandoned or already restarted
     */
    public JobExecution restart(long executionId, JobExecutionListener progress) {
        awaitEndedHere(executionId, Duration.ofSeconds(10));
        JobExecution execution = find(executionId);
        if (unsettled(execution)) {
            recoverIfOrphaned(execution);
            execution = find(executionId);
        }
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            throw new ConflictException("execution " + executionId + " is already COMPLETED; nothing to restart");
        }
        if (execution.getStatus() == BatchStatus.ABANDONED) {
            throw new ConflictException("execution " + executionId + " was abandoned and cannot be restarted");
        }
        Optional<Long> restart = restartedAs(executionId);
        if (restart.isPresent()) {
            throw new ConflictException("execution " + executionId + " was already restarted as execution " + restart.get());
        }
        return launch(execution.getJobInstance().getJobName(), execution.getJobParameters(), progress);
    }

    /**
     * Asks a running execution to stop after its current chunk; works from any process.
     *
     * @throws NotFoundException when there is no such execution
     * @throws ConflictException when it is not running
     */
    public void stop(long executionId) {
        JobExecution execution = find(executionId);
        try {
            jobOperator.stop(execution);
        } catch (JobExecutionNotRunningException e) {
            throw new ConflictException("execution " + executionId + " is not running (" + execution.getStatus() + ")");
        }
    }

    /**
     * Marks an execution left STARTED or UNKNOWN by a process that is gone (killed, or it lost its
     * database) FAILED, and its unfinished or UNKNOWN steps too, so that it can be restarted
     * (Spring Batch's {@code JobOperator.recover} leaves UNKNOWN as it is).
     *
     * @throws NotFoundException when there is no such execution
     * @throws ConflictException when it is not running, or its process still lives on this host, or a process on
     *                           another host still stamps it (its heartbeat is younger than the outage timeout and a minute)
     */
    public JobExecution recover(long executionId) {
        JobExecution execution = find(executionId);
        if (!unsettled(execution)) {
            throw new ConflictException("execution " + executionId + " is " + execution.getStatus()
                    + " and none of its steps is left running or UNKNOWN; nothing to recover");
        }
        processes.ownerOf(executionId).ifPresent(owner -> {
            if (owner.host().equals(ExecutionProcesses.hostName()) && !owner.gone()) {
                throw new ConflictException("execution " + executionId + " is still running in process "
                        + owner.pid() + "; stop it with `sluice stop " + executionId + "`");
            }
            if (!owner.gone() && owner.sinceHeartbeat() != null) {
                throw new ConflictException("execution " + executionId + " is still running in process " + owner.pid() + " on "
                        + owner.host() + ", which last stamped its heartbeat " + owner.sinceHeartbeat().toSeconds() + " s ago; stop it with `sluice stop "
                        + executionId + "`, or recover it once that process has been silent for " + owner.stale().toSeconds() + " s");
            }
        });
        return markFailed(execution, RECOVERED);
    }

    /**
     * Whether {@link #recover} would take the execution now: it is left running or UNKNOWN (or a step is), and its
     * process is gone, or none is recorded (an execution of an older sluice).
     *
     * @throws NotFoundException when there is no such execution
     */
    public boolean recoverable(long executionId) {
        JobExecution execution = find(executionId);
        return unsettled(execution) && processes.ownerOf(executionId)
                .map(owner -> owner.gone() || !owner.host().equals(ExecutionProcesses.hostName()) && owner.sinceHeartbeat() == null)
                .orElse(true);
    }

    /**
     * The execution that restarted this one, when one did: the next execution of its job instance.
     *
     * @throws NotFoundException when there is no such execution
     */
    public Optional<Long> restartedAs(long executionId) {
        List<Optional<Long>> found = JdbcClient.create(dataSource).sql(RESTART_OF_EXECUTION).param("id", executionId)
                .query((rs, row) -> Optional.ofNullable(rs.getObject("RESTART") == null ? null : rs.getLong("RESTART"))).list();
        if (found.isEmpty()) {
            throw new NotFoundException("no execution " + executionId + "; see `sluice status`");
        }
        return found.get(0);
    }

    /**
     * An execution {@link #recoverOrphans} recovered.
     *
     * @param executionId the execution, now FAILED
     * @param jobName     its job
     * @param leftAs      its status as its process left it (STARTED, UNKNOWN, or FAILED with a step left so)
     * @param steps       the steps it had left running or UNKNOWN, by name, with the status they were left in (now FAILED too)
     */
    public record Recovered(long executionId, String jobName, BatchStatus leftAs, Map<String, BatchStatus> steps) {
    }

    /**
     * Recovers, as {@link #recover} does, every execution left STARTED or UNKNOWN (with an end time or
     * not), or with a step left so, whose process is gone: it ran on this host and no longer lives, or
     * it ran on another host and has not stamped its heartbeat for longer than the outage timeout and a
     * minute. Executions whose process may still live (or none is recorded) are left as they are. Of
     * several processes recovering at once, each execution is recovered by one: the job repository's
     * versions refuse the others' updates.
     *
     * @return what was recovered, oldest execution first; empty when nothing was
     */
    public List<Recovered> recoverOrphans() {
        List<Recovered> recovered = new ArrayList<>();
        List<Long> candidates = JdbcClient.create(dataSource).sql(UNSETTLED).query((rs, row) -> rs.getLong("id")).list();
        for (long id : candidates) {
            JobExecution execution;
            try {
                execution = jobRepository.getJobExecution(id);
            } catch (EmptyResultDataAccessException e) {
                continue; // purged meanwhile
            }
            if (execution == null || !unsettled(execution)) {
                continue;
            }
            if (!processes.ownerOf(id).map(ExecutionProcesses.Owner::gone).orElse(false)) {
                continue;
            }
            BatchStatus leftAs = execution.getStatus();
            Map<String, BatchStatus> steps = new LinkedHashMap<>();
            execution.getStepExecutions().stream()
                    .filter(step -> step.getStatus().isRunning() || step.getStatus() == BatchStatus.UNKNOWN)
                    .forEach(step -> steps.put(step.getStepName(), step.getStatus()));
            try {
                markFailed(execution, RECOVERED);
            } catch (OptimisticLockingFailureException e) {
                continue; // another serve recovered it a moment ago: the repository's versions let one of them only
            }
            recovered.add(new Recovered(id, execution.getJobInstance().getJobName(), leftAs, steps));
        }
        return recovered;
    }

    /**
     * Marks an execution that is not running ABANDONED: it will never be restarted.
     *
     * @throws NotFoundException when there is no such execution
     * @throws ConflictException when it is COMPLETED or still running
     */
    public JobExecution abandon(long executionId) {
        awaitEndedHere(executionId, Duration.ofSeconds(10));
        JobExecution execution = find(executionId);
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            throw new ConflictException("execution " + executionId + " is COMPLETED; there is nothing to abandon");
        }
        try {
            return jobOperator.abandon(execution);
        } catch (JobExecutionAlreadyRunningException e) {
            throw new ConflictException("execution " + executionId + " is " + execution.getStatus()
                    + "; stop it (or recover it, if its process died) before abandoning it");
        }
    }

    /**
     * Deletes the history of the executions that ended before {@code cutoff} (never running ones),
     * with their folders under {@code dataDir}; see {@link ExecutionHistory#purge}.
     *
     * @return the ids of the executions purged
     */
    public List<Long> purge(Instant cutoff, Path dataDir) {
        try (Connection connection = dataSource.getConnection()) {
            return ExecutionHistory.purge(connection, cutoff, dataDir);
        } catch (SQLException e) {
            throw new OperationFailedException("cannot purge the execution history: " + e.getMessage(), e);
        }
    }

    /**
     * Launches a job on a thread of this service (for the REST API and the dashboard) and returns as soon as
     * its execution is recorded; the job then runs on, tracked like any other of this process.
     *
     * @param given parameters as a user typed them
     * @return the execution as it started
     * @throws NotFoundException  when there is no such job
     * @throws io.sluice.batch.InvalidParametersException naming every bad parameter
     * @throws ConflictException  when this job instance runs or is complete, or {@value #MAX_STARTED} jobs started
     *                            this way still run
     * @throws OperationFailedException when the process is stopping
     */
    public JobExecution start(String jobName, Map<String, String> given) {
        JobParameters parameters = parameters(jobName, given);
        return inBackground(started -> launch(jobName, parameters, started));
    }

    /**
     * Restarts an execution as {@link #restart} does, on a thread of this service, and returns as soon as the
     * new execution is recorded.
     *
     * @return the new execution as it started
     * @throws NotFoundException when there is no such execution
     * @throws ConflictException when it is running, complete, abandoned or already restarted
     */
    public JobExecution startRestart(long executionId) {
        return inBackground(started -> restart(executionId, started));
    }

    /**
     * How far an execution has come (its newest step's counts, percentage and ETA).
     *
     * @throws NotFoundException when there is no such execution
     */
    public ExecutionProgress progress(long executionId) {
        return ExecutionProgress.of(find(executionId), LocalDateTime.now());
    }

    /**
     * The graph of nodes and edges the execution runs, when its job records one (a workflow's DAG).
     *
     * @throws NotFoundException when there is no such execution
     */
    public Optional<ExecutionGraph> graph(long executionId) {
        return Optional.ofNullable(ExecutionGraph.of(find(executionId).getExecutionContext()));
    }

    /**
     * Waits until every job started through {@link #start} or {@link #startRestart} has ended, at most
     * {@code patience} (after {@link #stopRunning()} at a shutdown).
     *
     * @return false when some still run after it
     */
    public boolean awaitStarted(Duration patience) throws InterruptedException {
        background.shutdown();
        return background.awaitTermination(patience.toMillis(), TimeUnit.MILLISECONDS);
    }

    private JobExecution inBackground(Function<JobExecutionListener, JobExecution> job) {
        if (stopRequested.get()) {
            throw new OperationFailedException("sluice is stopping; it starts no job now");
        }
        if (!startSlots.tryAcquire()) {
            throw new ConflictException(MAX_STARTED + " jobs started through serve still run; start this one when one of them has ended");
        }
        CompletableFuture<JobExecution> started = new CompletableFuture<>();
        JobExecutionListener whenStarted = new JobExecutionListener() {
            @Override
            public void beforeJob(JobExecution execution) {
                started.complete(execution);
            }
        };
        try {
            background.submit(() -> {
                try {
                    started.complete(job.apply(whenStarted)); // already complete unless it ended without starting
                } catch (Throwable e) {
                    started.completeExceptionally(e); // a job that never started; once started, its end is in the repository
                } finally {
                    startSlots.release();
                }
            });
        } catch (RejectedExecutionException stopping) {
            startSlots.release();
            throw new OperationFailedException("sluice is stopping; it starts no job now");
        }
        try {
            return started.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OperationFailedException("interrupted while the job was starting", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SluiceException cause) {
                throw cause;
            }
            throw new OperationFailedException("the job could not start: " + e.getCause().getClass().getSimpleName() + " (see the log)",
                    e.getCause());
        }
    }

    /**
     * Puts the root cause of a failed execution's and failed steps' exceptions in one line before their exit
     * descriptions: the repository keeps 2,500 characters of a description, which a stack trace fills before its
     * {@code Caused by} lines, so that {@code show}, the API, the pages, webhooks and lineage could not tell why.
     */
    private void keepRootCauses(JobExecution execution) {
        for (StepExecution step : execution.getStepExecutions()) {
            rootCause(step.getFailureExceptions()).filter(line -> !step.getExitStatus().getExitDescription().startsWith(line)).ifPresent(line -> {
                step.setExitStatus(new ExitStatus(step.getExitStatus().getExitCode(), line + "\n" + step.getExitStatus().getExitDescription()));
                try {
                    jobRepository.update(step);
                } catch (RuntimeException e) {
                    // the database is away: the step keeps the description it has
                }
            });
        }
        rootCause(execution.getAllFailureExceptions()).filter(line -> !execution.getExitStatus().getExitDescription().startsWith(line))
                .ifPresent(line -> execution.setExitStatus(new ExitStatus(execution.getExitStatus().getExitCode(),
                        line + "\n" + execution.getExitStatus().getExitDescription())));
    }

    /** {@code SimpleName: message} of the deepest cause of the first exception, or empty for none. */
    private static Optional<String> rootCause(List<Throwable> failures) {
        if (failures.isEmpty()) {
            return Optional.empty();
        }
        Throwable root = failures.get(0);
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().strip().lines().findFirst().orElse("");
        return Optional.of(root.getClass().getSimpleName() + message);
    }

    /** The executions this process is running now (for the shutdown hook). */
    public List<JobExecution> running() {
        return List.copyOf(running);
    }

    /**
     * Asks every execution this process runs to stop after its current chunk, and any it would
     * start later to stop before its first step (for a shutdown).
     */
    public void stopRunning() {
        stopRequested.set(true);
        for (JobExecution execution : running) {
            if (execution.isRunning()) {
                try {
                    jobOperator.stop(execution);
                } catch (JobExecutionNotRunningException ignored) {
                    // it ended meanwhile
                }
            }
        }
    }

    private JobFamily family(String jobName) {
        JobFamily family = families.get(jobName);
        if (family == null) {
            throw new NotFoundException("no job named '" + jobName + "'; jobs: " + String.join(", ", families.keySet()));
        }
        return family;
    }

    private void recoverIfOrphaned(JobExecution execution) {
        boolean gone = processes.ownerOf(execution.getId()).map(ExecutionProcesses.Owner::gone).orElse(false);
        if (!gone) {
            throw new ConflictException("execution " + execution.getId() + " is " + execution.getStatus()
                    + "; if its process died, run `sluice recover " + execution.getId() + "` first");
        }
        markFailed(execution, RECOVERED);
    }

    /**
     * True when the execution, or one of its steps, is still marked running or UNKNOWN: Spring
     * Batch restarts neither.
     */
    private static boolean unsettled(JobExecution execution) {
        return execution.isRunning() || execution.getStatus() == BatchStatus.UNKNOWN
                || (execution.getStatus() != BatchStatus.COMPLETED && execution.getStatus() != BatchStatus.ABANDONED
                && execution.getStepExecutions().stream()
                .anyMatch(step -> step.getStatus().isRunning() || step.getStatus() == BatchStatus.UNKNOWN));
    }

    /** Records the execution and each of its running or UNKNOWN steps as FAILED, ended now. */
    private JobExecution markFailed(JobExecution execution, String why) {
        LocalDateTime now = LocalDateTime.now();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus().isRunning() || step.getStatus() == BatchStatus.UNKNOWN) {
                step.setStatus(BatchStatus.FAILED);
                step.setExitStatus(new ExitStatus(ExitStatus.FAILED.getExitCode(), why));
                step.setEndTime(now);
                jobRepository.update(step);
            }
        }
        if (execution.isRunning() || execution.getStatus() == BatchStatus.UNKNOWN) {
            execution.setStatus(BatchStatus.FAILED);
            execution.setExitStatus(new ExitStatus(ExitStatus.FAILED.getExitCode(), why));
            execution.setEndTime(now);
            jobRepository.update(execution);
        }
        return execution;
    }

    /**
     * Waits, at most {@code patience}, until a job this process runs for the execution has returned, once the
     * execution has recorded an end status: a stopped job records STOPPED before its listeners and its last
     * update have run, and an action taken in between would be overwritten by them.
     */
    private void awaitEndedHere(long executionId, Duration patience) {
        if (running.stream().noneMatch(execution -> execution.getId() == executionId) || find(executionId).isRunning()) {
            return; // not run here, or still running: the caller's own checks answer
        }
        Instant deadline = Instant.now().plus(patience);
        while (running.stream().anyMatch(execution -> execution.getId() == executionId) && Instant.now().isBefore(deadline)) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private JobExecution find(long executionId) {
        JobExecution execution;
        try {
            execution = jobRepository.getJobExecution(executionId);
        } catch (EmptyResultDataAccessException e) {
            execution = null; // Batch 6's JDBC repository throws where its contract says null
        }
        if (execution == null) {
            throw new NotFoundException("no execution " + executionId + "; see `sluice status`");
        }
        return execution;
    }
}
