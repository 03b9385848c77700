package io.sluice.workflow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * An analysis node that lets its input through unchanged, as Data Wrangler's analysis and
 * visualization nodes do (their {@code default} output is their input frame): every row is observed
 * and spilled to a row file, which becomes the node's output rows for the steps after it; the result
 * is computed once every row was observed.
 */
abstract class PassThroughAnalysis implements BlockingNode, Analysis {

    protected final Schema input;
    private Path spill;
    private RowFile.Writer spilled;
    private long rows;
    private Map<String, Object> result;

    PassThroughAnalysis(Schema input) {
        this.input = input;
    }

    /** Takes one input row into the analysis (the row is not to be changed or kept). */
    abstract void observe(Object[] row);

    /**
     * The result, once every row was observed.
     *
     * @param rowFile the input rows, all of them in order (a row file of the input schema), for a second pass
     */
    abstract Map<String, Object> compute(Path rowFile) throws IOException;

    @Override
    public final Schema output() {
        return input;
    }

    @Override
    public final void add(Object[] row) throws IOException {
        if (spilled == null) {
            spill = Files.createTempFile("sluice-analysis-", ".rows");
            spilled = new RowFile.Writer(spill, input);
        }
        spilled.append(row);
        rows++;
        observe(row);
    }

    /** Moves the spilled rows to {@code rowFile} (atomically, through a file beside it), then computes the result. */
    @Override
    public final long finish(Path rowFile) throws IOException {
        if (spilled == null) {
            RowFile.write(rowFile, input, List.of());
        } else {
            spilled.commit();
            spilled = null;
            Path beside = rowFile.resolveSibling(rowFile.getFileName() + ".moving");
            Files.createDirectories(rowFile.toAbsolutePath().getParent());
            Files.move(spill, beside, StandardCopyOption.REPLACE_EXISTING);
            Files.move(beside, rowFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        result = compute(rowFile);
        return rows;
    }

    /** How many rows were observed. */
    final long rows() {
        return rows;
    }

    @Override
    public final Map<String, Object> result() {
        if (result == null) {
            throw new IllegalStateException("the analysis has not finished");
        }
        return result;
    }

    @Override
    public void close() throws IOException {
        if (spilled != null) {
            spilled.close();
            spilled = null;
        }
        if (spill != null) {
            Files.deleteIfExists(spill);
        }
    }
}
