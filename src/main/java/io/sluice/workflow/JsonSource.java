package io.sluice.workflow;

import io.sluice.batch.JsonFaults;
import io.sluice.batch.RejectFiles;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A JSON or JSON Lines file as a node's source (etl-core's {@code read_json}, Data Wrangler's
 * {@code data_source} with {@code file_type: json} or {@code jsonl}). A JSON file holds one array of
 * objects (or a single object, one record); a JSON Lines file one object a line, blank lines skipped.
 * The columns are the keys of the first {@value #SAMPLE} objects in the order first seen, typed as
 * pandas would type them: whole numbers, floats (whole numbers and floats mixed too), booleans, else
 * text (values of other kinds mixed too); a nested object or array is its JSON text. A key an object
 * lacks is null, as is {@code NaN}; keys first seen after the sample are not columns.
 *
 * <p>The file is streamed (Jackson's streaming parser), never held whole. An element or line that is
 * not an object, is not valid JSON, or holds a value that is not of its column's type goes to the
 * reject file with its line, and the others go on; in a JSON array, nothing after a syntax error can
 * be read, so the elements before it are kept and the rest is reported with it.
 *
 * @param file    the file
 * @param lines   whether it is JSON Lines (one object a line) rather than one array
 * @param charset its encoding
 * @param schema  the columns and their types
 */
record JsonSource(Path file, boolean lines, Charset charset, Schema schema) implements FileSource {

    static final int SAMPLE = 1000;

    private static final JsonFactory JSON = JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

    /** Whether a file name says JSON Lines, as etl-core tells them apart: {@code .jsonl} or {@code .ndjson}. */
    static boolean isJsonLines(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jsonl") || name.endsWith(".ndjson");
    }

    /**
     * Reads the first {@value #SAMPLE} objects for the columns and their types.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    static JsonSource open(Path file, boolean lines, Charset charset) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        JsonSource unknown = new JsonSource(file, lines, charset, new Schema(List.of()));
        try (Records records = unknown.new Records(null)) {
            for (int seen = 0; seen < SAMPLE; ) {
                Records.Found found = records.read((name, value) -> {
                    ColumnType type = ColumnType.of(value);
                    types.put(name, types.containsKey(name) ? ColumnType.common(types.get(name), type) : type);
                });
                if (found == Records.Found.END) {
                    break;
                }
                if (found == Records.Found.OBJECT) {
                    seen++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
        List<Schema.Column> columns = new ArrayList<>();
        types.forEach((name, type) -> columns.add(new Schema.Column(name, type == null ? ColumnType.STRING : type)));
        return new JsonSource(file, lines, charset, new Schema(columns));
    }

    @Override
    public SourceRecords records(RejectFiles rejects) throws IOException {
        return new Records(rejects);
    }

    /**
     * A value of a record as a value of {@code type}: whole numbers widen to floats, and a text column
     * holds any value as Python's {@code str} spells it.
     *
     * @throws NumberFormatException when it is not a value of that type
     */
    static Object value(Object value, ColumnType type) {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case STRING -> value instanceof String ? value : CsvExport.field(value);
            case LONG -> {
                if (value instanceof Long) {
                    yield value;
                }
                throw new NumberFormatException(describe(value) + " is not a whole number");
            }
            case DOUBLE -> {
                if (value instanceof Long l) {
                    yield l.doubleValue();
                }
                if (value instanceof Double) {
                    yield value;
                }
                throw new NumberFormatException(describe(value) + " is not a number");
            }
            case BOOLEAN -> {
                if (value instanceof Boolean) {
                    yield value;
                }
                throw new NumberFormatException(describe(value) + " is not true or false");
            }
        };
    }

    private static String describe(Object value) {
        return value instanceof String text ? "'" + text + "'" : CsvExport.field(value);
    }

    /** Where the properties of one object go, one at a time. */
    @FunctionalInterface
    private interface Properties {
        void put(String name, Object value);
    }

    /** The file's records, each an object's values converted to the schema's types. */
    private final class Records implements SourceRecords {

        /** What {@link #read} found. */
        enum Found { OBJECT, REJECTED, END }

        private final RejectFiles rejects;
        private final Map<String, Integer> columns = new HashMap<>();
        private BufferedReader text;
        private JsonParser array;
        private boolean single;
        private boolean finished;
        /** The current JSON Lines line, its number; the line of the record last read. */
        private String current;
        private long lineNumber;
        private long line;
        private long element;

        /** @param rejects null to read without reporting (the sample for the schema) */
        Records(RejectFiles rejects) throws IOException {
            this.rejects = rejects;
            for (int i = 0; i < schema.size(); i++) {
                columns.put(schema.column(i).name(), i);
            }
            if (lines) {
                text = Files.newBufferedReader(file, charset);
                return;
            }
            array = charset.equals(StandardCharsets.UTF_8)
                    ? JSON.createParser(new BufferedInputStream(Files.newInputStream(file), 1 << 16))
                    : JSON.createParser(new BufferedReader(new InputStreamReader(Files.newInputStream(file), charset), 1 << 16));
            try {
                JsonToken first = array.nextToken();
                if (first == null) {
                    finished = true; // an empty file: no records
                } else if (first == JsonToken.START_OBJECT) {
                    single = true;
                } else if (first != JsonToken.START_ARRAY) {
                    reject("line 1", "the file holds " + kind(first) + ", not an array of objects", null);
                    finished = true;
                }
            } catch (JacksonException e) {
                reject(where(e), JsonFaults.describe(e), null);
                finished = true;
            }
        }

        @Override
        public boolean skip() throws IOException {
            if (lines) {
                return nextLine() != null;
            }
            try {
                JsonToken token = nextElement();
                if (token == null) {
                    return false;
                }
                array.skipChildren();
                return true;
            } catch (JacksonException e) {
                finished = true;
                return true; // the fault counted as a record when it was read
            }
        }

        @Override
        public Object[] next() throws IOException {
            Object[] values = new Object[schema.size()];
            Found found = read((name, value) -> {
                Integer index = columns.get(name);
                if (index != null) {
                    values[index] = value;
                }
            });
            if (found != Found.OBJECT) {
                return found == Found.END ? null : REJECTED;
            }
            Object[] row = new Object[values.length];
            for (int i = 0; i < row.length; i++) {
                try {
                    row[i] = value(values[i], schema.column(i).type());
                } catch (NumberFormatException e) {
                    reject("line " + line, "key " + schema.column(i).name() + ": " + e.getMessage() + " (the column holds "
                            + schema.column(i).type().label() + " values, inferred from its first " + SAMPLE + " records)",
                            lines ? current : JsonExport.object(schema, values));
                    return REJECTED;
                }
            }
            return row;
        }

        /** Reads the next record, handing its properties to {@code into}; reports one that is not an object or not JSON. */
        Found read(Properties into) throws IOException {
            return lines ? readLine(into) : readElement(into);
        }

        private Found readLine(Properties into) throws IOException {
            current = nextLine();
            if (current == null) {
                return Found.END;
            }
            line = lineNumber;
            try (JsonParser parser = JSON.createParser(current)) {
                JsonToken token = parser.nextToken();
                if (token != JsonToken.START_OBJECT) {
                    reject("line " + line, "the line holds " + kind(token) + ", not an object", current);
                    return Found.REJECTED;
                }
                properties(parser, into);
                if (parser.nextToken() != null) {
                    reject("line " + line, "the line holds more than one JSON value", current);
                    return Found.REJECTED;
                }
                return Found.OBJECT;
            } catch (JacksonException e) {
                reject("line " + line + columnOf(e), JsonFaults.describe(e), current);
                return Found.REJECTED;
            }
        }

        private Found readElement(Properties into) {
            try {
                JsonToken token = nextElement();
                if (token == null) {
                    return Found.END;
                }
                line = array.currentTokenLocation().getLineNr();
                if (token != JsonToken.START_OBJECT) {
                    String raw = token.isScalarValue() ? array.getString() : null;
                    array.skipChildren();
                    reject("line " + line, "element " + element + " is " + kind(token) + ", not an object", raw);
                    return Found.REJECTED;
                }
                properties(array, into);
                return Found.OBJECT;
            } catch (JacksonException e) {
                reject(where(e), JsonFaults.describe(e) + "; the elements after it cannot be read, those before it were kept", null);
                finished = true;
                return Found.REJECTED;
            }
        }

        /** Moves to the first token of the next array element (or the single object); null at the end. */
        private JsonToken nextElement() {
            if (finished) {
                return null;
            }
            if (single) {
                finished = true;
                element = 1;
                return array.currentToken();
            }
            JsonToken token = array.nextToken();
            if (token == null || token == JsonToken.END_ARRAY) {
                finished = true;
                return null;
            }
            element++;
            return token;
        }

        /** The next line that is not blank, or null at the end. */
        private String nextLine() throws IOException {
            String next;
            while ((next = text.readLine()) != null) {
                lineNumber++;
                if (lineNumber == 1 && next.startsWith("\uFEFF")) {
                    next = next.substring(1);
                }
                if (!next.isBlank()) {
                    return next;
                }
            }
            return null;
        }

        /** Reads the properties of the object whose start the parser is at, to its end. */
        private void properties(JsonParser parser, Properties into) {
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                into.put(name, scalar(parser, parser.nextToken()));
            }
        }

        /**
         * The value at the parser: text, Long, Double, Boolean, null, or a nested value's JSON text; a whole number
         * beyond 64 bits is its digits as text (as pandas keeps it, an object column), never a rounded float.
         */
        private Object scalar(JsonParser parser, JsonToken token) {
            return switch (token) {
                case VALUE_STRING -> parser.getString();
                case VALUE_NUMBER_INT -> parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? (Object) parser.getText() : (Object) parser.getLongValue();
                case VALUE_NUMBER_FLOAT -> {
                    double number = parser.getDoubleValue();
                    yield Double.isNaN(number) ? null : number;
                }
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                case START_OBJECT, START_ARRAY -> {
                    StringWriter nested = new StringWriter();
                    try (JsonGenerator generator = JSON.createGenerator(nested)) {
                        generator.copyCurrentStructure(parser);
                    }
                    yield nested.toString();
                }
                default -> null;
            };
        }

        private String where(JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            return at == null ? "line " + Math.max(1, line) : "line " + at.getLineNr() + ", column " + at.getColumnNr();
        }

        private static String columnOf(JacksonException e) {
            TokenStreamLocation at = e.getLocation();
            return at == null ? "" : ", column " + at.getColumnNr();
        }

        private static String kind(JsonToken token) {
            if (token == null) {
                return "nothing";
            }
            return switch (token) {
                case START_ARRAY -> "an array";
                case VALUE_STRING -> "a string";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_NULL -> "null";
                default -> "an object";
            };
        }

        private void reject(String location, String reason, String raw) {
            if (rejects != null) {
                rejects.currentInChunk().reject(file.toString(), location, reason, raw);
            }
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            if (text != null) {
                text.close();
            }
            if (array != null) {
                array.close();
            }
        }
    }
}
