package io.sluice.batch;

import io.sluice.persistence.DatabaseOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.ListableStepLocator;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.item.ChunkOrientedStep;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStream;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A step that rides out a loss of its database. Spring Batch runs each chunk (its reads, writes,
 * and the job repository's step execution and execution context updates) in one transaction on
 * one connection; when that connection dies, the chunk was not committed and Batch fails the step
 * (UNKNOWN when it cannot even record that). This step then waits for the database to answer
 * again ({@link DatabaseOutage#awaitDatabase}), puts the step execution back to its state at its
 * last committed chunk (counts and the readers' restart state, kept in memory when each chunk
 * commits, as Batch's failure path records the lost chunk's counts too; the version from the job
 * repository), and runs the step again on the same step execution, so that it goes on after its
 * last commit with fresh connections. It gives up when the database stays away longer than the outage timeout,
 * counted from the first failure since the last committed chunk; the step then ends FAILED.
 * Not retried: a step being stopped, and a step Spring Batch marked UNKNOWN and stopping because
 * its chunk's transaction ended with an unknown outcome (the step execution offers no way to undo
 * that; sluice's transaction manager avoids it for lost connections); such a step fails, and
 * {@code sluice restart} continues it. A chunk whose commit was cut off after the server took it
 * is written again (as unchanged rows). It locates the step it wraps by its name, so that whoever
 * instruments a job (metrics) reaches that step too.
 */
public final class OutageTolerantStep implements Step, ListableStepLocator {

    private static final Logger log = LoggerFactory.getLogger(OutageTolerantStep.class);

    private final Step delegate;
    private final JobRepository jobRepository;
    private final DatabaseOutage outage;
    private final Map<Long, Committed> committed = new ConcurrentHashMap<>();
    private final Map<Long, Instant> chunkFailedAt = new ConcurrentHashMap<>();

    private OutageTolerantStep(Step delegate, JobRepository jobRepository, DatabaseOutage outage) {
        this.delegate = delegate;
        this.jobRepository = jobRepository;
        this.outage = outage;
    }

    /**
     * {@code step} made to ride out database outages. It must be a step whose re-run continues from
     * its execution context; for a chunk-oriented step, the state of each committed chunk is kept,
     * for any other step the state it started with (it runs again from there).
     */
    public static Step of(Step step, JobRepository jobRepository, DatabaseOutage outage) {
        OutageTolerantStep tolerant = new OutageTolerantStep(step, jobRepository, outage);
        if (step instanceof ChunkOrientedStep<?, ?> chunks) {
            chunks.registerItemStream(tolerant.new CommitTracker());
            chunks.registerChunkListener(tolerant.new FailureClock<>());
        }
        return tolerant;
    }

    /** A step execution's counts and execution context as of a commit. */
    private record Committed(long read, long write, long commit, long readSkip, long processSkip, long writeSkip, long filter,
                             ExecutionContext context) {

        static Committed of(StepExecution step) {
            return new Committed(step.getReadCount(), step.getWriteCount(), step.getCommitCount(), step.getReadSkipCount(),
                    step.getProcessSkipCount(), step.getWriteSkipCount(), step.getFilterCount(),
                    new ExecutionContext(step.getExecutionContext()));
        }

        void restore(StepExecution step) {
            step.setReadCount(read);
            step.setWriteCount(write);
            step.setCommitCount(commit);
            step.setReadSkipCount(readSkip);
            step.setProcessSkipCount(processSkip);
            step.setWriteSkipCount(writeSkip);
            step.setFilterCount(filter);
            step.setExecutionContext(new ExecutionContext(context));
        }
    }

    /**
     * Called with the readers and writers when a chunk saves its state (inside the chunk's
     * transaction): once that transaction commits, the step execution's state is the committed one.
     */
    private final class CommitTracker implements ItemStream {

        @Override
        public void update(ExecutionContext context) {
            StepContext step = StepSynchronizationManager.getContext();
            if (step == null || !TransactionSynchronizationManager.isSynchronizationActive()) {
                return;
            }
            StepExecution execution = step.getStepExecution();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    committed.put(execution.getId(), Committed.of(execution));
                }
            });
        }
    }

    /**
     * Notes when a chunk failed, before Batch's failure path tries to record the step (which waits
     * up to the pool timeout for a connection): the outage timeout counts from the failure.
     */
    private final class FailureClock<I, O> implements ChunkListener<I, O> {

        @Override
        public void onChunkError(Exception exception, Chunk<O> chunk) {
            StepContext step = StepSynchronizationManager.getContext();
            if (step != null) {
                chunkFailedAt.putIfAbsent(step.getStepExecution().getId(), Instant.now());
            }
        }
    }

    @Override
    public String getName() {
        return delegate.getName();
    }

    /** The wrapped step's name, the same as this step's. */
    @Override
    public Collection<String> getStepNames() {
        return List.of(delegate.getName());
    }

    /** The wrapped step, for its name; null for another name. */
    @Override
    public Step getStep(String stepName) {
        return delegate.getName().equals(stepName) ? delegate : null;
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
        committed.put(stepExecution.getId(), Committed.of(stepExecution));
        try {
            executeRidingOutOutages(stepExecution);
        } finally {
            committed.remove(stepExecution.getId());
            chunkFailedAt.remove(stepExecution.getId());
        }
    }

    private void executeRidingOutOutages(StepExecution stepExecution) throws JobInterruptedException {
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
            long committedChunks = committed.get(stepExecution.getId()).commit();
            Instant failedAt = chunkFailedAt.getOrDefault(stepExecution.getId(), Instant.now());
            chunkFailedAt.remove(stepExecution.getId());
            if (deadline == null || committedChunks > committedAtFailure) {
                deadline = failedAt.plus(outage.timeout()); // a new outage: the last one was ridden out
            }
            log.warn("{}: lost the database ({}); retrying from its last committed chunk once it answers, for {} s more at most",
                    stepExecution.getStepName(), firstLine(loss), Math.max(0, Duration.between(Instant.now(), deadline).toSeconds()));
            if (!outage.awaitDatabase(deadline) || !restoreCommittedState(stepExecution, deadline)) {
                giveUp(stepExecution, loss);
                return;
            }
            committedAtFailure = committedChunks;
            log.warn("{}: the database is back; continuing after chunk {}", stepExecution.getStepName(), committedChunks);
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
     * Puts the in-memory step execution back to its state at its last committed chunk, with the
     * version the job repository holds now (its failure path may have recorded the step since).
     * False when the repository cannot be read before the deadline.
     */
    private boolean restoreCommittedState(StepExecution stepExecution, Instant deadline) {
        StepExecution recorded;
        while (true) {
            try {
                recorded = jobRepository.getStepExecution(stepExecution.getId());
                break;
            } catch (RuntimeException e) {
                if (!DatabaseOutage.isConnectionLoss(e) || !outage.awaitDatabase(deadline)) {
                    log.warn("{}: cannot read its recorded state: {}", stepExecution.getStepName(), firstLine(e));
                    return false;
                }
            }
        }
        if (recorded == null) {
            return false;
        }
        stepExecution.setVersion(recorded.getVersion());
        committed.get(stepExecution.getId()).restore(stepExecution);
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
