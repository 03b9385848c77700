package io.sluice.batch;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * Remembers which keys a step has already read, in 8 bytes a key, to reject duplicate ids in a
 * store of millions of records without keeping the ids themselves. Two distinct keys share a
 * 64-bit hash with a chance of about 1 in 10^7 at a million keys.
 *
 * <p>Made {@link #rolledBackWithTransaction()}, the keys added inside a transaction (a chunk's) are
 * forgotten again when it rolls back, so that the records of a failed chunk are new again when the
 * step reads, scans or restarts them, never false duplicates of themselves.
 */
public final class SeenKeys {

    private final boolean transactional;
    private long[] slots = new long[1 << 12];
    private int size;
    /** The hashes added in the current transaction, forgotten if it rolls back; null when none is registered. */
    private Set<Long> addedInTransaction;

    /** Keys kept whatever happens to the transactions they were added in (verification, a single scan). */
    public SeenKeys() {
        this(false);
    }

    private SeenKeys(boolean transactional) {
        this.transactional = transactional;
    }

    /** Keys added inside a transaction are forgotten when it rolls back (a processor's, which a chunk's rollback repeats). */
    public static SeenKeys rolledBackWithTransaction() {
        return new SeenKeys(true);
    }

    /** Adds the key; false when it was already there. */
    public boolean add(String key) {
        long hash = hash(key);
        if (size * 2 >= slots.length) {
            grow();
        }
        boolean added = insert(slots, hash);
        if (added && transactional && TransactionSynchronizationManager.isSynchronizationActive()) {
            rememberForRollback(hash);
        }
        return added;
    }

    private void rememberForRollback(long hash) {
        if (addedInTransaction == null) {
            addedInTransaction = new HashSet<>();
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    Set<Long> added = addedInTransaction;
                    addedInTransaction = null;
                    if (status != STATUS_COMMITTED) {
                        forget(added);
                    }
                }
            });
        }
        addedInTransaction.add(hash);
    }

    /** Rebuilds the table without the hashes (rare: a rolled-back chunk). */
    private void forget(Set<Long> hashes) {
        long[] old = slots;
        slots = new long[old.length];
        size = 0;
        Arrays.stream(old).filter(h -> h != 0 && !hashes.contains(h)).forEach(h -> insert(slots, h));
    }

    public int size() {
        return size;
    }

    private boolean insert(long[] table, long hash) {
        int mask = table.length - 1;
        int i = (int) (hash ^ (hash >>> 32)) & mask;
        while (table[i] != 0) {
            if (table[i] == hash) {
                return false;
            }
            i = (i + 1) & mask;
        }
        table[i] = hash;
        if (table == slots) {
            size++;
        }
        return true;
    }

    private void grow() {
        long[] old = slots;
        slots = new long[old.length * 2];
        size = 0;
        Arrays.stream(old).filter(h -> h != 0).forEach(h -> insert(slots, h));
    }

    /** 64-bit FNV-1a, then a finalizer; never 0 (0 marks an empty slot). */
    static long hash(String key) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < key.length(); i++) {
            h ^= key.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }
}
