package io.sluice.workflow;

import java.util.List;

/**
 * A row-wise node (filter, derive, select, drop, rename, missing values, type conversion): one row in,
 * that row changed or none out.
 * Chains of them run fused in one chunk-oriented step.
 */
interface RowOperation {

    /** The schema of the rows it puts out. */
    Schema output();

    /**
     * @param row a row of the input schema (never changed in place)
     * @return the output row, or null when the row is dropped
     * @throws ArithmeticException when an expression cannot be computed for this row (the step fails)
     * @throws io.sluice.batch.InvalidRecordException when the row is bad input (a value that does not convert):
     *                                                the step rejects it with the reason and goes on
     */
    Object[] apply(Object[] row);

    /** An operation putting out rows of {@code output}, computed by {@code apply} (null drops the row). */
    static RowOperation of(Schema output, java.util.function.UnaryOperator<Object[]> apply) {
        return new RowOperation() {
            @Override
            public Schema output() {
                return output;
            }

            @Override
            public Object[] apply(Object[] row) {
                return apply.apply(row);
            }
        };
    }

    /** Rows through a chain of operations, each's output the next's input; null when one drops the row. */
    static Object[] applyAll(List<RowOperation> chain, Object[] row) {
        Object[] current = row;
        for (int i = 0; i < chain.size() && current != null; i++) {
            current = chain.get(i).apply(current);
        }
        return current;
    }
}
