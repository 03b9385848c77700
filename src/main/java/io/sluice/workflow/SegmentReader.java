package io.sluice.workflow;

import io.sluice.batch.FileFingerprint;
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
 *
 * <p>A source file's fingerprint ({@link FileFingerprint#ofWhole}: its size, modification time and
 * its first and last 4 KiB) is saved beside that count when the step first opens the file. A count
 * means nothing in a file that changed since: a restart that would skip rows of a changed file fails
 * instead, naming it, rather than put out rows of two files. A restart that reads from the start
 * takes the file as it is now.
 */
final class SegmentReader extends ItemStreamSupport implements ItemStreamReader<SourceRow> {

    private static final String CONSUMED = "consumed";
    private static final String FINGERPRINT = "source-fingerprint";

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
    private SourceRecords records;
    private boolean ended;
    private long consumed;
    private String fingerprint;

    /**
     * @param opener      opens the records at their first (a source file's, a row file's, a join's)
     * @param sourceFile  the source file the opener reads, to notice on restart that it changed; null if none
     * @param description what the records are, for messages (the file)
     * @param unit        what a record's number counts ({@code line}, {@code row})
     */
    SegmentReader(String name, Opener opener, Path sourceFile, Supplier<String> description, String unit, boolean restartable,
                  RejectFiles rejectFiles, long maxRejects) {
        this.sourceFile = sourceFile;
        this.unit = unit;
        this.maxRejects = maxRejects;
        setName(name);
        this.opener = opener;
        this.description = description;
        this.restartable = restartable;
        this.rejectFiles = rejectFiles;
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
            records = opener.open(rejectFiles);
            for (; consumed < skip && records.skip(); consumed++) {
                // skipped: committed before the restart
            }
        } catch (SourceChangedException e) {
            throw e;
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
                throw new ItemStreamException(describe() + " after " + unit + " " + records.line() + ": "
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
            WorkflowFamily.checkRejects(maxRejects, describe() + " " + unit + " " + records.line());
        }
        return null;
    }

    private String describe() {
        return description.get();
    }

    /** Opens a segment's records at their first. */
    @FunctionalInterface
    interface Opener {

        /** @param rejects where a record that does not fit goes (a source file's) */
        SourceRecords open(RejectFiles rejects) throws IOException;
    }

    @Override
    public void update(ExecutionContext context) {
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
