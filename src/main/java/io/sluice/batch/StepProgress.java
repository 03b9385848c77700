package io.sluice.batch;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/**
 * How far a reader has come through its input, published in its step's execution context at each
 * chunk so that a progress bar can show a percentage and an ETA: bytes of a streamed file, or
 * folders of a listed store.
 *
 * @param done  units read so far
 * @param total units in all
 * @param unit  what is counted ("B" for bytes, "folders")
 */
public record StepProgress(long done, long total, String unit) {

    private static final String DONE = "sluice.progress.done";
    private static final String TOTAL = "sluice.progress.total";
    private static final String UNIT = "sluice.progress.unit";

    public static void publish(ExecutionContext context, long done, long total, String unit) {
        context.putLong(DONE, done);
        context.putLong(TOTAL, total);
        context.putString(UNIT, unit);
    }

    /** The progress a running step's reader published, or null when it publishes none. */
    public static StepProgress of(StepExecution step) {
        ExecutionContext context = step.getExecutionContext();
        if (!context.containsKey(TOTAL)) {
            return null;
        }
        return new StepProgress(context.getLong(DONE), context.getLong(TOTAL), context.getString(UNIT));
    }
}
