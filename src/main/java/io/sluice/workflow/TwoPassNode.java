package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A blocking node that reads its input twice (fill with a column's mean, normalize, equal-width
 * binning, limit, sample). First pass: each row added is offered to {@link #gather}, which takes from
 * it what the node needs (a column's sum, its minimum and maximum, the row count) and says whether
 * the row is kept; the kept rows are spilled to a {@link RowFile} of the input schema. When the input
 * is complete, {@link #prepare} turns what was gathered into the values the second pass uses (a mean,
 * the bin edges, how many rows to sample). Second pass: the spill is read back in input order, each row
 * put through {@link #transform}, and the rows it returns are written to the output row file.
 *
 * <p>Memory is what the subclass gathers (a few numbers a column, or as it documents); the rows
 * themselves wait on disk. The spill is a temporary file of one step execution: {@link #close} deletes
 * it, finished or not, and a step run again on the same node starts afresh ({@link #begin}).
 */
abstract class TwoPassNode implements BlockingNode {

    private final String spillPrefix;
    private final Schema input;
    private final Schema output;
    private Path spill;
    private RowFile.Writer spilled;
    private long added;

    /**
     * @param spillPrefix how the spill file's name begins ({@code sluice-normalize-})
     * @param input       the schema of the rows added
     * @param output      the schema of the rows {@link #transform} returns
     */
    TwoPassNode(String spillPrefix, Schema input, Schema output) {
        this.spillPrefix = spillPrefix;
        this.input = input;
        this.output = output;
    }

    @Override
    public final Schema output() {
        return output;
    }

    Schema input() {
        return input;
    }

    @Override
    public final void add(Object[] row) throws IOException {
        if (spilled == null) {
            open();
        }
        if (gather(row, added++)) {
            spilled.append(row);
        }
    }

    /** Writes every kept row, transformed, to {@code rowFile}; then deletes the spill. */
    @Override
    public final long finish(Path rowFile) throws IOException {
        if (spilled == null) {
            open();
        }
        spilled.commit();
        try {
            prepare(added);
            long written = 0;
            try (RowFile.Reader reader = new RowFile.Reader(spill); RowFile.Writer writer = new RowFile.Writer(rowFile, output)) {
                for (Object[] row = reader.next(); row != null; row = reader.next()) {
                    Object[] out = transform(row);
                    if (out != null) {
                        writer.append(out);
                        written++;
                    }
                }
                writer.commit();
            }
            return written;
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    @Override
    public final void close() throws IOException {
        if (spilled != null) {
            spilled.close();
            Files.deleteIfExists(spill);
            spilled = null;
        }
    }

    private void open() throws IOException {
        spill = Files.createTempFile(spillPrefix, ".rows");
        spilled = new RowFile.Writer(spill, input);
        added = 0;
        begin();
    }

    /** Forgets what an earlier run of the step gathered: called before the first row of a run. */
    abstract void begin();

    /**
     * The first pass over one input row.
     *
     * @param row   a row of the input schema (not to be changed)
     * @param index its position in the input, from 0
     * @return whether the row is kept for the second pass (false drops it: a row past a limit, a row
     *         that a {@code drop} strategy removes)
     */
    abstract boolean gather(Object[] row, long index);

    /**
     * Between the passes: what was gathered becomes what {@link #transform} uses.
     *
     * @param rows how many rows were added in the first pass (kept or not)
     * @throws io.sluice.InvalidInputException when the input cannot give what the node asks (a sample
     *                                         larger than its input): the step fails with its message
     */
    void prepare(long rows) {
    }

    /**
     * The second pass over one kept row, in input order.
     *
     * @return the output row (of the output schema), or null to drop it
     */
    abstract Object[] transform(Object[] row);

    /**
     * Reads the spilled rows once more, in input order, for a node whose {@link #prepare} needs a statistic
     * that takes two passes of its own (a variance around a mean computed first).
     */
    final void eachSpilled(java.util.function.Consumer<Object[]> action) {
        try (RowFile.Reader reader = new RowFile.Reader(spill)) {
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                action.accept(row);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read the spill " + spill + ": " + e.getMessage(), e);
        }
    }

    /** A value as a double, or NaN when it is null or not a number (pandas' missing value). */
    static double number(Object value) {
        return value instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Whether a value is missing as pandas sees it: null or NaN. */
    static boolean missing(Object value) {
        return value == null || value instanceof Double d && d.isNaN();
    }
}
