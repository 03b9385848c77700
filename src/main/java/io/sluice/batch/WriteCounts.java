package io.sluice.batch;

import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What a load step did to the target, kept in the step's execution context so that it is saved
 * with each chunk and survives a restart: records inserted, updated, found unchanged, and rejected.
 *
 * <p>What a writer counts inside a chunk's transaction ({@link #addToCurrentStep},
 * {@link #addRefusedToCurrentStep}) is taken back when that transaction rolls back, as its rows
 * are; a record that Spring Batch skipped ({@link #addRejected}) stays counted, as its skip does.
 */
public final class WriteCounts {

    public static final String INSERTED = "sluice.inserted";
    public static final String UPDATED = "sluice.updated";
    public static final String UNCHANGED = "sluice.unchanged";
    public static final String REJECTED = "sluice.rejected";

    private WriteCounts() {
    }

    public static void add(StepExecution step, long inserted, long updated, long unchanged) {
        ExecutionContext context = step.getExecutionContext();
        context.putLong(INSERTED, context.getLong(INSERTED, 0L) + inserted);
        context.putLong(UPDATED, context.getLong(UPDATED, 0L) + updated);
        context.putLong(UNCHANGED, context.getLong(UNCHANGED, 0L) + unchanged);
    }

    /**
     * Adds to the counts of the step running on this thread (none outside a step, e.g. in a unit
     * test); taken back if the current transaction rolls back.
     */
    public static void addToCurrentStep(long inserted, long updated, long unchanged) {
        StepContext step = StepSynchronizationManager.getContext();
        if (step != null) {
            undoneOnRollback(step.getStepExecution()).add(inserted, updated, unchanged, 0);
            add(step.getStepExecution(), inserted, updated, unchanged);
        }
    }

    /**
     * Counts one record the database refused, as rejected and as a write skip of the step running
     * on this thread; taken back if the current transaction rolls back (the record is then written
     * or refused again).
     */
    public static void addRefusedToCurrentStep() {
        StepContext step = StepSynchronizationManager.getContext();
        if (step != null) {
            StepExecution execution = step.getStepExecution();
            undoneOnRollback(execution).add(0, 0, 0, 1);
            ExecutionContext context = execution.getExecutionContext();
            context.putLong(REJECTED, context.getLong(REJECTED, 0L) + 1);
            execution.setWriteSkipCount(execution.getWriteSkipCount() + 1);
        }
    }

    /**
     * Counts one record the step running on this thread turned away itself (a source row that does not
     * fit, a row a node cannot compute) inside a chunk that a restart reads again: taken back if the
     * current transaction rolls back, so that a row read again is not counted twice.
     */
    public static void addRejectedToCurrentStep() {
        StepContext step = StepSynchronizationManager.getContext();
        if (step != null) {
            undoneOnRollback(step.getStepExecution()).rejected++;
            addRejected(step.getStepExecution());
        }
    }

    /** Counts one record skipped by the step (read, process or write skip): kept whatever the transaction does. */
    public static void addRejected(StepExecution step) {
        ExecutionContext context = step.getExecutionContext();
        context.putLong(REJECTED, context.getLong(REJECTED, 0L) + 1);
    }

    /** How many records the steps of {@code execution} rejected, as their execution contexts count them. */
    public static long rejectedIn(org.springframework.batch.core.job.JobExecution execution) {
        long rejected = 0;
        for (StepExecution step : execution.getStepExecutions()) {
            rejected += step.getExecutionContext().getLong(REJECTED, 0L);
        }
        return rejected;
    }

    /** Sets every count of a step back to zero, for a step that starts its source over. */
    public static void reset(ExecutionContext context) {
        for (String key : new String[] {INSERTED, UPDATED, UNCHANGED, REJECTED}) {
            context.remove(key);
        }
    }

    /** What this transaction added to the step's counts so far, subtracted again if it does not commit. */
    private static Added undoneOnRollback(StepExecution step) {
        Added.Key key = new Added.Key(step);
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return new Added(); // no transaction to follow: the counts simply stay
        }
        Added added = (Added) TransactionSynchronizationManager.getResource(key);
        if (added == null) {
            Added fresh = new Added();
            TransactionSynchronizationManager.bindResource(key, fresh);
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    TransactionSynchronizationManager.unbindResourceIfPossible(key);
                    if (status != STATUS_COMMITTED) {
                        fresh.subtractFrom(step);
                    }
                }
            });
            added = fresh;
        }
        return added;
    }

    private static final class Added {

        /** One per step execution (compared by identity: partitions' executions are distinct objects). */
        record Key(StepExecution step) {
            @Override
            public boolean equals(Object other) {
                return other instanceof Key key && key.step == step;
            }

            @Override
            public int hashCode() {
                return System.identityHashCode(step);
            }
        }

        private long inserted;
        private long updated;
        private long unchanged;
        private long refused;
        /** Rows turned away by the step itself, not skips ({@link #addRejectedToCurrentStep}). */
        private long rejected;

        void add(long inserted, long updated, long unchanged, long refused) {
            this.inserted += inserted;
            this.updated += updated;
            this.unchanged += unchanged;
            this.refused += refused;
        }

        /**
         * Takes the counts back. Where Spring Batch restores the step's state itself (a commit that
         * failed after the chunk was saved), its restore runs after this one (it registered later)
         * and replaces the context with its copy from before the transaction, so nothing is taken
         * back twice.
         */
        void subtractFrom(StepExecution step) {
            ExecutionContext context = step.getExecutionContext();
            context.putLong(INSERTED, context.getLong(INSERTED, 0L) - inserted);
            context.putLong(UPDATED, context.getLong(UPDATED, 0L) - updated);
            context.putLong(UNCHANGED, context.getLong(UNCHANGED, 0L) - unchanged);
            context.putLong(REJECTED, context.getLong(REJECTED, 0L) - refused - rejected);
            step.setWriteSkipCount(step.getWriteSkipCount() - refused);
        }
    }
}
