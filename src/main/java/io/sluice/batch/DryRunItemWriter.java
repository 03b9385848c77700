package io.sluice.batch;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * For {@code --dry-run}: the real writer runs inside a nested transaction (a savepoint in the
 * chunk's transaction) that is then rolled back, so that constraint and type errors still show up
 * while the data stays as it was. The chunk's own bookkeeping commits as usual.
 */
public final class DryRunItemWriter<T> implements ItemWriter<T> {

    private final ItemWriter<T> delegate;
    private final TransactionTemplate savepoint;

    public DryRunItemWriter(ItemWriter<T> delegate, PlatformTransactionManager transactionManager) {
        this.delegate = delegate;
        this.savepoint = new TransactionTemplate(transactionManager);
        this.savepoint.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
    }

    /** The writer itself, or wrapped to roll back when this is a dry run. */
    public static <T> ItemWriter<T> wrapIf(boolean dryRun, ItemWriter<T> writer, PlatformTransactionManager transactionManager) {
        return dryRun ? new DryRunItemWriter<>(writer, transactionManager) : writer;
    }

    @Override
    public void write(Chunk<? extends T> chunk) {
        savepoint.executeWithoutResult(status -> {
            try {
                delegate.write(chunk);
            } catch (Exception e) {
                throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
            } finally {
                status.setRollbackOnly();
            }
        });
    }
}
