package io.sluice.batch;

import io.sluice.persistence.DatabaseOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;

/**
 * A step that rides out a loss of its database. Spring Batch runs each chunk (its reads, writes,
 * and the job repository's step execution and execution context updates) in one transaction on
 * one connection; when that connection dies, the chunk was not committed and Batch fails the step
 * (UNKNOWN when it cannot even record that). This step then waits for the database to answer
 * again ({@link DatabaseOutage#awaitDatabase}), puts the step execution back to what the job
 * repository holds (its last committed chunk: counts, version, the readers' restart state), and
 * runs the step again on the same step execution, so that it goes on after its last commit with
 * fresh connections. It gives up when the database stays away longer than the outage timeout,
 * counted from the first failure since the last committed chunk; the step then ends FAILED.
 * A step that is being stopped is not retried.
 */
public final class OutageTolerantStep implements Step {

    private static final Logger log = LoggerFactory.getLogger(OutageTolerantStep.class);

    private final Step delegate;
    private final JobRepository jobRepository;
    private final DatabaseOutage outage;

    private OutageTolerantStep(Step delegate, JobRepository jobRepository, DatabaseOutage outage) {
        this.delegate = delegate;
        this.jobRepository = jobRepository;
        this.outage = outage;
    }

    /** {@code step} made to ride out database outages; it must be a step whose re-run continues from its execution context. */
    public static Step of(Step step, JobRepository jobRepository, DatabaseOutage outage) {
        return new OutageTolerantStep(step, jobRepository, outage);
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    @Override
    public boolean isAllowStartIfComplete() {
        return delegate.isAllowStartIfComplete();
    }

    @Override
    public int getStartLimit() {
        return delegate.getStartLimit();
    }

    @Override
    public void execute(StepExecution stepExecution) throws JobInterruptedException {
        Instant deadline = null;
        long committedAtFailure = -1;
        while (true) {
            Throwable thrown = null;
            try {
                delegate.execute(stepExecution);
            } catch (RuntimeException e) {
                thrown = e;
            }
            Throwable loss = connectionLoss(stepExecution, thrown);
            if (loss == null || stepExecution.isTerminateOnly() || stepExecution.getStatus() == BatchStatus.STOPPED) {
                if (thrown != null) {
                    throw (RuntimeException) thrown;
                }
                return;
            }
            if (deadline == null || stepExecution.getCommitCount() > committedAtFailure) {
                deadline = Instant.now().plus(outage.timeout()); // a new outage: the last one was ridden out
            }
            log.warn("{}: lost the database ({}); retrying from its last committed chunk for up to {} s",
                    stepExecution.getStepName(), firstLine(loss), Duration.between(Instant.now(), deadline).toSeconds());
            if (!outage.awaitDatabase(deadline) || !restoreCommittedState(stepExecution, deadline)) {
                giveUp(stepExecution, loss);
                return;
            }
            committedAtFailure = stepExecution.getCommitCount();
            log.warn("{}: the database is back; continuing after chunk {}", stepExecution.getStepName(), committedAtFailure);
        }
    }

    /** The connection loss that ended this run of the step, if that is what ended it. */
    private static Throwable connectionLoss(StepExecution stepExecution, Throwable thrown) {
        if (thrown != null && DatabaseOutage.isConnectionLoss(thrown)) {
            return thrown;
        }
        if (stepExecution.getStatus() != BatchStatus.FAILED && stepExecution.getStatus() != BatchStatus.UNKNOWN) {
            return null;
        }
        List<Throwable> failures = stepExecution.getFailureExceptions();
        return failures.stream().filter(DatabaseOutage::isConnectionLoss).findFirst().orElse(null);
    }

    /**
     * Puts the in-memory step execution back to the state the job repository holds, which is the
     * state after its last committed chunk. False when the repository cannot be read before the deadline.
     */
    private boolean restoreCommittedState(StepExecution stepExecution, Instant deadline) {
        StepExecution committed;
        while (true) {
            try {
                committed = jobRepository.getStepExecution(stepExecution.getId());
                break;
            } catch (RuntimeException e) {
                if (!DatabaseOutage.isConnectionLoss(e) || !outage.awaitDatabase(deadline)) {
                    log.warn("{}: cannot read its committed state: {}", stepExecution.getStepName(), firstLine(e));
                    return false;
                }
            }
        }
        if (committed == null) {
            return false;
        }
        long rollbacks = stepExecution.getRollbackCount();
        stepExecution.setVersion(committed.getVersion());
        stepExecution.setReadCount(committed.getReadCount());
        stepExecution.setWriteCount(committed.getWriteCount());
        stepExecution.setCommitCount(committed.getCommitCount());
        stepExecution.setRollbackCount(Math.max(rollbacks, committed.getRollbackCount() + 1));
        stepExecution.setReadSkipCount(committed.getReadSkipCount());
        stepExecution.setProcessSkipCount(committed.getProcessSkipCount());
        stepExecution.setWriteSkipCount(committed.getWriteSkipCount());
        stepExecution.setFilterCount(committed.getFilterCount());
        stepExecution.setExecutionContext(new ExecutionContext(committed.getExecutionContext()));
        stepExecution.setExitStatus(ExitStatus.EXECUTING);
        stepExecution.setEndTime(null);
        stepExecution.getFailureExceptions().clear();
        return true;
    }

    /** The database stayed away: the step ends FAILED (recorded if the database can take it). */
    private void giveUp(StepExecution stepExecution, Throwable loss) {
        stepExecution.setStatus(BatchStatus.FAILED);
        stepExecution.setExitStatus(ExitStatus.FAILED.addExitDescription(
                "the database was unreachable for longer than " + outage.timeout().toSeconds() + " s: " + firstLine(loss)));
        if (stepExecution.getEndTime() == null) {
            stepExecution.setEndTime(LocalDateTime.now());
        }
        log.warn("{}: the database did not come back within {} s; the step failed after its last committed chunk",
                stepExecution.getStepName(), outage.timeout().toSeconds());
    }

    private static String firstLine(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
