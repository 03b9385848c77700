package io.sluice.runner;

import io.sluice.ExitCode;
import io.sluice.SluiceException;
import io.sluice.persistence.DatabaseOutage;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.AbstractJob;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobExecutionNotRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.launch.JobRestartException;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts, restarts, stops, recovers and abandons job executions through Spring Batch's
 * {@link JobOperator}, with sluice's rules on top: who owns a running execution, and when one left
 * behind by a dead process may be recovered.
 */
@Component
class JobControl {

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final JobCatalog catalog;
    private final ExecutionProcesses processes;
    private final DatabaseOutage outage;
    private final AtomicReference<JobExecution> running = new AtomicReference<>();

    JobControl(JobOperator jobOperator, JobRepository jobRepository, JobCatalog catalog, ExecutionProcesses processes,
               DatabaseOutage outage) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.catalog = catalog;
        this.processes = processes;
        this.outage = outage;
    }

    /** Runs the job to its end in this thread; {@code progress} sees the execution as soon as it starts. */
    JobExecution launch(String jobName, JobParameters parameters, JobExecutionListener progress) {
        Job job = catalog.job(jobName, parameters);
        if (job instanceof AbstractJob abstractJob) {
            abstractJob.registerJobExecutionListener(processes);
            abstractJob.registerJobExecutionListener(new JobExecutionListener() {
                @Override
                public void beforeJob(JobExecution jobExecution) {
                    running.set(jobExecution);
                }
            });
            abstractJob.registerJobExecutionListener(progress);
        }
        try {
            return settleAfterOutage(jobOperator.start(job, parameters));
        } catch (JobExecutionAlreadyRunningException e) {
            throw new SluiceException(ExitCode.CONFLICT, "this job instance is already running; see `sluice status`");
        } catch (JobInstanceAlreadyCompleteException e) {
            throw new SluiceException(ExitCode.CONFLICT, "this job instance is already complete; there is nothing to restart");
        } catch (JobRestartException e) {
            throw new SluiceException(ExitCode.CONFLICT, "cannot restart: " + e.getMessage());
        } catch (Exception e) {
            JobExecution current = running.get();
            if (current != null && DatabaseOutage.isConnectionLoss(e)) {
                throw new SluiceException(ExitCode.FAILED, "execution " + current.getId() + " lost the database for longer than "
                        + outage.timeout().toSeconds() + " s (sluice.database.outage-timeout) and stopped after its last committed chunk;"
                        + " continue it with `sluice restart " + current.getId() + "` once the database is back", e);
            }
            throw new SluiceException(ExitCode.FAILED, "cannot start " + jobName + ": " + e.getMessage(), e);
        } finally {
            JobExecution ended = running.getAndSet(null);
            if (ended != null) {
                processes.ended(ended.getId());
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

    /** Restarts a failed or stopped execution (recovering it first when its process is provably gone). */
    JobExecution restart(long executionId, JobExecutionListener progress) {
        JobExecution execution = find(executionId);
        if (unsettled(execution)) {
            recoverIfOrphaned(execution);
            execution = find(executionId);
        }
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is already COMPLETED; nothing to restart");
        }
        if (execution.getStatus() == BatchStatus.ABANDONED) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " was abandoned and cannot be restarted");
        }
        List<JobExecution> later = jobRepository.getJobExecutions(execution.getJobInstance());
        long newest = later.stream().mapToLong(JobExecution::getId).max().orElse(executionId);
        if (newest != executionId) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " was already restarted as execution " + newest);
        }
        return launch(execution.getJobInstance().getJobName(), execution.getJobParameters(), progress);
    }

    /** Asks a running execution to stop after its current chunk; works from any process. */
    void stop(long executionId) {
        JobExecution execution = find(executionId);
        try {
            jobOperator.stop(execution);
        } catch (JobExecutionNotRunningException e) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is not running (" + execution.getStatus() + ")");
        }
    }

    /**
     * Marks an execution left STARTED or UNKNOWN by a process that is gone (killed, or it lost its
     * database) as FAILED, and its unfinished or UNKNOWN steps too, so that it can be restarted.
     */
    JobExecution recover(long executionId) {
        JobExecution execution = find(executionId);
        if (!unsettled(execution)) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is " + execution.getStatus()
                    + " and none of its steps is left running or UNKNOWN; nothing to recover");
        }
        processes.ownerOf(executionId).ifPresent(owner -> {
            if (owner.host().equals(ExecutionProcesses.hostName()) && !owner.provablyGone()) {
                throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is still running in process "
                        + owner.pid() + "; stop it with `sluice stop " + executionId + "`");
            }
        });
        return markFailed(execution, "recovered: its process ended without recording the end");
    }

    /** Recovers every execution whose process is provably gone; returns their ids. */
    List<Long> recoverOrphans() {
        List<Long> recovered = new ArrayList<>();
        for (String name : catalog.names()) {
            for (JobExecution execution : jobRepository.findRunningJobExecutions(name)) {
                if (processes.ownerOf(execution.getId()).map(ExecutionProcesses.Owner::provablyGone).orElse(false)) {
                    markFailed(execution, "recovered: its process ended without recording the end");
                    recovered.add(execution.getId());
                }
            }
        }
        return recovered;
    }

    JobExecution abandon(long executionId) {
        JobExecution execution = find(executionId);
        if (execution.getStatus() == BatchStatus.COMPLETED) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is COMPLETED; there is nothing to abandon");
        }
        try {
            return jobOperator.abandon(execution);
        } catch (JobExecutionAlreadyRunningException e) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is " + execution.getStatus()
                    + "; stop it (or recover it, if its process died) before abandoning it");
        }
    }

    /** The execution this process is running now, if any (for the shutdown hook). */
    JobExecution running() {
        return running.get();
    }

    void stopRunning() {
        JobExecution execution = running.get();
        if (execution != null && execution.isRunning()) {
            try {
                jobOperator.stop(execution);
            } catch (JobExecutionNotRunningException ignored) {
                // it ended meanwhile
            }
        }
    }

    private void recoverIfOrphaned(JobExecution execution) {
        boolean gone = processes.ownerOf(execution.getId()).map(ExecutionProcesses.Owner::provablyGone).orElse(false);
        if (!gone) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + execution.getId() + " is " + execution.getStatus()
                    + "; if its process died, run `sluice recover " + execution.getId() + "` first");
        }
        markFailed(execution, "recovered: its process ended without recording the end");
    }

    /**
     * True when the execution, or one of its steps, is still marked running or UNKNOWN: Spring
     * Batch restarts neither, and its {@code JobOperator.recover} leaves UNKNOWN as it is.
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

    private JobExecution find(long executionId) {
        JobExecution execution;
        try {
            execution = jobRepository.getJobExecution(executionId);
        } catch (EmptyResultDataAccessException e) {
            execution = null; // Batch 6's JDBC repository throws where its contract says null
        }
        if (execution == null) {
            throw new SluiceException(ExitCode.NOT_FOUND, "no execution " + executionId + "; see `sluice status`");
        }
        return execution;
    }
}
