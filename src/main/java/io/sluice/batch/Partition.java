package io.sluice.batch;

/**
 * One of {@code count} hash partitions of a store's records: a record belongs to the partition its
 * key hashes to, so that every copy of a key (a duplicate id, say) lands in the same partition and
 * is met there in file order. {@link String#hashCode()} is fixed by the Java specification, so a
 * restarted partition owns the same records as before. A record without a key belongs to the first.
 */
public record Partition(int index, int count) {

    /** The whole store, unpartitioned. */
    public static final Partition WHOLE = new Partition(0, 1);

    public Partition {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("partition " + index + " of " + count);
        }
    }

    public boolean owns(String key) {
        return key == null ? isFirst() : Math.floorMod(key.hashCode(), count) == index;
    }

    /** The partition that reports what concerns the whole file (a truncated or empty file, say). */
    public boolean isFirst() {
        return index == 0;
    }

    /** The suffix of the partition's step name: {@code part-1-of-2}. */
    public String name() {
        return "part-" + (index + 1) + "-of-" + count;
    }
}
