package io.sluice.batch;

import org.springframework.batch.core.scope.context.StepContext;
import org.springframework.batch.core.scope.context.StepSynchronizationManager;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemProcessor;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Keeps one bad value from taking its chunk down, for one load step (made by
 * {@link RefusedRecords#isolating}). The step's writer writes each chunk inside a savepoint; when the
 * database refuses a value ({@link DataIntegrityViolationException}: text it cannot hold, a number or
 * timestamp out of range, a string over a column's limit, a check constraint; or an
 * {@link InvalidRecordException} from the writer, such as a value COPY cannot encode), the savepoint
 * is rolled back and the chunk is written again in halves, each in its own savepoint, down to the
 * records at fault. Each of those is rejected into the reject file with the database's reason and
 * where it came from, counted as rejected (and as a write skip), and noted in
 * {@link RefusedRecords}; the others land once, all in the chunk's one transaction. A chunk with
 * {@code k} such records costs about {@code 2k log2(n/k)} extra writes; a chunk without, one
 * savepoint. Any other failure goes to the step's own fault policy as it was.
 *
 * <p>All of it follows the chunk's transaction: if the chunk rolls back after all, its reject lines
 * are not written (they are written just before it commits), its counts are taken back, and its
 * refused records are not noted, so that a restart or Spring Batch's own scan meets them again once.
 *
 * @param <T> what the step reads (inside its {@link SourceRecord})
 * @param <O> what the step writes
 */
public final class RecordIsolation<T, O> {

    private final RefusedRecords refusedRecords;
    private final String entity;
    private final Function<? super O, String> keyOf;
    private final TransactionTemplate savepoint;
    private final RejectFiles rejectFiles;
    /** Where each item on its way to the writer was read, by identity; forgotten once written. */
    private final Map<Object, SourceRecord<?>> origins = new IdentityHashMap<>();

    RecordIsolation(RefusedRecords refusedRecords, String entity, Function<? super O, String> keyOf,
                    PlatformTransactionManager transactionManager, RejectFiles rejectFiles) {
        this.refusedRecords = refusedRecords;
        this.entity = entity;
        this.keyOf = keyOf;
        this.savepoint = new TransactionTemplate(transactionManager);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.rejectFiles = rejectFiles;
    }

    /** The step's processor, telling the writer where each item it hands on was read. */
    public ItemProcessor<SourceRecord<T>, O> processor(ItemProcessor<? super SourceRecord<T>, ? extends O> processor) {
        return record -> {
            O item = processor.process(record);
            if (item != null) {
                origins.put(item, record);
            }
            return item;
        };
    }

    /** The step's writer, made to isolate the records the database refuses. */
    public ItemWriter<O> writer(ItemWriter<O> writer) {
        return chunk -> write(writer, chunk);
    }

    private record Refusal<O>(O item, RuntimeException reason) {
    }

    private void write(ItemWriter<O> writer, Chunk<? extends O> chunk) {
        if (chunk.isEmpty()) {
            return;
        }
        List<O> items = new ArrayList<>(chunk.getItems());
        try {
            List<Refusal<O>> refused = new ArrayList<>();
            writeIsolating(writer, items, refused);
            if (!refused.isEmpty()) {
                Set<Object> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                refused.forEach(refusal -> out.add(refusal.item()));
                for (Iterator<? extends O> it = chunk.iterator(); it.hasNext(); ) {
                    if (out.contains(it.next())) {
                        it.remove(); // not written: the step's write count leaves it out
                    }
                }
                refused.forEach(this::reject);
            }
        } finally {
            items.forEach(origins::remove);
        }
    }

    private void writeIsolating(ItemWriter<O> writer, List<O> items, List<Refusal<O>> refused) {
        try {
            savepoint.executeWithoutResult(status -> {
                try {
                    writer.write(new Chunk<>(items));
                } catch (RuntimeException e) {
                    throw e;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (DataIntegrityViolationException | InvalidRecordException e) {
            if (items.size() == 1) {
                refused.add(new Refusal<>(items.get(0), e));
                return;
            }
            int half = items.size() / 2;
            writeIsolating(writer, items.subList(0, half), refused);
            writeIsolating(writer, items.subList(half, items.size()), refused);
        }
    }

    private void reject(Refusal<O> refusal) {
        SourceRecord<?> origin = origins.get(refusal.item());
        String file = origin == null ? null : origin.file();
        String location = origin == null ? null : origin.location();
        String raw = String.valueOf(origin == null ? refusal.item() : origin.value());
        String reason = DatabaseRefusal.reason(refusal.reason());
        StepContext step = StepSynchronizationManager.getContext();
        if (step == null) {
            return; // outside a step (a unit test): nothing to count or report to
        }
        StepExecution execution = step.getStepExecution();
        String key = keyOf.apply(refusal.item());
        if (key != null) {
            refusedRecords.record(execution.getJobExecutionId(), entity, key);
        }
        WriteCounts.addRefusedToCurrentStep();
        RejectFile rejects = rejectFiles.forExecution(execution.getJobExecutionId());
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    rejects.reject(file, location, reason, raw);
                }
            });
        } else {
            rejects.reject(file, location, reason, raw);
        }
    }
}
