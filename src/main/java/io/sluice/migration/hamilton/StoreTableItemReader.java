package io.sluice.migration.hamilton;

import io.sluice.batch.SourceChange;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import org.springframework.batch.infrastructure.item.database.JdbcCursorItemReader;

/**
 * Reads one table of the Hamilton store in key order through a JDBC cursor, whose restart position
 * is a row count, and saves a fingerprint of the store ({@link HamiltonStore#fingerprint}) beside
 * it. A count means nothing in a store that changed since: rows added or removed before it would
 * shift it, so that rows are skipped unread. A restart that finds the store changed reads the table
 * again from the start instead (safe: what already landed comes out unchanged), and says so
 * ({@link SourceChange}); one that finds it as it was resumes after the saved row.
 *
 * <p>The fingerprint is taken before the cursor's query runs, so that a commit to the store after
 * it counts as a change even when the cursor already sees that commit.
 */
final class StoreTableItemReader<T> extends ItemStreamSupport implements ItemStreamReader<T> {

    private static final String FINGERPRINT = "store-fingerprint";
    /** The rows handed out since the start of the table (the cursor's own count also counts the read that found the end). */
    private static final String ROWS = "rows";
    /** The cursor's own position, saved under the same name (the cursor reader is named as this one). */
    private static final String READ_COUNT = "read.count";

    private final JdbcCursorItemReader<T> rows;
    private final HamiltonStore store;
    /** Of the store when the cursor was opened: what the rows read since were read from. */
    private String fingerprint;
    private int handedOut;

    /** @param rows the table's cursor, named {@code name}, saving its state */
    StoreTableItemReader(String name, JdbcCursorItemReader<T> rows, HamiltonStore store) {
        setName(name);
        this.rows = rows;
        this.store = store;
    }

    @Override
    public void open(ExecutionContext context) {
        fingerprint = store.fingerprint();
        String saved = context.getString(getExecutionContextKey(FINGERPRINT), null);
        // a position saved by an older sluice, without the rows count, stands for as many rows
        handedOut = context.getInt(getExecutionContextKey(ROWS), context.getInt(getExecutionContextKey(READ_COUNT), 0));
        if (saved != null && handedOut > 0 && !saved.equals(fingerprint)) {
            context.remove(getExecutionContextKey(READ_COUNT));
            handedOut = 0;
            SourceChange.readAgainFromTheStart(context, store.displayName());
        }
        rows.open(context);
    }

    @Override
    public T read() throws Exception {
        T row = rows.read();
        if (row != null) {
            handedOut++;
        }
        return row;
    }

    @Override
    public void update(ExecutionContext context) {
        rows.update(context);
        context.putString(getExecutionContextKey(FINGERPRINT), fingerprint);
        context.putInt(getExecutionContextKey(ROWS), handedOut);
    }

    @Override
    public void close() {
        rows.close();
    }
}
