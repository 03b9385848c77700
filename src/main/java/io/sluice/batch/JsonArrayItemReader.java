package io.sluice.batch;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
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
 * elements before the fault are kept.
 *
 * <p>Parsing runs ahead on a thread of its own (the step's thread then only validates and writes,
 * while the next elements are parsed on the other core). The state saved at a chunk boundary is
 * still that of the last element handed to the step, never of one parsed ahead, so restart stays
 * exact; faults are reported on the step's thread when the step reaches them. {@link #close()}
 * stops the thread, as does a failure of the step (which closes its streams).
 *
 * <p>Made {@link #partitioned}, it hands out only the elements of one {@link Partition}: each
 * partition's reader parses the whole file and keeps its own elements, so that several partitions
 * load one file side by side, each restartable on its own.
 */
public class JsonArrayItemReader extends ItemStreamSupport implements ItemStreamReader<SourceRecord<JsonNode>> {

    private static final String INDEX = "index";
    private static final String OFFSET = "offset";
    private static final String LINE = "line";
    private static final String FINGERPRINT = "fingerprint";

    private final Path file;
    private final String displayName;
    private final String arrayField;
    private final boolean objectValues;
    private final RejectFiles rejects;
    private final ObjectMapper mapper;
    private final Partition partition;
    private final Function<JsonNode, String> partitionKey;

    /** Elements parsed ahead, in batches; bounded so that memory stays flat. */
    private static final int BATCH = 64;
    private static final int BATCHES_AHEAD = 16;
    /** The most bytes of a rejected element's text kept in the reject file. */
    private static final int MAX_RAW = 1 << 20;

    private JsonParser parser;
    private boolean finished;
    private BlockingQueue<List<Parsed>> ahead;
    private Thread parsing;
    private volatile boolean stopping;
    private List<Parsed> batch = List.of();
    private int nextInBatch;
    private long index;
    /** Where the parser's byte 0 lies in the file, and the file line of the parser's line 1. */
    private long baseOffset;
    private long baseLine;
    private long lastEndOffset;
    private long lastEndLine;
    private long fileSize;
    /** Saved beside the offset, so that a restart can tell the file from another one at the same path. */
    private FileFingerprint fingerprint;
    private String currentKey;
    /** The parsing thread's own position (the step's is {@link #index}). */
    private long parsedIndex;

    /**
     * One step of the parsing thread: an element with the position after it, or the end of the
     * container ({@code record == null}), or a fault to report ({@code fault != null}), or a failure.
     */
    private record Parsed(SourceRecord<JsonNode> record, String key, long elementIndex, long endOffset, long endLine,
                          String faultWhere, String fault, RuntimeException failure, String rejectedRaw) {

        static final Parsed END = new Parsed(null, null, 0, 0, 0, null, null, null, null);

        static Parsed fault(String where, String reason) {
            return new Parsed(null, null, 0, 0, 0, where, reason, null, null);
        }

        static Parsed failure(RuntimeException e) {
            return new Parsed(null, null, 0, 0, 0, null, null, e, null);
        }

        /** One element that cannot be read as a value (a number beyond any range); the reading goes on after it. */
        static Parsed rejected(long elementIndex, long endOffset, long endLine, String where, String reason, String raw) {
            return new Parsed(null, null, elementIndex, endOffset, endLine, where, reason, null, raw);
        }

        boolean isRejected() {
            return record == null && endOffset > 0;
        }
    }

    /**
     * @param arrayField the top-level field holding the array, or null when the file is the array
     * @param rejects    where faults in the file are reported; null to read without reporting (verification)
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
        this.arrayField = field;
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
        return new JsonArrayItemReader(getName(), file, displayName, arrayField, objectValues, rejects, mapper, partition, keyOf);
    }

    /** The key of the value last read when streaming an object's values; null for arrays. */
    public String currentKey() {
        return currentKey;
    }

    @Override
    public void open(ExecutionContext context) {
        finished = false; // opened again after a lost chunk: the context says where to go on
        lastEndOffset = 0;
        lastEndLine = 0;
        index = context.getLong(getExecutionContextKey(INDEX), 0L);
        try {
            if (!Files.exists(file)) {
                finished = true;
                return;
            }
            if (Files.isDirectory(file)) {
                reportFileFault("cannot be read: it is a folder, not a file");
                return;
            }
            fileSize = Files.size(file);
            if (fileSize == 0) {
                reportFileFault("the file is empty");
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
            if (context.containsKey(getExecutionContextKey(OFFSET))) {
                resumeAt(context.getLong(getExecutionContextKey(OFFSET)), context.getLong(getExecutionContextKey(LINE)));
            } else {
                parser = mapper.createParser(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
                baseOffset = 0;
                baseLine = 1;
                moveToArray();
            }
        } catch (IOException e) {
            reportFileFault("cannot be read: " + JsonFaults.describe(e));
        } catch (JacksonException e) {
            reportParseFault(e);
        }
        if (!finished) {
            startParsing();
        }
    }

    /** Whether the file is the one the saved offset was taken in (an offset saved without a fingerprint is trusted). */
    private boolean unchangedSinceSaved(ExecutionContext context) throws IOException {
        String saved = context.getString(getExecutionContextKey(FINGERPRINT), null);
        return saved == null || FileFingerprint.matches(file, context.getLong(getExecutionContextKey(OFFSET)), saved);
    }

    private void startParsing() {
        parsedIndex = index;
        stopping = false;
        ahead = new ArrayBlockingQueue<>(BATCHES_AHEAD);
        parsing = new Thread(this::parseAhead, getExecutionContextKey("parser"));
        parsing.setDaemon(true);
        parsing.start();
    }

    /** The parsing thread: parses elements in order until the end, a fault, a failure or {@link #close()}. */
    private void parseAhead() {
        List<Parsed> out = new ArrayList<>(BATCH);
        try {
            while (!stopping) {
                Parsed next;
                try {
                    next = parseNext();
                } catch (RuntimeException e) {
                    next = Parsed.failure(e);
                }
                out.add(next);
                boolean last = next.record() == null && !next.isRejected();
                if (last || out.size() == BATCH) {
                    ahead.put(out);
                    out = new ArrayList<>(BATCH);
                }
                if (last) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() stops us
        }
    }

    @Override
    public SourceRecord<JsonNode> read() {
        SourceRecord<JsonNode> record;
        do {
            record = readParsed();
        } while (record == null && !finished);
        return record;
    }

    /** The next element; null at the end ({@link #finished}) or after stepping over a rejected element. */
    private SourceRecord<JsonNode> readParsed() {
        if (finished) {
            return null;
        }
        if (nextInBatch >= batch.size()) {
            try {
                batch = ahead.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ItemStreamException("interrupted while reading " + file, e);
            }
            nextInBatch = 0;
        }
        Parsed next = batch.get(nextInBatch++);
        if (next.failure() != null) {
            finished = true;
            throw next.failure();
        }
        if (next.isRejected()) {
            if (rejects != null && partition.isFirst()) {
                rejects.current().reject(displayName, next.faultWhere(), next.fault(), next.rejectedRaw());
            }
            lastEndOffset = next.endOffset();
            lastEndLine = next.endLine();
            index = next.elementIndex() + 1;
            return null;
        }
        if (next.record() == null) {
            if (next.fault() != null) {
                report(next.faultWhere(), next.fault());
            }
            finished = true;
            return null;
        }
        currentKey = next.key();
        lastEndOffset = next.endOffset();
        lastEndLine = next.endLine();
        index = next.elementIndex() + 1;
        return next.record();
    }

    /**
     * Parses the next element of this reader's partition on the parsing thread; touches only the
     * parser and {@link #parsedIndex}.
     */
    private Parsed parseNext() {
        Parsed next;
        do {
            next = parseNextElement();
        } while (next.record() != null && !partition.owns(partitionKey.apply(next.record().value())));
        // a rejected element is handed to every partition: each must step over it, the first reports it
        return next;
    }

    private Parsed parseNextElement() {
        try {
            JsonToken token = parser.nextToken();
            if (token == (objectValues ? JsonToken.END_OBJECT : JsonToken.END_ARRAY)) {
                return Parsed.END;
            }
            if (token == null) {
                return Parsed.fault(fileFaultWhere(), "the file ends before the " + container() + " is closed (truncated?)");
            }
            long line = fileLine(parser.currentTokenLocation());
            String element = Long.toString(parsedIndex);
            String key = null;
            if (objectValues) {
                key = parser.currentName();
                element = key.replace("~", "~0").replace("/", "~1");
                if (parser.nextToken() == null) {
                    return Parsed.fault(fileFaultWhere(), "the file ends before the object is closed (truncated?)");
                }
            }
            String pointer = (arrayField == null ? "" : "/" + arrayField) + "/" + element;
            int containerDepth = parser.streamReadContext().getNestingDepth() - (parser.currentToken().isStructStart() ? 1 : 0);
            long start = baseOffset + parser.currentTokenLocation().getByteOffset();
            JsonNode node;
            try {
                node = mapper.readTree(parser);
            } catch (NumberFormatException | StreamConstraintsException e) {
                if (e instanceof StreamConstraintsException c && !c.getOriginalMessage().startsWith("Number value length")) {
                    throw c;
                }
                return rejectedElement(pointer + " (line " + line + ")", e, containerDepth, start);
            }
            TokenStreamLocation end = parser.currentLocation();
            return new Parsed(new SourceRecord<>(displayName, pointer + " (line " + line + ")", node), key, parsedIndex++,
                    baseOffset + end.getByteOffset(), fileLine(end), null, null, null, null);
        } catch (JacksonException e) {
            return Parsed.fault(parseFaultWhere(e), parseFaultReason(e));
        }
    }

    /**
     * The element the parser is in, stepped over to its end after a value in it could not be read
     * (the text is valid JSON, the value beyond what can be held: {@code 1e99999999999}), so that it
     * is rejected alone and the reading goes on. Its raw text is the file's, up to {@value #MAX_RAW} bytes.
     */
    private Parsed rejectedElement(String where, RuntimeException fault, int containerDepth, long start) {
        long at = baseOffset + parser.currentTokenLocation().getByteOffset();
        long atLine = fileLine(parser.currentTokenLocation());
        while (parser.streamReadContext().getNestingDepth() > containerDepth) {
            try {
                if (parser.nextToken() == null) {
                    return Parsed.fault(fileFaultWhere(), "the file ends before the " + container() + " is closed (truncated?)");
                }
            } catch (NumberFormatException | StreamConstraintsException ignored) {
                // another such value of the same element: stepped over with it
            }
        }
        TokenStreamLocation end = parser.currentLocation();
        long endOffset = baseOffset + end.getByteOffset();
        String reason = "holds a number beyond any range that can be read or stored (at line " + atLine + ", byte " + at + ")";
        return Parsed.rejected(parsedIndex++, endOffset, fileLine(end), where, reason, rawText(start, endOffset));
    }

    /** The file's text between two byte offsets, at most {@value #MAX_RAW} bytes of it. */
    private String rawText(long start, long end) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(MAX_RAW, Math.max(0, end - start)));
            channel.read(bytes, start);
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
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
        if (parsing != null) {
            stopping = true;
            parsing.interrupt();
            try {
                parsing.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            parsing = null;
            ahead = null;
            batch = List.of();
            nextInBatch = 0;
        }
        if (parser != null) {
            parser.close();
            parser = null;
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

    private void moveToArray() {
        JsonToken start = objectValues ? JsonToken.START_OBJECT : JsonToken.START_ARRAY;
        JsonToken first = parser.nextToken();
        if (first == null) {
            reportFileFault("the file holds no JSON");
            return;
        }
        if (arrayField == null) {
            if (first != start) {
                reportFileFault("expected a JSON " + container() + " at the top level, found " + first);
            }
            return;
        }
        if (first != JsonToken.START_OBJECT) {
            reportFileFault("expected a JSON object with a \"" + arrayField + "\" " + container() + ", found " + first);
            return;
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals(arrayField) && value == start) {
                return;
            }
            parser.skipChildren();
        }
        reportFileFault("no \"" + arrayField + "\" " + container() + " in the file");
    }

    private String container() {
        return objectValues ? "object" : "array";
    }

    /**
     * Opens the file after the last committed element: '[' (or '{' for an object's values) + the
     * rest, its leading comma dropped.
     */
    private void resumeAt(long offset, long line) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        channel.position(offset);
        InputStream rest = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        long skipped = 0;
        int c;
        rest.mark(1 << 15);
        while ((c = rest.read()) != -1 && (c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == ',')) {
            skipped++;
            if (c == '\n') {
                line++;
            }
            rest.mark(1 << 15);
        }
        rest.reset();
        byte open = (byte) (objectValues ? '{' : '[');
        parser = mapper.createParser(new SequenceInputStream(new ByteArrayInputStream(new byte[] {open}), rest));
        baseOffset = offset + skipped - 1;
        baseLine = line;
        parser.nextToken();
    }

    private long fileLine(TokenStreamLocation location) {
        return baseLine + location.getLineNr() - 1;
    }

    private void reportParseFault(JacksonException e) {
        report(parseFaultWhere(e), parseFaultReason(e));
    }

    private String parseFaultWhere(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        return at == null ? "unknown position"
                : "line " + fileLine(at) + ", column " + at.getColumnNr() + " (byte " + (baseOffset + at.getByteOffset()) + ")";
    }

    private static String parseFaultReason(JacksonException e) {
        return JsonFaults.describe(e) + "; the records before it were kept";
    }

    private void reportFileFault(String reason) {
        report(fileFaultWhere(), reason);
    }

    private String fileFaultWhere() {
        return "line " + (parser == null ? 1 : fileLine(parser.currentLocation()));
    }

    private void report(String where, String reason) {
        if (rejects != null && partition.isFirst()) {
            rejects.current().reject(displayName, where, reason, null);
        }
        finished = true;
    }
}
