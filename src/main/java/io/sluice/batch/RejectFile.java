package io.sluice.batch;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The reject file of one job execution: {@code <data dir>/executions/<id>/rejects.jsonl}, one JSON
 * object a line with the source file, the location in it, the reason and the raw record.
 */
public final class RejectFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final AtomicLong count = new AtomicLong();
    private BufferedWriter out;

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
        try {
            if (out == null) {
                Files.createDirectories(path.getParent());
                out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(JSON.writeValueAsString(line));
            out.newLine();
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
