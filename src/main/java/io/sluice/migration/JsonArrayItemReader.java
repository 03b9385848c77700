package io.sluice.migration;

import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Streams the elements of one JSON array in a file, one tree at a time, so that memory does not
 * grow with the file: the root array, or the array under a top-level field ({@code runs} in
 * DynoAI's {@code index.json}). Made with {@link #objectValues}, it streams the values of a JSON
 * object instead ({@code datasets} in Data Wrangler's {@code index/datasets.json}, keyed by id);
 * {@link #currentKey()} then names the key of the value last read.
 *
 * <p>Restart is exact and cheap: at each chunk boundary the byte offset after the last element is
 * saved, and a restarted step seeks there instead of reading the file again. A file that is
 * empty, truncated, not UTF-8 or not JSON is reported in the reject file with its position; the
 * elements before the fault are kept.
 */
public class JsonArrayItemReader extends ItemStreamSupport implements ItemStreamReader<SourceRecord<JsonNode>> {

    private static final String INDEX = "index";
    private static final String OFFSET = "offset";
    private static final String LINE = "line";

    private final Path file;
    private final String displayName;
    private final String arrayField;
    private final boolean objectValues;
    private final RejectFiles rejects;
    private final ObjectMapper mapper;

    private JsonParser parser;
    private boolean finished;
    private long index;
    /** Where the parser's byte 0 lies in the file, and the file line of the parser's line 1. */
    private long baseOffset;
    private long baseLine;
    private long lastEndOffset;
    private long lastEndLine;
    private long fileSize;
    private String currentKey;

    /**
     * @param arrayField the top-level field holding the array, or null when the file is the array
     * @param rejects    where faults in the file are reported; null to read without reporting (verification)
     */
    public JsonArrayItemReader(String name, Path file, String displayName, String arrayField, RejectFiles rejects, ObjectMapper mapper) {
        this(name, file, displayName, arrayField, false, rejects, mapper);
    }

    private JsonArrayItemReader(String name, Path file, String displayName, String field, boolean objectValues,
                                RejectFiles rejects, ObjectMapper mapper) {
        setName(name);
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
        return new JsonArrayItemReader(name, file, displayName, objectField, true, rejects, mapper);
    }

    /** The key of the value last read when streaming an object's values; null for arrays. */
    public String currentKey() {
        return currentKey;
    }

    @Override
    public void open(ExecutionContext context) {
        index = context.getLong(getExecutionContextKey(INDEX), 0L);
        try {
            if (!Files.exists(file)) {
                finished = true;
                return;
            }
            fileSize = Files.size(file);
            if (fileSize == 0) {
                reportFileFault("the file is empty");
                return;
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
            throw new ItemStreamException("cannot read " + file, e);
        } catch (JacksonException e) {
            reportParseFault(e);
        }
    }

    @Override
    public SourceRecord<JsonNode> read() {
        if (finished) {
            return null;
        }
        try {
            JsonToken token = parser.nextToken();
            if (token == (objectValues ? JsonToken.END_OBJECT : JsonToken.END_ARRAY)) {
                finished = true;
                return null;
            }
            if (token == null) {
                reportFileFault("the file ends before the " + container() + " is closed (truncated?)");
                return null;
            }
            long line = fileLine(parser.currentTokenLocation());
            String element = Long.toString(index);
            if (objectValues) {
                currentKey = parser.currentName();
                element = currentKey.replace("~", "~0").replace("/", "~1");
                if (parser.nextToken() == null) {
                    reportFileFault("the file ends before the object is closed (truncated?)");
                    return null;
                }
            }
            JsonNode node = mapper.readTree(parser);
            TokenStreamLocation end = parser.currentLocation();
            lastEndOffset = baseOffset + end.getByteOffset();
            lastEndLine = fileLine(end);
            String pointer = (arrayField == null ? "" : "/" + arrayField) + "/" + element;
            index++;
            return new SourceRecord<>(displayName, pointer + " (line " + line + ")", node);
        } catch (JacksonException e) {
            reportParseFault(e);
            return null;
        }
    }

    @Override
    public void update(ExecutionContext context) {
        context.putLong(getExecutionContextKey(INDEX), index);
        if (lastEndOffset > 0) {
            context.putLong(getExecutionContextKey(OFFSET), lastEndOffset);
            context.putLong(getExecutionContextKey(LINE), lastEndLine);
        }
        if (fileSize > 0) {
            StepProgress.publish(context, finished ? fileSize : lastEndOffset, fileSize, "B");
        }
    }

    @Override
    public void close() {
        if (parser != null) {
            parser.close();
            parser = null;
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
        TokenStreamLocation at = e.getLocation();
        String where = at == null ? "unknown position"
                : "line " + fileLine(at) + ", column " + at.getColumnNr() + " (byte " + (baseOffset + at.getByteOffset()) + ")";
        report(where, "malformed JSON: " + e.getOriginalMessage() + "; the records before it were kept");
    }

    private void reportFileFault(String reason) {
        report("line " + (parser == null ? 1 : fileLine(parser.currentLocation())), reason);
    }

    private void report(String where, String reason) {
        if (rejects != null) {
            rejects.current().reject(displayName, where, reason, null);
        }
        finished = true;
    }
}
