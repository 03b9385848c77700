package io.sluice.workflow;

import java.util.ArrayList;
import java.util.List;

/**
 * A column's values gathered in primitive blocks of 65,536 (8 bytes a value, no boxing), for the
 * statistics that need all of them (quantiles, exact distinct counts): growing never copies, and
 * {@link #toArray} hands them over as one array, releasing the blocks.
 */
final class PrimitiveValues {

    private static final int BLOCK = 1 << 16;

    private PrimitiveValues() {
    }

    /** Whole numbers. */
    static final class Longs extends Blocks<long[]> {

        void add(long value) {
            int at = next();
            last[at] = value;
        }

        @Override
        long[] newBlock(int length) {
            return new long[length];
        }
    }

    /** Floating-point numbers. */
    static final class Doubles extends Blocks<double[]> {

        void add(double value) {
            int at = next();
            last[at] = value;
        }

        @Override
        double[] newBlock(int length) {
            return new double[length];
        }
    }

    /**
     * The blocks of one primitive array type {@code A} ({@code long[]}, {@code double[]}).
     *
     * @param <A> the array type
     */
    private abstract static class Blocks<A> {
        private final List<A> blocks = new ArrayList<>();
        /** The block being filled. */
        A last;
        private int inLast = BLOCK;
        private long size;

        /** A new array of {@code length} values. */
        abstract A newBlock(int length);

        /** Makes room for one more value: its index in {@link #last}. */
        final int next() {
            if (inLast == BLOCK) {
                last = newBlock(BLOCK);
                blocks.add(last);
                inLast = 0;
            }
            size++;
            return inLast++;
        }

        final long size() {
            return size;
        }

        /**
         * All values, in the order added, as one array; the blocks are released and the collection is empty again.
         *
         * @throws IllegalStateException when there are more values than a Java array holds
         */
        final A toArray() {
            A all = newBlock(arraySize(size));
            int at = 0;
            for (int b = 0; b < blocks.size(); b++) {
                int length = b == blocks.size() - 1 ? inLast : BLOCK;
                System.arraycopy(blocks.get(b), 0, all, at, length);
                at += length;
                blocks.set(b, null);
            }
            blocks.clear();
            last = null;
            inLast = BLOCK;
            size = 0;
            return all;
        }
    }

    private static int arraySize(long size) {
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("a column has " + size + " values, more than sluice holds for its quantiles (2^31 - 9)");
        }
        return (int) size;
    }
}
