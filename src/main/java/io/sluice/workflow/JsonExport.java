package io.sluice.workflow;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.json.JsonFactory;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;

/**
 * A JSON or JSON Lines export (etl-core's {@code write_json}, Data Wrangler's {@code export} with
 * {@code export_type: json} or {@code jsonl}): each row one object of its columns in order, with the
 * values as pandas' {@code to_json(orient="records")} writes them: null as {@code null}, whole numbers
 * and floats as numbers (floats in Python's {@code repr}, NaN and infinities as {@code null}),
 * booleans as {@code true}/{@code false}, text as JSON strings (UTF-8, not escaped to ASCII).
 * Decimals are numbers of their plain digits ({@code 1.10}; pandas would go through a float, 1.1).
 * Timestamps are ISO strings as {@code to_json(orient="records", date_format="iso")} writes them,
 * {@code "2024-01-31T10:00:00.000"} (more fraction digits when the value has them, never cut to
 * milliseconds), not pandas' default epoch milliseconds, which no reader takes for a time; dates
 * are {@code "2024-01-31"} (pandas, which has no date type, would write their midnight).
 *
 * <p>A JSON file is one array, an object a line: {@code [}, then each object on its own line with a
 * comma before all but the first, then {@code ]}; a JSON Lines file is one object a line.
 *
 * @param file  where the export ends up (published when its step completes)
 * @param lines JSON Lines rather than one array
 */
record JsonExport(Path file, boolean lines) implements Export {

    private static final JsonFactory JSON = JsonFactory.builder().rootValueSeparator((String) null).build();

    @Override
    public Encoder encoder(Schema schema, Writer out) {
        JsonGenerator generator = JSON.createGenerator(out);
        List<String> names = schema.names();
        return new Encoder() {
            @Override
            public void begin() {
                if (!lines) {
                    generator.writeRaw('[');
                }
            }

            @Override
            public void write(Object[] row, long index) {
                if (!lines) {
                    generator.writeRaw(index == 0 ? "\n" : ",\n");
                }
                object(generator, names, row);
                if (lines) {
                    generator.writeRaw('\n');
                }
            }

            @Override
            public void end() {
                if (!lines) {
                    generator.writeRaw("\n]\n");
                }
            }

            @Override
            public void flush() {
                generator.flush();
            }

            @Override
            public void close() throws IOException {
                generator.close();
            }
        };
    }

    /** A row as one JSON object of the schema's columns, as a line of this export holds it (for a reject file's record). */
    static String object(Schema schema, Object[] row) {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = JSON.createGenerator(text)) {
            object(generator, schema.names(), row);
        }
        return text.toString();
    }

    private static void object(JsonGenerator generator, List<String> names, Object[] row) {
        generator.writeStartObject();
        for (int i = 0; i < row.length; i++) {
            generator.writeName(names.get(i));
            Object value = row[i];
            if (value == null) {
                generator.writeNull();
            } else if (value instanceof String text) {
                generator.writeString(text);
            } else if (value instanceof Long number) {
                generator.writeNumber(number);
            } else if (value instanceof BigDecimal number) {
                generator.writeNumber(number.toPlainString());
            } else if (value instanceof java.time.LocalDate date) {
                generator.writeString(date.toString());
            } else if (value instanceof java.time.LocalDateTime time) {
                generator.writeString(Values.isoText(time));
            } else if (value instanceof Double number) {
                if (Double.isNaN(number) || Double.isInfinite(number)) {
                    generator.writeNull();
                } else {
                    generator.writeNumber(CsvExport.pythonRepr(number));
                }
            } else {
                generator.writeBoolean((Boolean) value);
            }
        }
        generator.writeEndObject();
    }
}
