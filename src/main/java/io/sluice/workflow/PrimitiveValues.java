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
    static final class Longs {
        private final List<long[]> blocks = new ArrayList<>();
        private int inLast = BLOCK;
        private long size;

        void add(long value) {
            if (inLast == BLOCK) {
                blocks.add(new long[BLOCK]);
                inLast = 0;
            }
            blocks.get(blocks.size() - 1)[inLast++] = value;
            size++;
        }

        long size() {
            return size;
        }

        /**
         * @throws IllegalStateException when there are more values than a Java array holds
         */
        long[] toArray() {
            long[] all = new long[arraySize(size)];
            int at = 0;
            for (int b = 0; b < blocks.size(); b++) {
                int length = b == blocks.size() - 1 ? inLast : BLOCK;
                System.arraycopy(blocks.get(b), 0, all, at, length);
                at += length;
                blocks.set(b, null);
            }
            blocks.clear();
            inLast = BLOCK;
            size = 0;
            return all;
        }
    }

    /** Floating-point numbers. */
    static final class Doubles {
        private final List<double[]> blocks = new ArrayList<>();
        private int inLast = BLOCK;
        private long size;

        void add(double value) {
            if (inLast == BLOCK) {
                blocks.add(new double[BLOCK]);
                inLast = 0;
            }
            blocks.get(blocks.size() - 1)[inLast++] = value;
            size++;
        }

        long size() {
            return size;
        }

        /**
         * @throws IllegalStateException when there are more values than a Java array holds
         */
        double[] toArray() {
            double[] all = new double[arraySize(size)];
            int at = 0;
            for (int b = 0; b < blocks.size(); b++) {
                int length = b == blocks.size() - 1 ? inLast : BLOCK;
                System.arraycopy(blocks.get(b), 0, all, at, length);
                at += length;
                blocks.set(b, null);
            }
            blocks.clear();
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
