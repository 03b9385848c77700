package io.sluice.workflow;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Function;

/** Where a segment's rows go: a CSV export, or a blocking node whose output goes to a {@link RowFile}. */
final class SegmentWriters {

    private SegmentWriters() {
    }

    /**
     * Writes rows into a temporary file beside the export ({@code NAME.sluice-partial}), keeping its
     * length at each chunk commit in the step's context; a restart cuts the file back to that length and
     * appends. When the step completes, the temporary file replaces the export in one move, so a failed
     * or repeated run never leaves a half-written or doubled export.
     */
    static final class CsvExportWriter extends ItemStreamSupport implements ItemStreamWriter<RowBatch>, StepExecutionListener {

        private static final String LENGTH = "length";

        private final CsvExport export;
        private final Schema schema;
        private final Path partial;
        private FileChannel channel;
        private Writer writer;
        private CsvWriter csv;
        private final String[] fields;

        CsvExportWriter(String name, CsvExport export, Schema schema) {
            setName(name);
            this.export = export;
            this.schema = schema;
            this.partial = export.file().resolveSibling(export.file().getFileName() + ".sluice-partial");
            this.fields = new String[schema.size()];
        }

        @Override
        public void open(ExecutionContext context) {
            try {
                Files.createDirectories(partial.getParent());
                channel = FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                long length = context.getLong(getExecutionContextKey(LENGTH), -1L);
                channel.truncate(Math.max(0, length));
                channel.position(Math.max(0, length));
                writer = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
                csv = CsvWriter.builder().fieldSeparator(export.delimiter()).lineDelimiter(LineDelimiter.LF).bufferSize(1 << 16).build(writer);
                if (length < 0) {
                    csv.writeRecord(schema.names());
                }
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // its own words only: the step's summary shows a failure's root cause
                throw new ItemStreamException("cannot write " + export.file() + ": " + e.getFile() + " is a file, not a folder");
            } catch (IOException e) {
                throw new ItemStreamException("cannot write " + export.file() + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void write(Chunk<? extends RowBatch> chunk) {
            long written = 0;
            for (RowBatch batch : chunk) {
                for (Object[] row : batch.rows()) {
                    for (int i = 0; i < fields.length; i++) {
                        fields[i] = CsvExport.field(row[i]);
                    }
                    csv.writeRecord(fields);
                    written++;
                }
            }
            WriteCounts.addToCurrentStep(written, 0, 0);
        }

        @Override
        public void update(ExecutionContext context) {
            try {
                csv.flush();
                writer.flush();
                context.putLong(getExecutionContextKey(LENGTH), channel.position());
            } catch (IOException e) {
                throw new ItemStreamException("cannot write " + partial + ": " + e.getMessage(), e);
            }
        }

        @Override
        public void close() {
            try {
                if (csv != null) {
                    csv.close();
                }
            } catch (IOException e) {
                throw new ItemStreamException("cannot write " + partial + ": " + e.getMessage(), e);
            } finally {
                csv = null;
            }
        }

        @Override
        public ExitStatus afterStep(StepExecution stepExecution) {
            if (ExitStatus.COMPLETED.getExitCode().equals(stepExecution.getExitStatus().getExitCode())) {
                try {
                    Files.move(partial, export.file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException e) {
                    stepExecution.setStatus(org.springframework.batch.core.BatchStatus.FAILED);
                    return ExitStatus.FAILED.addExitDescription("cannot publish " + export.file() + ": " + e.getMessage());
                }
            }
            return stepExecution.getExitStatus();
        }
    }

    /** Adds every row to a blocking node; when the step completes, writes its output to the node's row file. */
    static final class BlockingWriter implements ItemStreamWriter<RowBatch>, StepExecutionListener {

        private final BlockingNode node;
        private final Function<StepExecution, Path> rowFile;

        /** @param rowFile where the groups go, for the step's execution */
        BlockingWriter(BlockingNode node, Function<StepExecution, Path> rowFile) {
            this.node = node;
            this.rowFile = rowFile;
        }

        @Override
        public void write(Chunk<? extends RowBatch> chunk) throws IOException {
            for (RowBatch batch : chunk) {
                for (Object[] row : batch.rows()) {
                    node.add(row);
                }
            }
        }

        @Override
        public ExitStatus afterStep(StepExecution stepExecution) {
            if (ExitStatus.COMPLETED.getExitCode().equals(stepExecution.getExitStatus().getExitCode())) {
                try {
                    WriteCounts.add(stepExecution, node.finish(rowFile.apply(stepExecution)), 0, 0);
                } catch (IOException e) {
                    stepExecution.setStatus(org.springframework.batch.core.BatchStatus.FAILED);
                    return ExitStatus.FAILED.addExitDescription("cannot write " + rowFile.apply(stepExecution) + ": " + e.getMessage());
                }
            }
            return stepExecution.getExitStatus();
        }
    }
}
