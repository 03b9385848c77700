package io.sluice.workflow;

import io.sluice.InvalidInputException;
import org.apache.poi.ss.SpreadsheetVersion;
import org.apache.poi.ss.util.WorkbookUtil;
import org.apache.poi.xssf.streaming.SXSSFCell;
import org.apache.poi.xssf.streaming.SXSSFRow;
import org.apache.poi.xssf.streaming.SXSSFSheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.json.JsonFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * An Excel workbook export (etl-core's {@code write_excel}, Data Wrangler's {@code export} with
 * {@code export_type: excel}), written as pandas' {@code to_excel(index=False)} writes one: a single
 * sheet ({@code sheet_name}, {@code Sheet1} by default), a header row of the column names, then one
 * row per row with typed cells: whole numbers and floats as numbers, booleans as booleans, text as
 * text, null and NaN as an empty cell, infinities as the text {@code inf} and {@code -inf} (pandas'
 * {@code inf_rep}). A whole number beyond ±2^53, which an Excel number (a double) cannot hold exactly,
 * is written as a text cell of its digits rather than rounded.
 *
 * <p>An {@code .xlsx} file is a zip whose sheet is written once: it cannot be cut back to a committed
 * row and appended to. So during the step the rows go to the partial file as JSON arrays, one a line,
 * which the export writer cuts back and appends to on restart like any text export; when the step
 * completes, {@link #publish} streams them into the workbook (POI's SXSSF: a window of rows in memory,
 * the rest on disk) beside the export, and moves it into place.
 *
 * <p>A sheet holds at most 1,048,575 rows under its header (a step with more fails at the first one
 * over), and a cell at most 32,767 characters; text holding a control character other than tab,
 * line feed and carriage return cannot be written to a workbook (POI would turn it into {@code ?}):
 * such a row is rejected ({@link #refusal}).
 *
 * @param file  where the export ends up (published when its step completes)
 * @param sheet the sheet's name
 */
record ExcelExport(Path file, String sheet) implements Export {

    /** pandas', etl-core's and Data Wrangler's default sheet name. */
    static final String DEFAULT_SHEET = "Sheet1";

    /** The largest whole number an Excel cell's double holds exactly. */
    private static final long EXACT = 1L << 53;
    private static final int MAX_ROWS = SpreadsheetVersion.EXCEL2007.getMaxRows() - 1;
    private static final int MAX_TEXT = SpreadsheetVersion.EXCEL2007.getMaxTextLength();
    private static final JsonFactory JSON = JsonFactory.builder().rootValueSeparator((String) null).build();

    /**
     * The export a node's settings describe; null when a setting is not right (noted against the node).
     *
     * @param schema the columns it will be given
     */
    static ExcelExport of(Settings settings, Path file, Schema schema) {
        if (file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xls")) {
            settings.problem("writes " + file.getFileName() + ", an Excel 97-2003 file; sluice writes .xlsx workbooks (name the file .xlsx)");
            return null;
        }
        String sheet = settings.text("sheet_name", "sheet", "sheetname");
        sheet = sheet == null ? DEFAULT_SHEET : sheet;
        try {
            WorkbookUtil.validateSheetName(sheet);
        } catch (IllegalArgumentException e) {
            settings.problem("has sheet_name '" + sheet + "', which Excel does not allow: 1 to 31 characters, none of : \\ / ? * [ ], not starting or ending with '");
            return null;
        }
        if (schema.size() > SpreadsheetVersion.EXCEL2007.getMaxColumns()) {
            settings.problem("is given " + schema.size() + " columns; an Excel sheet holds at most " + SpreadsheetVersion.EXCEL2007.getMaxColumns());
            return null;
        }
        return new ExcelExport(file, sheet);
    }

    @Override
    public String refusal(Schema schema, Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof String text) {
                if (text.length() > MAX_TEXT) {
                    return "column " + schema.column(i).name() + " holds " + text.length() + " characters; an Excel cell holds at most " + MAX_TEXT;
                }
                for (int at = 0; at < text.length(); at++) {
                    char c = text.charAt(at);
                    if (c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == '\uFFFE' || c == '\uFFFF') {
                        return "column " + schema.column(i).name() + " holds the control character U+" + String.format("%04X", (int) c)
                                + ", which an Excel workbook cannot hold";
                    }
                }
            }
        }
        return null;
    }

    /** Each row as a JSON array of its values on its own line (non-finite floats as the strings NaN, Infinity, -Infinity). */
    @Override
    public Encoder encoder(Schema schema, Writer out) {
        JsonGenerator generator = JSON.createGenerator(out);
        return new Encoder() {
            @Override
            public void begin() {
                // the header is written when the workbook is built
            }

            @Override
            public void write(Object[] row, long index) {
                if (index >= MAX_ROWS) {
                    throw new InvalidInputException("cannot export row " + (index + 1) + " to the Excel workbook " + file
                            + ": a sheet holds at most " + MAX_ROWS + " rows under its header; export to CSV instead, or filter or aggregate first");
                }
                generator.writeStartArray();
                for (Object value : row) {
                    if (value == null) {
                        generator.writeNull();
                    } else if (value instanceof String text) {
                        generator.writeString(text);
                    } else if (value instanceof Long number) {
                        generator.writeNumber(number);
                    } else if (value instanceof Double number) {
                        if (Double.isFinite(number)) {
                            generator.writeNumber(number);
                        } else {
                            generator.writeString(number.toString());
                        }
                    } else {
                        generator.writeBoolean((Boolean) value);
                    }
                }
                generator.writeEndArray();
                generator.writeRaw('\n');
            }

            @Override
            public void end() {
                // the rows' file has no end mark
            }

            @Override
            public void flush() {
                generator.flush();
            }

            @Override
            public void close() {
                generator.close();
            }
        };
    }

    /** Builds the workbook from the rows in {@code partial} beside the export, moves it onto the export, and removes {@code partial}. */
    @Override
    public void publish(Path partial, Schema schema) throws IOException {
        Path built = file.resolveSibling(file.getFileName() + ".sluice-xlsx");
        try (SXSSFWorkbook workbook = new SXSSFWorkbook(256);
             BufferedReader rows = Files.newBufferedReader(partial, StandardCharsets.UTF_8)) {
            workbook.setCompressTempFiles(true);
            SXSSFSheet target = workbook.createSheet(sheet);
            SXSSFRow header = target.createRow(0);
            for (int i = 0; i < schema.size(); i++) {
                header.createCell(i).setCellValue(schema.column(i).name());
            }
            int number = 1;
            for (String line = rows.readLine(); line != null; line = rows.readLine()) {
                SXSSFRow row = target.createRow(number++);
                try (JsonParser parser = JSON.createParser(line)) {
                    parser.nextToken(); // the array's start
                    int column = 0;
                    for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken(), column++) {
                        cell(row, column, token, parser, schema.column(column).type());
                    }
                }
            }
            try (OutputStream out = Files.newOutputStream(built)) {
                workbook.write(out);
            }
            Files.move(built, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(partial);
        } finally {
            Files.deleteIfExists(built);
        }
    }

    private static void cell(SXSSFRow row, int column, JsonToken token, JsonParser parser, ColumnType type) {
        switch (token) {
            case VALUE_NULL -> {
                // an empty cell
            }
            case VALUE_NUMBER_INT -> {
                long number = parser.getLongValue();
                SXSSFCell cell = row.createCell(column);
                if (Math.abs(number) <= EXACT) {
                    cell.setCellValue(number);
                } else {
                    cell.setCellValue(Long.toString(number)); // its digits, not a rounded double
                }
            }
            case VALUE_NUMBER_FLOAT -> row.createCell(column).setCellValue(parser.getDoubleValue());
            case VALUE_TRUE, VALUE_FALSE -> row.createCell(column).setCellValue(token == JsonToken.VALUE_TRUE);
            default -> {
                String text = parser.getString();
                if (type == ColumnType.DOUBLE && text.equals("NaN")) {
                    return; // an empty cell, as pandas writes NaN
                }
                if (type == ColumnType.DOUBLE && text.endsWith("Infinity")) {
                    row.createCell(column).setCellValue(text.startsWith("-") ? "-inf" : "inf");
                    return;
                }
                row.createCell(column).setCellValue(text);
            }
        }
    }
}
