package io.sluice.workflow;

import io.sluice.batch.WriteCounts;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamWriter;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/** Where a segment's rows go: an export ({@link Export}), or a blocking node whose output goes to a {@link RowFile}. */
final class SegmentWriters {

    private SegmentWriters() {
    }

    /**
     * Writes rows into a temporary file beside the export ({@code NAME.sluice-partial}), keeping its
     * length and row count at each chunk commit in the step's context; a restart cuts the file back to
     * that length and appends. What ends the file (a JSON array's closing bracket) is written only when
     * the input has ended ({@link #finish}, in the step's last chunk), never inside a committed length, so a
     * cut-back file always ends after a whole row. Then the export is published from it ({@link Export#publish}: the temporary file replaces the
     * export in one move, or an Excel workbook is built from it beside the export and moved), so a failed
     * or repeated run never leaves a half-written or doubled export.
     */
    static final class ExportWriter extends ItemStreamSupport implements ItemStreamWriter<Object[]> {

        private static final String LENGTH = "length";
        private static final String ROWS = "rows";

        private final Export export;
        private final Schema schema;
        private final Path partial;
        private FileChannel channel;
        private Writer writer;
        private Export.Encoder encoder;
        private long rows;
        private boolean ended;

        ExportWriter(String name, Export export, Schema schema) {
            setName(name);
            this.export = export;
            this.schema = schema;
            this.partial = export.file().resolveSibling(export.file().getFileName() + ".sluice-partial");
        }

        @Override
        public void open(ExecutionContext context) {
            try {
                Files.createDirectories(partial.getParent());
                long length = context.getLong(getExecutionContextKey(LENGTH), -1L);
                if (length >= 0 && (!Files.isRegularFile(partial) || Files.size(partial) < length)) {
                    // published (or removed) since the commit this restart resumes from: appending would make a file with a hole
                    throw new ItemStreamException("cannot resume the export " + export.file() + ": its partial file " + partial
                            + " is gone or shorter than at the last commit; run the workflow again instead of restarting this execution");
                }
                channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                rows = context.getLong(getExecutionContextKey(ROWS), 0L);
                ended = false;
                channel.truncate(Math.max(0, length));
                channel.position(Math.max(0, length));
                writer = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
                encoder = export.encoder(schema, writer);
                if (length < 0) {
                    encoder.begin();
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // its own words only: the step's summary shows a failure's root cause
                throw new ItemStreamException("cannot write " + export.file() + ": " + e.getFile() + " is a file, not a folder");
            } catch (IOException e) {
                throw new ItemStreamException("cannot write " + export.file() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void write(Chunk<? extends Object[]> chunk) throws IOException {
            for (Object[] row : chunk) {
                encoder.write(row, rows++);
            }
            WriteCounts.addToCurrentStep(chunk.size(), 0, 0);
        }

        @Override
        public void update(ExecutionContext context) {
            if (ended) {
                return; // the end mark is not part of what a restart keeps
            }
            try {
                encoder.flush();
                writer.flush();
                channel.force(false); // on disk before the commit that records its length
                context.putLong(getExecutionContextKey(LENGTH), channel.position());
                context.putLong(getExecutionContextKey(ROWS), rows);
            } catch (IOException e) {
                throw new ItemStreamException("cannot write " + partial + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                if (encoder != null) {
                    encoder.close();
                }
            } catch (IOException e) {
                throw new ItemStreamException("cannot write " + partial + ": " + e.getMessage(), e);
            } finally {
                encoder = null;
            }
        }

        /** Ends the file and publishes the export, once the input has ended ({@link InputEnd}). */
        void finish(StepExecution stepExecution) throws IOException {
            try {
                ended = true;
                encoder.end();
                encoder.flush();
                writer.flush();
                channel.force(true);
                export.publish(partial, schema);
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot publish " + export.file() + ": " + e.getMessage(), e);
            }
        }
    }

    /** Adds every row to a blocking node; once the input has ended, writes its output to the node's row file. */
    static final class BlockingWriter implements ItemStreamWriter<Object[]> {

        private final BlockingNode node;
        private final Function<StepExecution, Path> rowFile;
        private final java.util.function.LongConsumer made;

        /**
         * @param rowFile where the groups go, for the step's execution
         * @param made    told how many rows the node wrote, once it has
         */
        BlockingWriter(BlockingNode node, Function<StepExecution, Path> rowFile, java.util.function.LongConsumer made) {
            this.node = node;
            this.rowFile = rowFile;
            this.made = made;
        }

        @Override
        public void write(Chunk<? extends Object[]> chunk) throws IOException {
            for (Object[] row : chunk) {
                node.add(row);
            }
        }

        /** Lets the node drop what it spilled, whatever the step's end (called after {@link #finish}). */
        @Override
        public void close() {
            try {
                node.close();
            } catch (IOException e) {
                throw new ItemStreamException("cannot remove a blocking node's spill file: " + e.getMessage(), e);
            }
        }

        /** Writes the node's output to its row file, once the input has ended ({@link InputEnd}). */
        void finish(StepExecution stepExecution) throws IOException {
            try {
                long rows = node.finish(rowFile.apply(stepExecution));
                WriteCounts.add(stepExecution, rows, 0, 0);
                made.accept(rows);
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot write " + rowFile.apply(stepExecution) + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Writes a segment's output rows to the row file of its last node, a node that feeds several others, and
     * puts the file in place once the input has ended; a failed step leaves no row file, and its restart
     * writes it again from the first row.
     */
    static final class RowFileWriter implements ItemStreamWriter<Object[]>, StepExecutionListener {

        private final Schema schema;
        private final Function<StepExecution, Path> rowFile;
        private StepExecution step;
        private RowFile.Writer writer;

        /** @param rowFile where the rows go, for the step's execution */
        RowFileWriter(Schema schema, Function<StepExecution, Path> rowFile) {
            this.schema = schema;
            this.rowFile = rowFile;
        }

        @Override
        public void beforeStep(StepExecution stepExecution) {
            step = stepExecution;
        }

        @Override
        public void write(Chunk<? extends Object[]> chunk) throws IOException {
            if (writer == null) {
                writer = new RowFile.Writer(rowFile.apply(step), schema);
            }
            for (Object[] row : chunk) {
                writer.append(row);
            }
        }

        /** Puts the row file in place, once the input has ended ({@link InputEnd}). */
        void finish(StepExecution stepExecution) throws IOException {
            try {
                if (writer == null) {
                    writer = new RowFile.Writer(rowFile.apply(stepExecution), schema);
                }
                writer.commit();
            } catch (IOException | RuntimeException e) {
                throw new IOException("cannot write " + rowFile.apply(stepExecution) + ": " + e.getMessage(), e);
            }
        }

        /** Drops an unfinished row file (called after {@link #finish}). */
        @Override
        public void close() {
            try {
                if (writer != null) {
                    writer.close();
                }
            } catch (IOException e) {
                throw new ItemStreamException("cannot remove an unfinished row file: " + e.getMessage(), e);
            } finally {
                writer = null;
            }
        }
    }
}
