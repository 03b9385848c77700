package io.sluice.batch;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Streams the elements of one JSON array in a file, one tree at a time, so that memory does not
 * grow with the file: the root array, or the array under a top-level field ({@code runs} in
 * DynoAI's {@code index.json}). Made with {@link #objectValues}, it streams the values of a JSON
 * object instead ({@code datasets} in Data Wrangler's {@code index/datasets.json}, keyed by id);
 * {@link #currentKey()} then names the key of the value last read.
 *
 * <p>Restart is exact and cheap: at each chunk boundary the byte offset after the last element is
 * saved, and a restarted step seeks there instead of reading the file again. A {@link FileFingerprint}
 * is saved with it: when the file changed since (DynoAI rewrites its whole index on every status
 * change), the restarted step reads it again from the start instead, and says so ({@link SourceChange}). A file that is
 * empty, truncated, not UTF-8 or not JSON is reported in the reject file with its position; the
 * elements before the fault are kept. An element that cannot be held (a number beyond any range,
 * nesting deeper than {@link LegacyJson#MAX_DEPTH} levels) is rejected alone, and the elements
 * after it are read.
 *
 * <p>The parsing is a {@link JsonElementCursor}'s, run ahead on a thread of its own by a
 * {@link ReadAhead} (the step's thread then only validates and writes, while the next elements are
 * parsed on the other core). This reader keeps what the step sees: the state saved at a chunk
 * boundary is that of the last element handed to the step, never of one parsed ahead, so restart
 * stays exact; faults are reported on the step's thread when the step reaches them. {@link #close()}
 * stops the thread, as does a failure of the step (which closes its streams).
 *
 * <p>Made {@link #partitioned}, it hands out only the elements of one {@link Partition}: each
 * partition's reader parses the whole file and keeps its own elements (the filter runs on the
 * read-ahead thread, so that other partitions' elements are never queued), so that several
 * partitions load one file side by side, each restartable on its own.
 */
public class JsonArrayItemReader extends ItemStreamSupport implements ItemStreamReader<SourceRecord<JsonNode>> {

    private static final String INDEX = "index";
    private static final String OFFSET = "offset";
    private static final String LINE = "line";
    private static final String FINGERPRINT = "fingerprint";

    /** Elements parsed ahead, in batches; bounded so that memory stays flat. */
    private static final int BATCH = 64;
    private static final int BATCHES_AHEAD = 16;

    private final Path file;
    private final String displayName;
    private final String field;
    private final boolean objectValues;
    private final RejectFiles rejects;
    private final ObjectMapper mapper;
    private final Partition partition;
    private final Function<JsonNode, String> partitionKey;

    private JsonElementCursor cursor;
    private ReadAhead<JsonElementCursor.Next> ahead;
    private boolean finished;
    /** The index of the element after the last one handed to the step (or stepped over). */
    private long index;
    private long lastEndOffset;
    private long lastEndLine;
    private long fileSize;
    /** Saved beside the offset, so that a restart can tell the file from another one at the same path. */
    private FileFingerprint fingerprint;
    private String currentKey;

    /**
     * @param name        the restart key of the reader's state in the step's execution context
     * @param file        the file; a missing file holds no elements
     * @param displayName the file's name in locations and rejects (relative to the store root)
     * @param arrayField  the top-level field holding the array, or null when the file is the array
     * @param rejects     where faults in the file are reported; null to read without reporting (verification)
     * @param mapper      parses the elements (its nesting and number limits apply); {@link LegacyJson#mapper()} for stores
     */
    public JsonArrayItemReader(String name, Path file, String displayName, String arrayField, RejectFiles rejects, ObjectMapper mapper) {
        this(name, file, displayName, arrayField, false, rejects, mapper, Partition.WHOLE, element -> null);
    }

    private JsonArrayItemReader(String name, Path file, String displayName, String field, boolean objectValues,
                                RejectFiles rejects, ObjectMapper mapper, Partition partition, Function<JsonNode, String> partitionKey) {
        setName(name);
        this.partition = partition;
        this.partitionKey = partitionKey;
        this.file = file;
        this.displayName = displayName;
        this.field = field;
        this.objectValues = objectValues;
        this.rejects = rejects;
        this.mapper = mapper;
    }

    /**
     * A reader of the values of a JSON object, one at a time, restartable in the same way.
     *
     * @param objectField the top-level field holding the object, or null when the file is the object
     * @param rejects     where faults in the file are reported; null to read without reporting (verification)
     */
    public static JsonArrayItemReader objectValues(String name, Path file, String displayName, String objectField,
                                                   RejectFiles rejects, ObjectMapper mapper) {
        return new JsonArrayItemReader(name, file, displayName, objectField, true, rejects, mapper, Partition.WHOLE, element -> null);
    }

    /**
     * A new reader like this one (which it leaves as it is) that hands out only the elements of
     * {@code partition}, as told by each element's key (null when it has none); faults of the file
     * are reported by the first partition only. Call it before the reader is opened.
     */
    public JsonArrayItemReader partitioned(Partition partition, Function<JsonNode, String> keyOf) {
        return new JsonArrayItemReader(getName(), file, displayName, field, objectValues, rejects, mapper, partition, keyOf);
    }

    /** The key of the value last read when streaming an object's values; null for arrays. */
    public String currentKey() {
        return currentKey;
    }

    @Override
    public void open(ExecutionContext context) {
        close(); // opened again after a lost chunk: the context says where to go on
        finished = false;
        lastEndOffset = 0;
        lastEndLine = 0;
        index = context.getLong(getExecutionContextKey(INDEX), 0L);
        try {
            if (!Files.exists(file)) {
                finished = true;
                return;
            }
            if (Files.isDirectory(file)) {
                report("line 1", "cannot be read: it is a folder, not a file");
                return;
            }
            fileSize = Files.size(file);
            if (fileSize == 0) {
                report("line 1", "the file is empty");
                return;
            }
            fingerprint = FileFingerprint.of(file);
            if (context.containsKey(getExecutionContextKey(OFFSET)) && !unchangedSinceSaved(context)) {
                index = 0;
                for (String key : new String[] {OFFSET, LINE, FINGERPRINT}) {
                    context.remove(getExecutionContextKey(key));
                }
                SourceChange.readAgainFromTheStart(context, displayName);
            }
            cursor = context.containsKey(getExecutionContextKey(OFFSET))
                    ? JsonElementCursor.resume(file, displayName, field, objectValues, mapper, index,
                            context.getLong(getExecutionContextKey(OFFSET)), context.getLong(getExecutionContextKey(LINE)))
                    : JsonElementCursor.fromStart(file, displayName, field, objectValues, mapper, index);
        } catch (IOException e) {
            report("line 1", "cannot be read: " + JsonFaults.describe(e));
            return;
        } catch (JsonElementCursor.FileFault e) {
            report(e.where(), e.reason());
            return;
        }
        ahead = ReadAhead.start(getExecutionContextKey("parser"), BATCH, BATCHES_AHEAD, this::nextOwned);
    }

    /** Whether the file is the one the saved offset was taken in (an offset saved without a fingerprint is trusted). */
    private boolean unchangedSinceSaved(ExecutionContext context) throws IOException {
        String saved = context.getString(getExecutionContextKey(FINGERPRINT), null);
        return saved == null || FileFingerprint.matches(file, context.getLong(getExecutionContextKey(OFFSET)), saved);
    }

    /**
     * The partition filter, on the read-ahead thread (it touches the cursor only): the cursor's next
     * element this partition owns, or a rejected element (each partition steps over it, the first
     * reports it), or a fault; null at the end.
     */
    private JsonElementCursor.Next nextOwned() {
        JsonElementCursor.Next next;
        do {
            next = cursor.next();
        } while (next != null && next.kind() == JsonElementCursor.Kind.ELEMENT
                && !partition.owns(partitionKey.apply(next.record().value())));
        return next;
    }

    @Override
    public SourceRecord<JsonNode> read() {
        while (!finished) {
            JsonElementCursor.Next next;
            try {
                next = ahead.next();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ItemStreamException("interrupted while reading " + file, e);
            } catch (RuntimeException e) {
                finished = true;
                throw e;
            }
            if (next == null) {
                finished = true;
                return null;
            }
            switch (next.kind()) {
                case FAULT -> report(next.where(), next.reason());
                case REJECTED -> {
                    if (rejects != null && partition.isFirst()) {
                        rejects.current().reject(displayName, next.where(), next.reason(), next.raw());
                    }
                    passed(next);
                }
                case ELEMENT -> {
                    currentKey = next.key();
                    passed(next);
                    return next.record();
                }
            }
        }
        return null;
    }

    /** The step is past {@code element}: a restart resumes after it. */
    private void passed(JsonElementCursor.Next element) {
        lastEndOffset = element.endOffset();
        lastEndLine = element.endLine();
        index = element.index() + 1;
    }

    @Override
    public void update(ExecutionContext context) {
        context.putLong(getExecutionContextKey(INDEX), index);
        if (lastEndOffset > 0) {
            context.putLong(getExecutionContextKey(OFFSET), lastEndOffset);
            context.putLong(getExecutionContextKey(LINE), lastEndLine);
            try {
                context.putString(getExecutionContextKey(FINGERPRINT), fingerprint.at(lastEndOffset));
            } catch (IOException e) {
                throw new ItemStreamException("cannot read " + file, e);
            }
        }
        if (fileSize > 0) {
            StepProgress.publish(context, finished ? fileSize : lastEndOffset, fileSize, "B");
        }
    }

    @Override
    public void close() {
        if (ahead != null) {
            ahead.close(); // before the cursor: the read-ahead thread parses with it
            ahead = null;
        }
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
        if (fingerprint != null) {
            try {
                fingerprint.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
            fingerprint = null;
        }
    }

    /** A fault of the file, reported by the first partition; the reading ends. */
    private void report(String where, String reason) {
        if (rejects != null && partition.isFirst()) {
            rejects.current().reject(displayName, where, reason, null);
        }
        finished = true;
    }
}
