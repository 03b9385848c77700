package io.sluice.workflow;

import io.sluice.batch.RejectFiles;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rows of a segment's source, one {@link SourceRow} at a time: the records of a source file (CSV, JSON or
 * JSON Lines, see {@link FileSource}) converted to the schema's types, or the rows a blocking node
 * left in a {@link RowFile}. A record that does not fit goes to the execution's reject file with its
 * file and line (the source reports it), and the others go on.
 *
 * <p>When {@code restartable}, the count of source records consumed is saved with each chunk and a
 * restart skips them; a segment that ends in an aggregate reads its source again from the start
 * instead (its groups live in memory).
 */
final class SegmentReader extends ItemStreamSupport implements ItemStreamReader<SourceRow> {

    private static final String CONSUMED = "consumed";

    private final FileSource source;
    private final Supplier<Path> rowFile;
    private final boolean restartable;
    private final RejectFiles rejectFiles;
    /** How many rows the run may reject ({@link WorkflowFiles#MAX_REJECTS}). */
    private final long maxRejects;
    private SourceRecords records;
    private boolean ended;
    private long consumed;

    /**
     * @param source  the file the rows come from, or null when they come from {@code rowFile}
     * @param rowFile the row file of the blocking node before this segment (when {@code source} is null)
     */
    SegmentReader(String name, FileSource source, Supplier<Path> rowFile, boolean restartable, RejectFiles rejectFiles, long maxRejects) {
        this.maxRejects = maxRejects;
        setName(name);
        this.source = source;
        this.rowFile = rowFile;
        this.restartable = restartable;
        this.rejectFiles = rejectFiles;
    }

    @Override
    public void open(ExecutionContext context) {
        long skip = restartable ? context.getLong(getExecutionContextKey(CONSUMED), 0L) : 0L;
        consumed = 0;
        ended = false;
        try {
            records = source != null ? source.records(rejectFiles) : new RowFile.Reader(rowFile.get());
            for (; consumed < skip && records.skip(); consumed++) {
                // skipped: committed before the restart
            }
        } catch (IOException | RuntimeException e) {
            throw new ItemStreamException("cannot read " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SourceRow read() throws IOException {
        while (!ended) {
            Object[] row;
            try {
                row = records.next();
            } catch (java.io.UncheckedIOException | IOException e) {
                IOException cause = e instanceof IOException io ? io : ((java.io.UncheckedIOException) e).getCause();
                throw new ItemStreamException(describe() + " after " + where(records.line()) + ": "
                        + (cause instanceof java.nio.charset.CharacterCodingException ? "holds bytes that are not text in its encoding (give its encoding)"
                        : cause.getMessage()));
            }
            if (row == null) {
                ended = true;
                break;
            }
            consumed++;
            if (row != SourceRecords.REJECTED) {
                return new SourceRow(row, records.line());
            }
            WorkflowFamily.checkRejects(maxRejects, describe() + " " + where(records.line()));
        }
        return null;
    }

    private String where(long line) {
        return source != null ? source.location(line) : "row " + line;
    }

    private String describe() {
        return source != null ? source.file().toString() : rowFile.get().toString();
    }

    @Override
    public void update(ExecutionContext context) {
        if (restartable) {
            context.putLong(getExecutionContextKey(CONSUMED), consumed);
        }
    }

    @Override
    public void close() {
        try {
            if (records != null) {
                records.close();
            }
        } catch (IOException e) {
            throw new ItemStreamException("cannot close " + describe(), e);
        } finally {
            records = null;
        }
    }
}
