package io.sluice.batch;

import org.springframework.batch.core.listener.ChunkListener;
import org.springframework.batch.core.listener.ItemProcessListener;
import org.springframework.batch.core.listener.SkipListener;
import org.springframework.batch.infrastructure.item.Chunk;
import tools.jackson.databind.JsonNode;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Writes each record a step skips into the execution's reject file, with its location and reason.
 * A record the database refuses is named by the source record it was made from (remembered from
 * processing until the next chunk), so that it carries its file, location and raw text too.
 */
public class RejectingSkipListener<O> implements SkipListener<SourceRecord<?>, O>,
        ItemProcessListener<SourceRecord<?>, O>, ChunkListener<SourceRecord<?>, O> {

    private final RejectFiles rejects;
    /** The source record of each item of the current chunk, by identity. */
    private final Map<Object, SourceRecord<?>> sources = new IdentityHashMap<>();

    public RejectingSkipListener(RejectFiles rejects) {
        this.rejects = rejects;
    }

    @Override
    public synchronized void beforeChunk(Chunk<SourceRecord<?>> chunk) {
        sources.clear();
    }

    @Override
    public synchronized void afterProcess(SourceRecord<?> item, O result) {
        if (result != null) {
            sources.put(result, item);
        }
    }

    @Override
    public void onSkipInProcess(SourceRecord<?> item, Throwable t) {
        rejects.current().reject(item.file(), item.location(), reasonOf(t), rawOf(item.value()));
    }

    @Override
    public void onSkipInWrite(O item, Throwable t) {
        SourceRecord<?> source;
        synchronized (this) {
            source = sources.get(item);
        }
        String reason = "rejected by the database: " + reasonOf(t);
        if (source == null) {
            rejects.current().reject(null, null, reason, rawOf(item));
        } else {
            rejects.current().reject(source.file(), source.location(), reason,
                    source.value() instanceof JsonNode ? rawOf(source.value()) : rawOf(item));
        }
    }

    @Override
    public void onSkipInRead(Throwable t) {
        rejects.current().reject(null, null, reasonOf(t), null);
    }

    /** The record as text: JSON as JSON (however deep it nests), anything else by its {@code toString()}. */
    private static String rawOf(Object value) {
        return value instanceof JsonNode json ? LegacyJson.text(json) : String.valueOf(value);
    }

    private static String reasonOf(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
