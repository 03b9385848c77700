package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.TokenStreamFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Scans the runs of {@code index.json} for their ids only, with the streaming parser and no trees:
 * several times faster than reading each run whole. Each element's byte range is kept, so that the
 * few runs the verification must look at again can be read back whole ({@link #element}).
 *
 * <p>The scan's nesting is unbounded (it builds no trees, so that a level costs it only the
 * parser's few bytes of state): a run nested deeper than the load step reads, which the load step
 * rejected alone, is stepped over, and the runs after it are scanned.
 */
final class IndexIdScanner {

    /** One element of the {@code runs} array: its {@code run_id} (null when it has none) and its bytes. */
    record Element(String id, long start, long end) {
    }

    /** What encloses an element in the index. */
    private static final byte[] IN_THE_INDEX = "{\"runs\":[".getBytes(StandardCharsets.US_ASCII);

    private final Path file;
    private final ObjectMapper mapper;
    private final TokenStreamFactory tokens;

    IndexIdScanner(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
        TokenStreamFactory factory = mapper.tokenStreamFactory();
        this.tokens = factory.rebuild()
                .streamReadConstraints(factory.streamReadConstraints().rebuild().maxNestingDepth(Integer.MAX_VALUE).build())
                .build();
    }

    /** Calls {@code each} for every element, in order; stops quietly at a fault (the load step reported it). */
    void scan(Consumer<Element> each) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (JsonParser parser = tokens.createParser(ObjectReadContext.empty(), new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
            if (!moveToRuns(parser)) {
                return;
            }
            for (JsonToken token = parser.nextToken(); token != null && token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                long start = parser.currentTokenLocation().getByteOffset();
                String id = token == JsonToken.START_OBJECT ? runId(parser) : skip(parser);
                each.accept(new Element(id, start, parser.currentLocation().getByteOffset()));
            }
        } catch (JacksonException e) {
            // a malformed index: the elements before the fault were scanned, as they were loaded
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The element read back whole, as a tree. It is read inside an object and an array, as it lies
     * in the index, so that the nesting limit counts its levels as the load step's reading did.
     */
    JsonNode element(Element element) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            int length = Math.toIntExact(element.end() - element.start());
            ByteBuffer bytes = ByteBuffer.allocate(IN_THE_INDEX.length + length + 2).put(IN_THE_INDEX);
            channel.read(bytes.limit(IN_THE_INDEX.length + length), element.start());
            bytes.limit(bytes.capacity()).put((byte) ']').put((byte) '}');
            return mapper.readTree(bytes.array(), 0, bytes.position()).get("runs").get(0);
        } catch (JacksonException | NumberFormatException e) {
            throw new InvalidRecordException("the run cannot be read: " + e.getMessage()); // the load step rejected it
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean moveToRuns(JsonParser parser) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return false;
        }
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            if (parser.nextToken() == JsonToken.START_ARRAY && field.equals("runs")) {
                return true;
            }
            parser.skipChildren();
        }
        return false;
    }

    /** Reads the object the parser is on up to its end; its top-level {@code run_id}, if textual. */
    private static String runId(JsonParser parser) {
        String id = null;
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if (field.equals("run_id") && value == JsonToken.VALUE_STRING) {
                id = parser.getString();
            } else {
                parser.skipChildren();
            }
        }
        return id;
    }

    private static String skip(JsonParser parser) {
        parser.skipChildren();
        return null;
    }
}
