package io.sluice.workflow;

import io.sluice.batch.ReadAhead;
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
 * <p>A source file is parsed and converted on a thread of its own ({@link ReadAhead}), a few thousand rows
 * ahead of the step's thread, which runs the nodes and writes: the two cores share a segment's work. The
 * rows reach the step in the file's order, and what the reading thread found (a record for the reject file,
 * a failure) is reported on the step's thread when its row's turn comes, so that counts and reject files
 * are committed with the chunk of that row, as without the read-ahead. The segment's row-wise nodes run there
 * too (they are called by one thread at a time, in the rows' order), what they make or throw going with the row.
 *
 * <p>When {@code restartable}, the count of source records consumed is saved with each chunk and a
 * restart skips them; a segment that ends in an aggregate reads its source again from the start
 * instead (its groups live in memory).
 */
final class SegmentReader extends ItemStreamSupport implements ItemStreamReader<SourceRow> {

    private static final String CONSUMED = "consumed";
    /** Rows handed from the reading thread to the step's at a time, and how many such batches may wait. */
    private static final int BATCH = 1024;
    private static final int BATCHES_AHEAD = 4;

    private final FileSource source;
    private final Supplier<Path> rowFile;
    private final boolean restartable;
    private final RejectFiles rejectFiles;
    /** How many rows the run may reject ({@link WorkflowFiles#MAX_REJECTS}). */
    private final long maxRejects;
    /** The segment's row-wise nodes, run on the reading thread too. */
    private final List<RowOperation> chain;
    private SourceRecords records;
    private ReadAhead<Read> ahead;
    /** A rejection the source reported during the reading thread's current {@code next()} call. */
    private Rejection pending;
    private boolean ended;
    private long consumed;
    /** The line of the record last handed to the step. */
    private long line;

    /** What the reading thread made of one record: a row, or {@link SourceRecords#REJECTED} with its rejection. */
    private record Read(Object[] row, long line, Rejection rejection, Object[] output, RuntimeException failure) {
    }

    private record Rejection(String file, String location, String reason, String raw) {
    }

    /**
     * @param source  the file the rows come from, or null when they come from {@code rowFile}
     * @param rowFile the row file of the blocking node before this segment (when {@code source} is null)
     * @param chain   the segment's row-wise nodes: each row goes through them on the reading thread, and the
     *                step gets the result with the row ({@link SourceRow#through})
     */
    SegmentReader(String name, FileSource source, Supplier<Path> rowFile, boolean restartable, RejectFiles rejectFiles, long maxRejects,
                  List<RowOperation> chain) {
        this.maxRejects = maxRejects;
        this.chain = List.copyOf(chain);
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
            records = source != null ? source.records((file, location, reason, raw) -> pending = new Rejection(file, location, reason, raw))
                    : new RowFile.Reader(rowFile.get());
            for (; consumed < skip && records.skip(); consumed++) {
                // skipped: committed before the restart
            }
            SourceRecords opened = records;
            ahead = ReadAhead.start(getExecutionContextKey("parser"), BATCH, BATCHES_AHEAD, () -> {
                try {
                    pending = null;
                    Object[] row = opened.next();
                    if (row == null) {
                        return null;
                    }
                    if (row == SourceRecords.REJECTED) {
                        return new Read(row, opened.line(), pending, null, null);
                    }
                    try {
                        return new Read(row, opened.line(), null, RowOperation.applyAll(chain, row), null);
                    } catch (RuntimeException e) {
                        return new Read(row, opened.line(), null, null, e); // reported by the step, as its processor's own
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (IOException | RuntimeException e) {
            throw new ItemStreamException("cannot read " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SourceRow read() throws IOException, InterruptedException {
        while (!ended) {
            Read read;
            try {
                read = ahead.next();
            } catch (java.io.UncheckedIOException e) {
                IOException cause = e.getCause();
                throw new ItemStreamException(describe() + " after line " + line + ": "
                        + (cause instanceof java.nio.charset.CharacterCodingException ? "holds bytes that are not text in its encoding (give its encoding)"
                        : cause.getMessage()));
            }
            if (read == null) {
                ended = true;
                break;
            }
            consumed++;
            line = read.line();
            if (read.row() != SourceRecords.REJECTED) {
                return new SourceRow(read.row(), line, read.output(), read.failure());
            }
            if (read.rejection() != null) {
                Rejection r = read.rejection();
                rejectFiles.current().reject(r.file(), r.location(), r.reason(), r.raw());
            }
            WorkflowFamily.checkRejects(maxRejects, describe() + " line " + line);
        }
        return null;
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
            if (ahead != null) {
                ahead.close(); // its thread has ended: the records may close
            }
            if (records != null) {
                records.close();
            }
        } catch (IOException e) {
            throw new ItemStreamException("cannot close " + describe(), e);
        } finally {
            ahead = null;
            records = null;
        }
    }
}
