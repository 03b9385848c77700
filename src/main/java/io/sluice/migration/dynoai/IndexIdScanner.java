package io.sluice.migration.dynoai;

import io.sluice.batch.InvalidRecordException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Scans the runs of {@code index.json} for their ids only, with the streaming parser and no trees:
 * several times faster than reading each run whole. Each element's byte range is kept, so that the
 * few runs the verification must look at again can be read back whole ({@link #element}).
 */
final class IndexIdScanner {

    /** One element of the {@code runs} array: its {@code run_id} (null when it has none) and its bytes. */
    record Element(String id, long start, long end) {
    }

    private final Path file;
    private final ObjectMapper mapper;

    IndexIdScanner(Path file, ObjectMapper mapper) {
        this.file = file;
        this.mapper = mapper;
    }

    /** Calls {@code each} for every element, in order; stops quietly at a fault (the load step reported it). */
    void scan(Consumer<Element> each) {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (JsonParser parser = mapper.createParser(new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
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

    /** The element read back whole, as a tree. */
    JsonNode element(Element element) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer bytes = ByteBuffer.allocate(Math.toIntExact(element.end() - element.start()));
            channel.read(bytes, element.start());
            return mapper.readTree(bytes.array());
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
