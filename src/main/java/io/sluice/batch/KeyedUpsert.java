package io.sluice.batch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What every writer keyed by the legacy ids does the same way, so that a second run over the same
 * store changes nothing: the chunk's rows by key, the target's stored rows of those keys, each
 * incoming row sorted into insert (not stored), update (stored, and different) or unchanged, and
 * the counts recorded in the step's {@link WriteCounts}. The writers keep what is their own: how
 * they read the stored rows, the row they write for an incoming one, when it counts as changed, and
 * the SQL that writes.
 */
public final class KeyedUpsert {

    private KeyedUpsert() {
    }

    /**
     * One chunk's rows sorted against the target.
     *
     * @param inserts   the rows to insert, in chunk order
     * @param updates   the rows to write over stored ones, in chunk order
     * @param unchanged how many incoming rows the target already holds as they are
     */
    public record Sorted<T>(List<T> inserts, List<T> updates, int unchanged) {

        /** Adds this chunk's counts to the current step's {@link WriteCounts}. */
        public void count() {
            WriteCounts.addToCurrentStep(inserts.size(), updates.size(), unchanged);
        }
    }

    /**
     * The chunk's rows by key, in chunk order.
     *
     * @param firstWins for a key the chunk holds twice, keep the first row (else the last)
     */
    public static <K, T> Map<K, T> byKey(Iterable<? extends T> chunk, Function<? super T, K> key, boolean firstWins) {
        Map<K, T> rows = new LinkedHashMap<>();
        for (T row : chunk) {
            if (firstWins) {
                rows.putIfAbsent(key.apply(row), row);
            } else {
                rows.put(key.apply(row), row);
            }
        }
        return rows;
    }

    /**
     * Sorts the incoming rows against the stored ones. The rows written are of the stored rows'
     * type, which may differ from the incoming one: a workflow lands with its dataset link resolved.
     *
     * @param incoming the chunk's rows by key ({@link #byKey})
     * @param stored   the target's rows of (some of) those keys
     * @param insert   the row to insert for an incoming row the target does not hold
     * @param update   given the incoming and the stored row, the row to write over the stored one, or
     *                 null when the stored row stays as it is
     * @return the rows to insert and to update, each made by {@code insert} or {@code update}, in chunk order
     */
    public static <K, I, T> Sorted<T> sort(Map<K, ? extends I> incoming, Map<K, ? extends T> stored,
                                           Function<? super I, ? extends T> insert, BiFunction<? super I, ? super T, ? extends T> update) {
        List<T> inserts = new ArrayList<>();
        List<T> updates = new ArrayList<>();
        for (Map.Entry<K, ? extends I> entry : incoming.entrySet()) {
            T current = stored.get(entry.getKey());
            if (current == null) {
                inserts.add(insert.apply(entry.getValue()));
            } else {
                T replacing = update.apply(entry.getValue(), current);
                if (replacing != null) {
                    updates.add(replacing);
                }
            }
        }
        return new Sorted<>(inserts, updates, incoming.size() - inserts.size() - updates.size());
    }

    /** The keys of {@code incoming}, as a list for an {@code IN} or {@code = ANY} look-up. */
    public static <K> List<K> keys(Map<K, ?> incoming) {
        Collection<K> keys = incoming.keySet();
        return new ArrayList<>(keys);
    }
}
