package io.sluice.execution;

import io.sluice.ConflictException;
import io.sluice.InvalidInputException;
import io.sluice.NotFoundException;
import io.sluice.OperationFailedException;
import io.sluice.batch.JobFamily;
import org.springframework.batch.core.BatchStatus;
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
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Component;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

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

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Map<String, JobFamily> families = new TreeMap<>();
    private final ExecutionProcesses processes;
    private final DataSource dataSource;
    private final Set<JobExecution> running = ConcurrentHashMap.newKeySet();
    /** Set by {@link #stopRunning()}: a job that begins afterwards stops before its first step. */
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    ExecutionService(JobOperator jobOperator, JobRepository jobRepository, List<JobFamily> families,
                     ExecutionProcesses processes, DataSource dataSource) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.processes = processes;
        this.dataSource = dataSource;
        for (JobFamily family : families) {
            this.families.put(family.name(), family);
        }
    }

    /** The names of the jobs that can be launched, sorted. */
    public Set<String> jobNames() {
        return families.keySet();
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
            });
            abstractJob.registerJobExecutionListener(progress);
        }
        try {
            return jobOperator.start(job, parameters);
        } catch (JobExecutionAlreadyRunningException e) {
            throw new ConflictException("this job instance is already running; see `sluice status`");
        } catch (JobInstanceAlreadyCompleteException e) {
            throw new ConflictException("this job instance is already complete; there is nothing to restart");
        } catch (JobRestartException e) {
            throw new ConflictException("cannot restart: " + e.getMessage());
        } catch (InvalidJobParametersException e) {
            throw new InvalidInputException(e.getMessage(), e);
        } catch (Exception e) {
            throw new OperationFailedException("cannot start " + jobName + ": " + e.getMessage(), e);
        } finally {
            if (launched[0] != null) {
                running.remove(launched[0]);
            }
        }
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
        JobExecution execution = find(executionId);
        if (execution.isRunning()) {
            recoverIfOrphaned(execution);
            execution = find(executionId);
        }
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            throw new ConflictException("execution " + executionId + " is already COMPLETED; nothing to restart");
        }
        if (execution.getStatus() == BatchStatus.ABANDONED) {
            throw new ConflictException("execution " + executionId + " was abandoned and cannot be restarted");
        }
        List<JobExecution> later = jobRepository.getJobExecutions(execution.getJobInstance());
        long newest = later.stream().mapToLong(JobExecution::getId).max().orElse(executionId);
        if (newest != executionId) {
            throw new ConflictException("execution " + executionId + " was already restarted as execution " + newest);
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
     * Marks an execution left running by a dead process FAILED, so that it can be restarted.
     *
     * @throws NotFoundException when there is no such execution
     * @throws ConflictException when it is not running, or its process still lives on this host
     */
    public JobExecution recover(long executionId) {
        JobExecution execution = find(executionId);
        if (!execution.isRunning()) {
            throw new ConflictException("execution " + executionId + " is not running (" + execution.getStatus() + "); nothing to recover");
        }
        processes.ownerOf(executionId).ifPresent(owner -> {
            if (owner.host().equals(ExecutionProcesses.hostName()) && !owner.provablyGone()) {
                throw new ConflictException("execution " + executionId + " is still running in process "
                        + owner.pid() + "; stop it with `sluice stop " + executionId + "`");
            }
        });
        return jobOperator.recover(execution);
    }

    /** Recovers every execution whose process is provably gone; returns their ids. */
    public List<Long> recoverOrphans() {
        List<Long> recovered = new ArrayList<>();
        for (String name : families.keySet()) {
            for (JobExecution execution : jobRepository.findRunningJobExecutions(name)) {
                if (processes.ownerOf(execution.getId()).map(ExecutionProcesses.Owner::provablyGone).orElse(false)) {
                    jobOperator.recover(execution);
                    recovered.add(execution.getId());
                }
            }
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
        boolean gone = processes.ownerOf(execution.getId()).map(ExecutionProcesses.Owner::provablyGone).orElse(false);
        if (!gone) {
            throw new ConflictException("execution " + execution.getId() + " is " + execution.getStatus()
                    + "; if its process died, run `sluice recover " + execution.getId() + "` first");
        }
        jobOperator.recover(execution);
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
