package io.sluice.workflow;

import de.siegmar.fastcsv.writer.CsvWriter;
import de.siegmar.fastcsv.writer.LineDelimiter;

import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Path;

/**
 * A CSV export: a header of the column names, then one line per row, written as pandas'
 * {@code to_csv(index=False)} writes them: null as an empty field, booleans as {@code True}/{@code False},
 * floats as Python's {@code repr} spells them ({@code 3.0}, {@code 1e-05}, {@code 1.5e+16}), decimals as
 * their plain digits ({@code 1.10}), dates {@code 2024-01-31}, timestamps {@code 2024-01-31 10:00:00}
 * (with a fraction, {@code .500}, when the value has one: pandas pads every value of a column to the
 * longest fraction in it, sluice writes each value's own in 3, 6 or 9 digits).
 *
 * @param file      where the export ends up (published when its step completes)
 * @param delimiter the field separator
 */
record CsvExport(Path file, char delimiter) implements Export {

    @Override
    public Encoder encoder(Schema schema, Writer out) {
        // with one column, a null would be an empty line, which readers (pandas, sluice) skip: pandas writes "" then
        CsvWriter.CsvWriterBuilder builder = CsvWriter.builder().fieldSeparator(delimiter).lineDelimiter(LineDelimiter.LF).bufferSize(1 << 16);
        if (schema.size() == 1) {
            builder.quoteStrategy(de.siegmar.fastcsv.writer.QuoteStrategies.EMPTY);
        }
        CsvWriter csv = builder.build(out);
        String[] fields = new String[schema.size()];
        return new Encoder() {
            @Override
            public void begin() {
                csv.writeRecord(schema.names());
            }

            @Override
            public void write(Object[] row, long index) {
                for (int i = 0; i < fields.length; i++) {
                    fields[i] = field(row[i]);
                }
                csv.writeRecord(fields);
            }

            @Override
            public void end() {
                // a CSV file has no end mark
            }

            @Override
            public void flush() throws IOException {
                csv.flush();
            }

            @Override
            public void close() throws IOException {
                csv.close();
            }
        };
    }

    /** A value as pandas writes it into a CSV field (before quoting). */
    static String field(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return pythonRepr(d);
        }
        if (value instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return Values.text(value);
    }

    /**
     * Python's {@code repr(float)}: the shortest digits that read back as the same double, in
     * positional notation when the exponent is in -4..15, else as {@code d.ddde±XX}.
     */
    static String pythonRepr(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal digits = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = digits.precision() - digits.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = digits.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String unscaled = digits.unscaledValue().abs().toString();
        String mantissa = unscaled.length() == 1 ? unscaled : unscaled.charAt(0) + "." + unscaled.substring(1);
        return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + (Math.abs(exponent) < 10 ? "0" : "") + Math.abs(exponent);
    }
}
