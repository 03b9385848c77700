package io.sluice.workflow;

import io.sluice.batch.ReadAhead;
import io.sluice.batch.FileFingerprint;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.StepProgress;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
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
 *
 * <p>A source file's fingerprint ({@link FileFingerprint#ofWhole}: its size, modification time and
 * its first and last 4 KiB) is saved beside that count when the step first opens the file. A count
 * means nothing in a file that changed since: a restart that would skip rows of a changed file fails
 * instead, naming it, rather than put out rows of two files. A restart that reads from the start
 * takes the file as it is now.
 *
 * <p>For a text source file ({@code .csv}, {@code .tsv}, {@code .txt}, {@code .jsonl}, {@code .ndjson}) the
 * records in all are estimated up front, its size over the mean length of the lines in 64 KiB at its start,
 * middle and end, and published with the records read at each chunk
 * ({@link StepProgress}, in {@code records}), so that the step's progress has a percentage and an ETA.
 */
final class SegmentReader extends ItemStreamSupport implements ItemStreamReader<SourceRow> {

    private static final String CONSUMED = "consumed";
    /** Rows handed from the reading thread to the step's at a time, and how many such batches may wait. */
    private static final int BATCH = 1024;
    private static final int BATCHES_AHEAD = 4;
    private static final String FINGERPRINT = "source-fingerprint";
    /** How much of a text file {@link #estimateRecords} samples at each of three places. */
    private static final int SAMPLE_BYTES = 64 * 1024;

    private final Opener opener;
    /** The source file, fingerprinted; null when the records are not a source file's (a row file, a join, a query). */
    private final Path sourceFile;
    private final Supplier<String> description;
    /** What {@link SourceRecords#line()} counts, for messages: {@code line} of a file, {@code row} of a row file or a query. */
    private final String unit;
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
    private record Read(Object[] row, long line, Rejection rejection, SourceRow through) {
    }

    private record Rejection(String file, String location, String reason, String raw) {
    }

    private String fingerprint;
    /** Records in the source file, estimated when it opens; 0 when not estimated (not a text file). */
    private long estimatedRecords;

    /**
     * @param opener      opens the records at their first (a source file's, a row file's, a join's), with where
     *                    a record that does not fit goes
     * @param sourceFile  the source file the opener reads, to notice on restart that it changed; null if none
     * @param description what the records are, for messages (the file)
     * @param unit        what a record's number counts ({@code line}, {@code row})
     * @param chain       the segment's row-wise nodes: each row goes through them on the reading thread, and the
     *                    step gets the result with the row ({@link SourceRow#through})
     */
    SegmentReader(String name, Opener opener, Path sourceFile, Supplier<String> description, String unit, boolean restartable,
                  RejectFiles rejectFiles, long maxRejects, List<RowOperation> chain) {
        this.sourceFile = sourceFile;
        setName(name);
        this.opener = opener;
        this.description = description;
        this.unit = unit;
        this.restartable = restartable;
        this.rejectFiles = rejectFiles;
        this.maxRejects = maxRejects;
        this.chain = List.copyOf(chain);
    }

    @Override
    public void open(ExecutionContext context) {
        long skip = restartable ? context.getLong(getExecutionContextKey(CONSUMED), 0L) : 0L;
        consumed = 0;
        ended = false;
        try {
            if (sourceFile != null) {
                // before the file is opened, so that a write to it while it is read counts as a change
                fingerprint = FileFingerprint.ofWhole(sourceFile);
                String saved = context.getString(getExecutionContextKey(FINGERPRINT), null);
                if (skip > 0 && saved != null && !saved.equals(fingerprint)) {
                    throw new SourceChangedException(sourceFile);
                }
            }
            estimatedRecords = sourceFile == null ? 0 : estimateRecords(sourceFile);
            records = opener.open((file, location, reason, raw) -> pending = new Rejection(file, location, reason, raw));
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
                        return new Read(row, opened.line(), pending, null);
                    }
                    return new Read(row, opened.line(), null, SourceRow.through(chain, row, opened.line()));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        } catch (SourceChangedException e) {
            throw e;
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
                throw new ItemStreamException(describe() + " after " + unit + " " + line + ": "
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
                return read.through();
            }
            if (read.rejection() != null) {
                Rejection r = read.rejection();
                rejectFiles.currentInChunk().reject(r.file(), r.location(), r.reason(), r.raw());
            }
            WorkflowFamily.checkRejects(maxRejects, describe() + " " + unit + " " + line);
        }
        return null;
    }

    /** Whether the reader has read its last record (the step's chunk that saw it is the last one). */
    boolean ended() {
        return ended;
    }

    private String describe() {
        return description.get();
    }

    /** Opens a segment's records at their first. */
    @FunctionalInterface
    interface Opener {

        /** @param rejects where a record that does not fit goes (a source's), called on the thread that reads the records */
        SourceRecords open(RejectFiles.Rejects rejects) throws IOException;
    }

    /**
     * The records of a text file, estimated as its size over the mean length of the lines in {@value #SAMPLE_BYTES}
     * bytes at its start, its middle and its end (lines often grow down a file, as ids do), less a header line
     * ({@code .csv}, {@code .tsv}, {@code .txt}); 0 for a file of another kind (by its extension), or that cannot be read.
     */
    static long estimateRecords(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!(name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".txt") || name.endsWith(".jsonl") || name.endsWith(".ndjson"))) {
            return 0;
        }
        int header = name.endsWith("sv") || name.endsWith(".txt") ? 1 : 0;
        try (FileChannel channel = FileChannel.open(file)) {
            long size = channel.size();
            if (size <= 3L * SAMPLE_BYTES) {
                ByteBuffer whole = read(channel, 0, (int) size);
                boolean lastLineOpen = size > 0 && whole.get(whole.limit() - 1) != '\n';
                return Math.max(0, newlines(whole) + (lastLineOpen ? 1 : 0) - header);
            }
            long lines = 0;
            for (long offset : new long[]{0, size / 2, size - SAMPLE_BYTES}) {
                lines += newlines(read(channel, offset, SAMPLE_BYTES));
            }
            return lines == 0 ? 0 : Math.max(1, size * lines / (3L * SAMPLE_BYTES) - header);
        } catch (IOException e) {
            return 0;
        }
    }

    private static ByteBuffer read(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer sample = ByteBuffer.allocate(length);
        while (sample.hasRemaining() && channel.read(sample, offset + sample.position()) >= 0) {
            // until the sample is full
        }
        return sample.flip();
    }

    private static long newlines(ByteBuffer sample) {
        long lines = 0;
        for (int i = 0; i < sample.limit(); i++) {
            if (sample.get(i) == '\n') {
                lines++;
            }
        }
        return lines;
    }

    @Override
    public void update(ExecutionContext context) {
        if (estimatedRecords > 0) {
            // never 100 % before the end: the estimate may fall short
            StepProgress.publish(context, consumed, ended ? consumed : Math.max(estimatedRecords, consumed + 1), "records");
        }
        if (restartable) {
            context.putLong(getExecutionContextKey(CONSUMED), consumed);
            if (fingerprint != null) {
                context.putString(getExecutionContextKey(FINGERPRINT), fingerprint);
            }
        }
    }

    /** A restart would resume in a source file that changed since the run that failed: it must be run anew. */
    static final class SourceChangedException extends ItemStreamException {
        SourceChangedException(Path file) {
            super(file + " changed since the run that failed; run it anew (sluice workflow run) instead of restarting this execution");
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
