package io.sluice.batch;

import org.springframework.batch.core.listener.StepListener;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.TransientDataAccessException;

/**
 * The fault-tolerance policy every migration load step shares: a bad record (an
 * {@link InvalidRecordException} from reading or processing, or a row the database refuses with a
 * {@link DataIntegrityViolationException}) is skipped into the execution's reject file, with no limit
 * on how many, and the step goes on; a transient database error ({@link TransientDataAccessException})
 * is retried, 3 times at most, before it fails the step. A row the database refuses is normally
 * found and rejected by the step's writer itself ({@link RecordIsolation}), in the chunk's own
 * transaction, and reaches this policy only from a writer that is not isolated.
 */
public final class LoadStepPolicy {

    /** How many times an item that meets a transient database error is retried. */
    private static final int RETRY_LIMIT = 3;

    private LoadStepPolicy() {
    }

    /** The step made fault tolerant with this policy, its skips written to {@code rejectFiles}. */
    public static <T, O> ChunkOrientedStepBuilder<SourceRecord<T>, O> apply(ChunkOrientedStepBuilder<SourceRecord<T>, O> step,
                                                                           RejectFiles rejectFiles) {
        return step
                .faultTolerant()
                .skip(InvalidRecordException.class, DataIntegrityViolationException.class)
                .skipLimit(Long.MAX_VALUE)
                .retry(TransientDataAccessException.class)
                .retryLimit(RETRY_LIMIT)
                .listener((StepListener) new RejectingSkipListener<O>(rejectFiles)); // its skip, process and chunk parts
    }
}
