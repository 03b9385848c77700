package io.sluice.workflow;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.sluice.batch.RejectFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * A CSV file as a node's source: its header names the columns; their types are given, or inferred as
 * pandas' {@code read_csv} infers them (from the first {@value #SAMPLE} rows here: whole numbers,
 * then numbers, then {@code True}/{@code False}, else text). An empty field is null. RFC 4180
 * quoting, parsed by FastCSV. A record with another field count than the header, or a field that is
 * not a value of its column's type, goes to the reject file with its line.
 *
 * @param file      the CSV file
 * @param delimiter the field separator
 * @param quote     the quote character
 * @param charset   the file's encoding
 * @param schema    the columns and their types
 */
record CsvSource(Path file, char delimiter, char quote, Charset charset, Schema schema) implements FileSource {

    static final int SAMPLE = 1000;

    /**
     * Reads the header and infers the types.
     *
     * @param textOnly every column is text (etl-core's CSV reader; a {@code type_conversion} node types them)
     * @throws UncheckedIOException when the file cannot be read
     */
    static CsvSource open(Path file, char delimiter, char quote, Charset charset, boolean textOnly) {
        try (CsvReader<CsvRecord> reader = reader(file, delimiter, quote, charset)) {
            Iterator<CsvRecord> records = reader.iterator();
            if (!records.hasNext()) {
                return new CsvSource(file, delimiter, quote, charset, new Schema(List.of()));
            }
            List<String> header = new ArrayList<>(records.next().getFields());
            if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
                header.set(0, header.get(0).substring(1)); // a byte order mark
            }
            ColumnType[] types = new ColumnType[header.size()];
            for (int seen = 0; seen < SAMPLE && records.hasNext() && !textOnly; seen++) {
                List<String> fields = records.next().getFields();
                for (int i = 0; i < types.length && i < fields.size(); i++) {
                    types[i] = ColumnType.common(types[i], inferred(fields.get(i)));
                }
            }
            List<Schema.Column> columns = new ArrayList<>();
            for (int i = 0; i < header.size(); i++) {
                columns.add(new Schema.Column(header.get(i), types[i] == null ? ColumnType.STRING : types[i]));
            }
            return new CsvSource(file, delimiter, quote, charset, new Schema(columns));
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException(file + ": " + describe(e.getCause(), charset), e.getCause());
        }
    }

    /** An I/O failure in words: bytes that are not text in the file's encoding said so. */
    static String describe(IOException e, Charset charset) {
        return e instanceof java.nio.charset.CharacterCodingException ? "holds bytes that are not " + charset.name() + " text (give its encoding)"
                : e.getMessage();
    }

    @Override
    public SourceRecords records(RejectFiles rejects) throws IOException {
        return new Records(rejects);
    }

    /** FastCSV over the file, decoding strictly: bytes that are not text in {@code charset} fail the reading instead of turning into U+FFFD. */
    static CsvReader<CsvRecord> reader(Path file, char delimiter, char quote, Charset charset) throws IOException {
        java.io.Reader text = new java.io.BufferedReader(new java.io.InputStreamReader(java.nio.file.Files.newInputStream(file),
                charset.newDecoder().onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)), 1 << 16);
        return CsvReader.builder().fieldSeparator(delimiter).quoteCharacter(quote).allowExtraFields(true).allowMissingFields(true)
                .skipEmptyLines(true).ofCsvRecord(text);
    }

    static boolean exists(Path file) {
        return Files.isRegularFile(file);
    }

    private static ColumnType inferred(String field) {
        if (field.isEmpty()) {
            return null;
        }
        if (isWhole(field)) {
            return ColumnType.LONG;
        }
        if (field.matches("[-+]?\\d+")) {
            return ColumnType.STRING; // a whole number beyond 64 bits keeps its digits, as pandas' object column does
        }
        if (isNumber(field)) {
            return ColumnType.DOUBLE;
        }
        if (field.equals("True") || field.equals("False") || field.equals("true") || field.equals("false")) {
            return ColumnType.BOOLEAN;
        }
        return ColumnType.STRING;
    }

    /** Optional sign and decimal digits, within a long's range (so that no whole number turns into a float). */
    private static boolean isWhole(String field) {
        int start = field.charAt(0) == '-' || field.charAt(0) == '+' ? 1 : 0;
        if (start == field.length() || field.length() - start > 19) {
            return false;
        }
        for (int i = start; i < field.length(); i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '9') {
                return false;
            }
        }
        if (field.length() - start < 19) {
            return true;
        }
        try {
            Long.parseLong(field);
            return true;
        } catch (NumberFormatException overflow) {
            return false;
        }
    }

    /**
     * A decimal number as Python's {@code float()} of a CSV field reads it: optional sign, digits with at
     * most one point (at least one digit), optional exponent; also {@code nan}, {@code inf}, {@code infinity}
     * in any case. Not Java's extras ({@code 7d}, {@code 2F}, hexadecimal).
     */
    private static boolean isNumber(String field) {
        int i = field.charAt(0) == '-' || field.charAt(0) == '+' ? 1 : 0;
        String rest = field.substring(i).toLowerCase(java.util.Locale.ROOT);
        if (rest.equals("nan") || rest.equals("inf") || rest.equals("infinity")) {
            return true;
        }
        int digits = 0;
        boolean point = false;
        for (; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c >= '0' && c <= '9') {
                digits++;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i == field.length()) {
            return true;
        }
        char e = field.charAt(i);
        if (e != 'e' && e != 'E') {
            return false;
        }
        i++;
        if (i < field.length() && (field.charAt(i) == '-' || field.charAt(i) == '+')) {
            i++;
        }
        int exponentDigits = 0;
        for (; i < field.length(); i++) {
            if (field.charAt(i) < '0' || field.charAt(i) > '9') {
                return false;
            }
            exponentDigits++;
        }
        return exponentDigits > 0;
    }

    /** A field that {@link #isNumber} accepts, as a double. */
    private static double parseNumber(String field) {
        boolean negative = field.charAt(0) == '-';
        String rest = field.substring(field.charAt(0) == '-' || field.charAt(0) == '+' ? 1 : 0).toLowerCase(java.util.Locale.ROOT);
        return switch (rest) {
            case "nan" -> Double.NaN;
            case "inf", "infinity" -> negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            default -> Double.parseDouble(field);
        };
    }

    /**
     * One field as a value of {@code type}.
     *
     * @throws NumberFormatException when it is not a value of that type
     */
    static Object value(String field, ColumnType type) {
        if (field.isEmpty()) {
            return null;
        }
        return switch (type) {
            case STRING -> field;
            case LONG -> {
                if (!isWhole(field)) {
                    throw new NumberFormatException("'" + field + "' is not a whole number");
                }
                yield Long.parseLong(field);
            }
            case DOUBLE -> {
                if (!isNumber(field)) {
                    throw new NumberFormatException("'" + field + "' is not a number");
                }
                yield parseNumber(field);
            }
            case BOOLEAN -> {
                if (field.equalsIgnoreCase("true")) {
                    yield Boolean.TRUE;
                }
                if (field.equalsIgnoreCase("false")) {
                    yield Boolean.FALSE;
                }
                throw new NumberFormatException("'" + field + "' is not True or False");
            }
        };
    }

    /** The file's records after its header, each converted to the schema's types. */
    private final class Records implements SourceRecords {

        private final RejectFiles rejects;
        private final CsvReader<CsvRecord> reader;
        private final Iterator<CsvRecord> iterator;
        private long line;

        Records(RejectFiles rejects) throws IOException {
            this.rejects = rejects;
            this.reader = reader(file, delimiter, quote, charset);
            this.iterator = reader.iterator();
            if (iterator.hasNext()) {
                iterator.next(); // the header
            }
        }

        @Override
        public boolean skip() {
            if (!iterator.hasNext()) {
                return false;
            }
            iterator.next();
            return true;
        }

        @Override
        public Object[] next() {
            if (!iterator.hasNext()) {
                return null;
            }
            CsvRecord record = iterator.next();
            line = record.getStartingLineNumber();
            List<String> fields = record.getFields();
            if (fields.size() != schema.size()) {
                reject(record, "has " + fields.size() + " field" + (fields.size() == 1 ? "" : "s") + ", the header " + schema.size());
                return REJECTED;
            }
            Object[] row = new Object[fields.size()];
            for (int i = 0; i < row.length; i++) {
                try {
                    row[i] = value(fields.get(i), schema.column(i).type());
                } catch (NumberFormatException e) {
                    reject(record, "column " + schema.column(i).name() + ": " + e.getMessage() + " (the column holds "
                            + schema.column(i).type().label() + " values, inferred from its first " + SAMPLE + " rows)");
                    return REJECTED;
                }
            }
            return row;
        }

        private void reject(CsvRecord record, String reason) {
            rejects.currentInChunk().reject(file.toString(), "line " + record.getStartingLineNumber(), reason, String.join(String.valueOf(delimiter), record.getFields()));
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            reader.close();
        }
    }
}
