package io.sluice.migration;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import java.util.Arrays;

/**
 * Remembers which keys a step has already read, in 8 bytes a key, to reject duplicate ids in a
 * store of millions of records without keeping the ids themselves. Two distinct keys share a
 * 64-bit hash with a chance of about 1 in 10^7 at a million keys. Keys added since the last
 * checkpoint (the last committed chunk) can be forgotten again, for a chunk that is read again.
 */
public final class SeenKeys {

    private long[] slots = new long[1 << 12];
    private int size;
    private long[] sinceCheckpoint = new long[64];
    private int added;

    /** Adds the key; false when it was already there. */
    public boolean add(String key) {
        long hash = hash(key);
        if (size * 2 >= slots.length) {
            grow();
        }
        boolean fresh = insert(slots, hash);
        if (fresh) {
            if (added == sinceCheckpoint.length) {
                sinceCheckpoint = Arrays.copyOf(sinceCheckpoint, added * 2);
            }
            sinceCheckpoint[added++] = hash;
        }
        return fresh;
    }

    /** Keeps every key added so far: a later {@link #rewind()} goes back to here (call it when a chunk committed). */
    public void checkpoint() {
        added = 0;
        if (sinceCheckpoint.length > 1 << 16) {
            sinceCheckpoint = new long[64];
        }
    }

    /**
     * {@link #checkpoint()} once the current transaction commits (at once when none is active): a
     * reader or processor calls it from {@code ItemStream.update}, which runs inside the chunk's transaction.
     */
    public void checkpointOnCommit() {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            checkpoint();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                checkpoint();
            }
        });
    }

    /** Forgets the keys added since the last {@link #checkpoint()} (their chunk was rolled back and will be read again). */
    public void rewind() {
        if (added == 0) {
            return;
        }
        long[] forget = Arrays.copyOf(sinceCheckpoint, added);
        Arrays.sort(forget);
        long[] old = slots;
        slots = new long[old.length];
        size = 0;
        Arrays.stream(old).filter(h -> h != 0 && Arrays.binarySearch(forget, h) < 0).forEach(h -> insert(slots, h));
        added = 0;
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
