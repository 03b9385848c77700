package io.sluice.batch;

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
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A parsing cursor over the elements of one JSON array in a file (the root array, or the array
 * under a top-level field), or over the values of one JSON object: each {@link #next()} parses one
 * element into a tree, with its JSON pointer, its line and the byte offset and line after it.
 *
 * <p>It opens the file at its start and finds the container ({@link #fromStart}), or at a byte
 * offset after an element it yielded before ({@link #resume}), so that a restart seeks instead of
 * parsing the file again. Locations are the file's: bytes from the file's start, lines from 1.
 *
 * <p>An element that is valid JSON but cannot be held is rejected alone, with its location and
 * raw text, and the cursor goes on after it: one holding a number beyond any range
 * ({@code 1e99999999999}), or one nested deeper than the mapper's nesting limit
 * ({@link LegacyJson#MAX_DEPTH}), which is stepped over by its bytes, however deep it nests, with
 * neither the parser's state nor memory growing with its depth. A fault of the file itself (not
 * JSON, truncated) ends the cursor: it yields that fault, then nothing.
 *
 * <p>It holds no thread and no restart state, and is for one thread at a time (not thread-safe).
 */
final class JsonElementCursor implements AutoCloseable {

    /** The most bytes of a rejected element's text kept in its {@link Next#raw()}. */
    static final int MAX_RAW = 1 << 20;

    /** What {@link #next()} found. */
    enum Kind {
        /** An element, read: {@link Next#record()}. */
        ELEMENT,
        /** An element that cannot be read, stepped over: {@link Next#where()}, {@link Next#reason()}, {@link Next#raw()}. */
        REJECTED,
        /** A fault of the file that ends the reading; the elements before it were yielded: {@link Next#where()}, {@link Next#reason()}. */
        FAULT
    }

    /**
     * One step of the cursor.
     *
     * @param record    the element with its file and location (ELEMENT only)
     * @param key       the element's key when reading an object's values, else null (ELEMENT only)
     * @param index     the element's position in its container, from 0 (ELEMENT and REJECTED)
     * @param endOffset the file's byte offset just after the element, where a restart resumes (ELEMENT and REJECTED)
     * @param endLine   the file's line at {@code endOffset} (ELEMENT and REJECTED)
     * @param where     where a rejected element or a fault is, for the reject file (REJECTED and FAULT)
     * @param reason    what is wrong there (REJECTED and FAULT)
     * @param raw       a rejected element's text, its first {@value #MAX_RAW} bytes; null when it cannot be read back
     */
    record Next(Kind kind, SourceRecord<JsonNode> record, String key, long index, long endOffset, long endLine,
                String where, String reason, String raw) {

        static Next fault(String where, String reason) {
            return new Next(Kind.FAULT, null, null, 0, 0, 0, where, reason, null);
        }
    }

    /** A fault of the file met while opening it (not JSON, no such field): nothing can be read from it. */
    static final class FileFault extends Exception {

        private final String where;

        FileFault(String where, String reason) {
            super(reason, null, false, false);
            this.where = where;
        }

        /** Where in the file: "line 3", "line 1, column 7 (byte 6)". */
        String where() {
            return where;
        }

        /** What is wrong there, for the reject file. */
        String reason() {
            return getMessage();
        }
    }

    /** A byte offset in the file and the line it is on. */
    private record Position(long offset, long line) {
    }

    private final Path file;
    private final String displayName;
    private final String field;
    private final boolean objectValues;
    private final ObjectMapper mapper;
    private final String pointerPrefix;

    private JsonParser parser;
    /** Where the parser's byte 0 lies in the file, and the file line of the parser's line 1. */
    private long baseOffset;
    private long baseLine;
    private long nextIndex;
    private boolean ended;

    private JsonElementCursor(Path file, String displayName, String field, boolean objectValues, ObjectMapper mapper, long nextIndex) {
        this.file = file;
        this.displayName = displayName;
        this.field = field;
        this.objectValues = objectValues;
        this.mapper = mapper;
        this.pointerPrefix = (field == null ? "" : "/" + field) + "/";
        this.nextIndex = nextIndex;
    }

    /**
     * Opens {@code file} at its start and moves to the container, so that {@link #next()} yields its first element.
     *
     * @param displayName  the file's name in records and faults (relative to the store root)
     * @param field        the top-level field holding the container, or null when the file is the container
     * @param objectValues true to read the values of an object, false the elements of an array
     * @param firstIndex   the index the first element is given (0 unless counting on from elsewhere)
     * @throws IOException when the file cannot be opened
     * @throws FileFault   when the file is not JSON or holds no such container
     */
    static JsonElementCursor fromStart(Path file, String displayName, String field, boolean objectValues, ObjectMapper mapper,
                                       long firstIndex) throws IOException, FileFault {
        JsonElementCursor cursor = new JsonElementCursor(file, displayName, field, objectValues, mapper, firstIndex);
        try {
            cursor.parser = mapper.createParser(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            cursor.baseOffset = 0;
            cursor.baseLine = 1;
            cursor.moveToContainer();
            return cursor;
        } catch (JacksonException e) {
            cursor.close();
            throw new FileFault(cursor.parseFaultWhere(e), parseFaultReason(e));
        } catch (FileFault | RuntimeException e) {
            cursor.close();
            throw e;
        }
    }

    /**
     * Opens {@code file} just after an element a cursor on the same file yielded, so that
     * {@link #next()} yields the element after it.
     *
     * @param index  the index of the next element (the yielded element's index + 1)
     * @param offset that element's {@link Next#endOffset()}
     * @param line   that element's {@link Next#endLine()}
     * @throws IOException when the file cannot be opened
     * @throws FileFault   when the file cannot be parsed there
     */
    static JsonElementCursor resume(Path file, String displayName, String field, boolean objectValues, ObjectMapper mapper,
                                    long index, long offset, long line) throws IOException, FileFault {
        JsonElementCursor cursor = new JsonElementCursor(file, displayName, field, objectValues, mapper, index);
        try {
            cursor.openAt(offset, line);
            return cursor;
        } catch (JacksonException e) {
            cursor.close();
            throw new FileFault(cursor.parseFaultWhere(e), parseFaultReason(e));
        }
    }

    /**
     * The next element, an element rejected alone, or a fault that ends the reading; null after the
     * end of the container or a fault. Throws only what a parser should never throw.
     */
    Next next() {
        if (ended) {
            return null;
        }
        try {
            JsonToken token = parser.nextToken();
            if (token == (objectValues ? JsonToken.END_OBJECT : JsonToken.END_ARRAY)) {
                ended = true;
                return null;
            }
            if (token == null) {
                return fault(fileFaultWhere(), truncated());
            }
            long line = fileLine(parser.currentTokenLocation());
            String element = Long.toString(nextIndex);
            String key = null;
            if (objectValues) {
                key = parser.currentName();
                element = key.replace("~", "~0").replace("/", "~1");
                if (parser.nextToken() == null) {
                    return fault(fileFaultWhere(), truncated());
                }
            }
            String where = pointerPrefix + element + " (line " + line + ")";
            int containerDepth = parser.streamReadContext().getNestingDepth() - (parser.currentToken().isStructStart() ? 1 : 0);
            long start = baseOffset + parser.currentTokenLocation().getByteOffset();
            JsonNode node;
            try {
                node = mapper.readTree(parser);
            } catch (NumberFormatException | StreamConstraintsException e) {
                if (e instanceof StreamConstraintsException c && isNestingFault(c)) {
                    return nestedTooDeep(where, c, start, line);
                }
                if (e instanceof StreamConstraintsException c && !c.getOriginalMessage().startsWith("Number value length")) {
                    throw c;
                }
                return numberBeyondRange(where, containerDepth, start);
            }
            TokenStreamLocation end = parser.currentLocation();
            return new Next(Kind.ELEMENT, new SourceRecord<>(displayName, where, node), key, nextIndex++,
                    baseOffset + end.getByteOffset(), fileLine(end), null, null, null);
        } catch (JacksonException e) {
            return fault(parseFaultWhere(e), parseFaultReason(e));
        }
    }

    @Override
    public void close() {
        if (parser != null) {
            parser.close();
            parser = null;
        }
        ended = true;
    }

    private Next fault(String where, String reason) {
        ended = true;
        return Next.fault(where, reason);
    }

    private static boolean isNestingFault(StreamConstraintsException e) {
        return e.getOriginalMessage() != null && e.getOriginalMessage().contains("nesting depth");
    }

    /**
     * The element the parser is in, stepped over to its end after a value in it could not be read
     * (the text is valid JSON, the value beyond what can be held: {@code 1e99999999999}), so that it
     * is rejected alone and the reading goes on.
     */
    private Next numberBeyondRange(String where, int containerDepth, long start) {
        long at = baseOffset + parser.currentTokenLocation().getByteOffset();
        long atLine = fileLine(parser.currentTokenLocation());
        while (parser.streamReadContext().getNestingDepth() > containerDepth) {
            try {
                if (parser.nextToken() == null) {
                    return fault(fileFaultWhere(), truncated());
                }
            } catch (NumberFormatException | StreamConstraintsException ignored) {
                // another such value of the same element, or a level too deep: stepped over with it
            }
        }
        TokenStreamLocation end = parser.currentLocation();
        long endOffset = baseOffset + end.getByteOffset();
        String reason = "holds a number beyond any range that can be read or stored (at line " + atLine + ", byte " + at + ")";
        return new Next(Kind.REJECTED, null, null, nextIndex++, endOffset, fileLine(end), where, reason, rawText(start, endOffset));
    }

    /**
     * The element starting at byte {@code start} (an array or object), rejected because it nests
     * deeper than the parser may go. The parser stopped at the first level too deep; the rest of
     * the element is stepped over by its bytes (brackets counted outside strings), and a new
     * parser is opened after it, so that neither the time nor the memory this takes grows with the
     * depth beyond the bytes read.
     */
    private Next nestedTooDeep(String where, StreamConstraintsException fault, long start, long startLine) {
        TokenStreamLocation at = fault.getLocation() == null ? parser.currentLocation() : fault.getLocation();
        String reason = "nested deeper than " + parser.streamReadConstraints().getMaxNestingDepth()
                + " levels, the most a record may hold (the level too deep opens at line " + fileLine(at)
                + ", byte " + (baseOffset + at.getByteOffset() - 1) + ")";
        Position end;
        try {
            end = endOfContainer(start, startLine);
        } catch (IOException e) {
            return fault("line " + startLine, "cannot be read: " + JsonFaults.describe(e));
        }
        if (end == null) {
            return fault("line " + startLine, truncated());
        }
        parser.close();
        try {
            openAt(end.offset(), end.line());
        } catch (IOException e) {
            return fault("line " + end.line(), "cannot be read: " + JsonFaults.describe(e));
        }
        return new Next(Kind.REJECTED, null, null, nextIndex++, end.offset(), end.line(), where, reason, rawText(start, end.offset()));
    }

    /**
     * The byte offset just after the array or object that opens at {@code start}, and the line
     * there; null when the file ends first. Brackets inside strings (with their escapes) do not count.
     */
    private Position endOfContainer(long start, long line) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            channel.position(start);
            ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
            long offset = start;
            long depth = 0;
            boolean inString = false;
            boolean escaped = false;
            while (channel.read(buffer.clear()) > 0) {
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte c = buffer.get();
                    offset++;
                    if (c == '\n') {
                        line++;
                    }
                    if (inString) {
                        if (escaped) {
                            escaped = false;
                        } else if (c == '\\') {
                            escaped = true;
                        } else if (c == '"') {
                            inString = false;
                        }
                    } else if (c == '"') {
                        inString = true;
                    } else if (c == '[' || c == '{') {
                        depth++;
                    } else if ((c == ']' || c == '}') && --depth == 0) {
                        return new Position(offset, line);
                    }
                }
            }
            return null;
        }
    }

    /** The file's text between two byte offsets, at most {@value #MAX_RAW} bytes of it; null when it cannot be read. */
    private String rawText(long start, long end) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate((int) Math.min(MAX_RAW, Math.max(0, end - start)));
            channel.read(bytes, start);
            return new String(bytes.array(), 0, bytes.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    private void moveToContainer() throws FileFault {
        JsonToken start = objectValues ? JsonToken.START_OBJECT : JsonToken.START_ARRAY;
        JsonToken first = parser.nextToken();
        if (first == null) {
            throw new FileFault(fileFaultWhere(), "the file holds no JSON");
        }
        if (field == null) {
            if (first != start) {
                throw new FileFault(fileFaultWhere(), "expected a JSON " + container() + " at the top level, found " + first);
            }
            return;
        }
        if (first != JsonToken.START_OBJECT) {
            throw new FileFault(fileFaultWhere(), "expected a JSON object with a \"" + field + "\" " + container() + ", found " + first);
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals(field) && value == start) {
                return;
            }
            parser.skipChildren();
        }
        throw new FileFault(fileFaultWhere(), "no \"" + field + "\" " + container() + " in the file");
    }

    /**
     * Opens the file after an element: '[' (or '{' for an object's values) + the rest, its
     * leading comma dropped, the parser past that first bracket. When the container is a
     * top-level field's, it is opened inside an object as in the file, so that the nesting limit
     * counts the levels of an element as a reading from the start does.
     */
    private void openAt(long offset, long line) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        InputStream rest;
        try {
            channel.position(offset);
            rest = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
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
        String open = objectValues ? "{" : "[";
        byte[] prefix = (field == null ? open : "{\"\":" + open).getBytes(StandardCharsets.US_ASCII);
        parser = mapper.createParser(new SequenceInputStream(new ByteArrayInputStream(prefix), rest));
        baseOffset = offset + skipped - prefix.length;
        baseLine = line;
        for (int token = field == null ? 1 : 3; token > 0; token--) {
            parser.nextToken();
        }
    }

    private String container() {
        return objectValues ? "object" : "array";
    }

    private String truncated() {
        return "the file ends before the " + container() + " is closed (truncated?)";
    }

    private long fileLine(TokenStreamLocation location) {
        return baseLine + location.getLineNr() - 1;
    }

    private String parseFaultWhere(JacksonException e) {
        TokenStreamLocation at = e.getLocation();
        return at == null ? "unknown position"
                : "line " + fileLine(at) + ", column " + at.getColumnNr() + " (byte " + (baseOffset + at.getByteOffset()) + ")";
    }

    private static String parseFaultReason(JacksonException e) {
        return JsonFaults.describe(e) + "; the records before it were kept";
    }

    private String fileFaultWhere() {
        return "line " + (parser == null ? 1 : fileLine(parser.currentLocation()));
    }
}
