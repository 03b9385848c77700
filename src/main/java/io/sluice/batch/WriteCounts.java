package io.sluice.batch;

import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * What a load step did to the target, kept in the step's execution context so that it is saved
 * with each chunk and survives a restart: records inserted, updated, found unchanged, and rejected.
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

    /** Adds to the counts of the step running on this thread (none outside a step, e.g. in a unit test). */
    public static void addToCurrentStep(long inserted, long updated, long unchanged) {
        StepContext step = StepSynchronizationManager.getContext();
        if (step != null) {
            add(step.getStepExecution(), inserted, updated, unchanged);
        }
    }

    public static void addRejected(StepExecution step) {
        ExecutionContext context = step.getExecutionContext();
        context.putLong(REJECTED, context.getLong(REJECTED, 0L) + 1);
    }
}
