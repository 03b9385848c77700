package io.sluice.workflow;

/**
 * The first {@code n} rows, as pandas' {@code head(n)} (Data Wrangler's {@code filter_rows} with
 * {@code filter_type: top_n} and no {@code sort_column}, which calls {@code df.head(n)}). A blocking
 * node, so that its count cannot be lost or doubled by a restart: its step runs again from its input's
 * start, and only the first {@code n} rows are spilled (the rows after them are read and dropped).
 */
final class Limit extends TwoPassNode {

    private final long n;

    private Limit(Schema input, long n) {
        super("sluice-limit-", input, input);
        this.n = n;
    }

    /**
     * From {@code n} (also {@code limit}, {@code rows}, {@code num_rows}, {@code count}, {@code top_n}).
     *
     * @param fallback how many rows when none is set (Data Wrangler's top_n: 10), or null when the setting is required
     * @return null (a problem noted) when it is missing, not a whole number, or negative
     */
    static Limit of(Settings settings, Schema input, Long fallback) {
        Long n = TwoPassNodes.whole(settings, "n", fallback, "n", "limit", "rows", "num_rows", "count", "top_n");
        if (n == null) {
            return null;
        }
        if (n < 0) {
            settings.problem("has n " + n + "; a limit keeps the first n rows, n from 0");
            return null;
        }
        return new Limit(input, n);
    }

    @Override
    void begin() {
    }

    @Override
    boolean gather(Object[] row, long index) {
        return index < n;
    }

    @Override
    Object[] transform(Object[] row) {
        return row;
    }
}
