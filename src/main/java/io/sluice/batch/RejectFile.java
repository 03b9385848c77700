package io.sluice.batch;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reject file of one job execution: {@code <data dir>/executions/<id>/rejects.jsonl}, one JSON
 * object a line with the source file, the location in it, the reason and the raw record. A line
 * it already holds is not written again: a chunk read again after a lost database connection
 * rejects its records a second time.
 *
 * <p>Each line is made whole before it is written, as UTF-8 JSON with every character outside
 * printable ASCII that JSON must escape escaped; text that has no UTF-8 form (an unpaired UTF-16
 * surrogate a record held, such as <code>"&#92;ud83d"</code>) is written as its <code>&#92;uXXXX</code> escape, so
 * that the line stays valid UTF-8 and reads back as the very text the record held.
 */
public final class RejectFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final AtomicLong count = new AtomicLong();
    private final SeenKeys written = new SeenKeys();
    private OutputStream out;

    RejectFile(Path path) {
        this.path = path;
    }

    public static Path pathFor(Path dataDir, long jobExecutionId) {
        return dataDir.toAbsolutePath().resolve("executions").resolve(Long.toString(jobExecutionId)).resolve("rejects.jsonl");
    }

    public synchronized void reject(String file, String location, String reason, String raw) {
        ObjectNode line = JSON.createObjectNode();
        line.put("file", file);
        line.put("location", location);
        line.put("reason", reason);
        line.put("raw", raw);
        byte[] bytes = JSON.writeValueAsBytes(line); // whole before any of it is written
        if (!written.add(new String(bytes, StandardCharsets.UTF_8))) {
            return;
        }
        try {
            if (out == null) {
                Files.createDirectories(path.getParent());
                out = new BufferedOutputStream(Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND));
            }
            out.write(bytes);
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reject file " + path, e);
        }
        count.incrementAndGet();
    }

    public long count() {
        return count.get();
    }

    public Path path() {
        return path;
    }

    synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // nothing left to lose: every line was flushed
            }
            out = null;
        }
    }
}
