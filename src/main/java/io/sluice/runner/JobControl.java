package io.sluice.runner;

import io.sluice.ExitCode;
import io.sluice.SluiceException;
import org.springframework.batch.core.BatchStatus;
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
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
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
    private final AtomicReference<JobExecution> running = new AtomicReference<>();
    /** Set by {@link #stopRunning()}: a job that begins afterwards stops before its first step. */
    private final AtomicBoolean stopRequested = new AtomicBoolean();

    JobControl(JobOperator jobOperator, JobRepository jobRepository, JobCatalog catalog, ExecutionProcesses processes) {
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.catalog = catalog;
        this.processes = processes;
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
            throw new SluiceException(ExitCode.CONFLICT, "this job instance is already running; see `sluice status`");
        } catch (JobInstanceAlreadyCompleteException e) {
            throw new SluiceException(ExitCode.CONFLICT, "this job instance is already complete; there is nothing to restart");
        } catch (JobRestartException e) {
            throw new SluiceException(ExitCode.CONFLICT, "cannot restart: " + e.getMessage());
        } catch (Exception e) {
            throw new SluiceException(ExitCode.FAILED, "cannot start " + jobName + ": " + e.getMessage(), e);
        } finally {
            running.set(null);
        }
    }

    /** Restarts a failed or stopped execution (recovering it first when its process is provably gone). */
    JobExecution restart(long executionId, JobExecutionListener progress) {
        JobExecution execution = find(executionId);
        if (execution.isRunning()) {
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

    /** Marks an execution left STARTED by a dead process as FAILED, so that it can be restarted. */
    JobExecution recover(long executionId) {
        JobExecution execution = find(executionId);
        if (!execution.isRunning()) {
            throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is not running (" + execution.getStatus() + "); nothing to recover");
        }
        processes.ownerOf(executionId).ifPresent(owner -> {
            if (owner.host().equals(ExecutionProcesses.hostName()) && !owner.provablyGone()) {
                throw new SluiceException(ExitCode.CONFLICT, "execution " + executionId + " is still running in process "
                        + owner.pid() + "; stop it with `sluice stop " + executionId + "`");
            }
        });
        return jobOperator.recover(execution);
    }

    /** Recovers every execution whose process is provably gone; returns their ids. */
    List<Long> recoverOrphans() {
        List<Long> recovered = new ArrayList<>();
        for (String name : catalog.names()) {
            for (JobExecution execution : jobRepository.findRunningJobExecutions(name)) {
                if (processes.ownerOf(execution.getId()).map(ExecutionProcesses.Owner::provablyGone).orElse(false)) {
                    jobOperator.recover(execution);
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

    /** Stops the job this process runs after its current chunk, and any job it would start later before its first step. */
    void stopRunning() {
        stopRequested.set(true);
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
            throw new SluiceException(ExitCode.NOT_FOUND, "no execution " + executionId + "; see `sluice status`");
        }
        return execution;
    }
}
