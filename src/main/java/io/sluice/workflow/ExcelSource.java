package io.sluice.workflow;

import io.sluice.batch.RejectFiles;
import org.apache.poi.openxml4j.exceptions.OLE2NotOfficeXmlFileException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.opc.PackageAccess;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.openxml4j.opc.PackagePart;
import org.apache.poi.xssf.model.StylesTable;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.apache.poi.xssf.usermodel.XSSFCellStyle;
import org.apache.poi.xssf.usermodel.XSSFRichTextString;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sheet of an Excel workbook ({@code .xlsx}, {@code .xlsm}: Office Open XML) as a node's source
 * (etl-core's {@code read_excel}, Data Wrangler's {@code data_source} with {@code file_type: excel}
 * or {@code xlsx}), read as pandas' {@code read_excel} reads it:
 * <ul>
 * <li>{@code sheet_name}: the sheet's name, or its position from 0 (a JSON number); the first sheet
 *     when not given (pandas' default 0; etl-core's default {@code Sheet1} is the first sheet of a
 *     workbook it wrote).</li>
 * <li>{@code skip_rows} (also {@code skiprows}): the sheet's first rows to pass over; then
 *     {@code header_row} (also {@code header}, from 0) picks the header among the rows left, blank rows
 *     before it not counted. The header's cells name the columns; an empty one is {@code Unnamed: N}
 *     and a repeated name gets {@code .1}, {@code .2} as pandas gives them; a data row wider than the
 *     header adds {@code Unnamed: N} columns (among the first {@value #SAMPLE} rows).</li>
 * <li>Values come from the cells' own types: a number that is whole is a whole number (pandas gives
 *     {@code int64} to a column of whole numbers), else a float; text, booleans; an empty cell is null.
 *     A column's type is the common type of its first {@value #SAMPLE} rows' values, as for the CSV
 *     source. A date or time cell (a number in a date format, or an ISO date cell) is ISO-8601 text,
 *     as the SQL source gives dates, since sluice's rows have no date type yet: {@code 2024-01-15}
 *     in a format without a time (and no time in the value), else {@code 2024-01-15T10:30:00}, a
 *     time of day alone (a value under 1, as openpyxl reads it) {@code 10:30:00}, with milliseconds
 *     when it has them. A formula gives its cached value.</li>
 * <li>Blank rows between data rows are rows of nulls (pandas keeps them); blank rows at the end are
 *     not rows.</li>
 * </ul>
 *
 * <p>The sheet is streamed (POI's event API for the package and its styles; the shared strings and
 * the sheet's XML read with StAX), never held whole: memory holds the shared strings table (about
 * 60 MB for a million distinct short texts), not the rows.
 * A row with a cell whose value does not fit its column's type, a cell holding an error
 * ({@code #DIV/0!}), or a value beyond the columns goes to the reject file with the sheet and row
 * (as Excel numbers rows, from 1).
 *
 * @param file     the workbook
 * @param sheet    the sheet's name
 * @param skipRows how many of the sheet's first rows are not read
 * @param header   which of the rows after them (blank ones not counted) is the header, from 0
 * @param schema   the columns and their types
 */
record ExcelSource(Path file, String sheet, int skipRows, int header, Schema schema) implements FileSource {

    static final int SAMPLE = 1000;

    private static final String MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

    /**
     * The source a node's settings describe, with its schema read from the sheet; null when a setting or
     * the file is not right (each noted against the node).
     *
     * @param file the workbook, which exists
     */
    static ExcelSource of(Settings settings, Path file) {
        Object sheet = settings.value("sheet_name", "sheet", "sheetname");
        if (sheet != null && !(sheet instanceof String) && !(sheet instanceof Number && isWhole((Number) sheet))) {
            settings.problem("has sheet_name " + sheet + "; give one sheet's name, or its position from 0");
            return null;
        }
        int skipRows = count(settings, "skip_rows", "skiprows");
        int header = count(settings, "header_row", "header");
        if (skipRows < 0 || header < 0) {
            return null;
        }
        try {
            return open(file, sheet, skipRows, header);
        } catch (UncheckedIOException e) {
            settings.problem("cannot read " + file + ": " + e.getCause().getMessage());
            return null;
        }
    }

    /**
     * Finds the sheet, reads its header and infers the types from its first {@value #SAMPLE} rows.
     *
     * @param sheet the sheet's name (a String), its position from 0 (a Number), or null for the first
     * @throws UncheckedIOException when the file is not a workbook sluice can read, or has no such sheet
     */
    static ExcelSource open(Path file, Object sheet, int skipRows, int header) {
        try (Sheet rows = new Sheet(file, sheet, skipRows, header)) {
            List<String> names = rows.header();
            List<ColumnType> types = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                types.add(null);
            }
            for (int seen = 0; seen < SAMPLE; seen++) {
                Sheet.Row row = rows.next();
                if (row == null) {
                    break;
                }
                for (int i = 0; i < row.cells().size(); i++) {
                    Object value = row.cells().get(i);
                    if (i >= types.size()) {
                        types.add(null);
                        names.add(unnamed(names, i));
                    }
                    if (!(value instanceof CellError)) {
                        types.set(i, ColumnType.common(types.get(i), ColumnType.of(value)));
                    }
                }
            }
            List<Schema.Column> columns = new ArrayList<>();
            for (int i = 0; i < names.size(); i++) {
                columns.add(new Schema.Column(names.get(i), types.get(i) == null ? ColumnType.STRING : types.get(i)));
            }
            return new ExcelSource(file, rows.name, skipRows, header, new Schema(columns));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    @Override
    public SourceRecords records(RejectFiles.Rejects rejects) throws IOException {
        return new Records(rejects);
    }

    /** {@code sheet NAME, row}: a record's number is its row in the sheet, as Excel numbers rows. */
    @Override
    public String unit() {
        return "sheet " + sheet + ", row";
    }

    private static int count(Settings settings, String... names) {
        Object value = settings.value(names);
        if (value == null) {
            return 0;
        }
        if (value instanceof Number number && isWhole(number) && number.longValue() >= 0 && number.longValue() <= 1_048_576) {
            return number.intValue();
        }
        settings.problem("has " + names[0] + " " + value + "; it must be a row count from 0");
        return -1;
    }

    private static boolean isWhole(Number number) {
        return number instanceof Integer || number instanceof Long || number instanceof Short
                || number.doubleValue() == Math.rint(number.doubleValue()) && !Double.isInfinite(number.doubleValue());
    }

    private static String unnamed(List<String> names, int index) {
        String name = "Unnamed: " + index;
        return names.contains(name) ? name + "." + index : name;
    }

    /** A cell holding one of Excel's errors ({@code #DIV/0!}, {@code #N/A}...), by its text. */
    record CellError(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /** The rows of the sheet after its header, converted to the schema's types. */
    private final class Records implements SourceRecords {

        private final RejectFiles.Rejects rejects;
        private final Sheet sheet;
        private long line;

        Records(RejectFiles.Rejects rejects) throws IOException {
            this.rejects = rejects;
            this.sheet = new Sheet(file, ExcelSource.this.sheet, skipRows, header);
            sheet.header();
        }

        @Override
        public boolean skip() throws IOException {
            return sheet.next() != null;
        }

        @Override
        public Object[] next() throws IOException {
            Sheet.Row row = sheet.next();
            if (row == null) {
                return null;
            }
            line = row.number();
            List<Object> cells = row.cells();
            if (cells.size() > schema.size()) {
                reject(row, "has a value in column " + columnName(cells.size() - 1) + ", beyond the sheet's " + schema.size()
                        + " columns (its header's, and those of its first " + SAMPLE + " rows)");
                return REJECTED;
            }
            Object[] values = new Object[schema.size()];
            for (int i = 0; i < cells.size(); i++) {
                Object value = cells.get(i);
                if (value instanceof CellError error) {
                    reject(row, "cell " + columnName(i) + row.number() + " (column " + schema.column(i).name() + ") holds the error " + error);
                    return REJECTED;
                }
                try {
                    values[i] = JsonSource.value(value, schema.column(i).type());
                } catch (NumberFormatException e) {
                    reject(row, "cell " + columnName(i) + row.number() + " (column " + schema.column(i).name() + "): " + e.getMessage()
                            + " (the column holds " + schema.column(i).type().label() + " values, inferred from its first " + SAMPLE + " rows)");
                    return REJECTED;
                }
            }
            return values;
        }

        private void reject(Sheet.Row row, String reason) {
            List<String> names = new ArrayList<>(schema.names());
            Object[] raw = new Object[row.cells().size()];
            for (int i = 0; i < raw.length; i++) {
                Object value = row.cells().get(i);
                raw[i] = value instanceof CellError ? value.toString() : value;
                if (i >= names.size()) {
                    names.add("Unnamed: " + i);
                }
            }
            List<Schema.Column> columns = new ArrayList<>();
            for (int i = 0; i < raw.length; i++) {
                columns.add(new Schema.Column(names.get(i), ColumnType.STRING));
            }
            rejects.reject(file.toString(), unit() + " " + row.number(), reason, JsonExport.object(new Schema(columns), raw));
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            sheet.close();
        }
    }

    /** A column's letters as Excel names it: 0 is A, 25 Z, 26 AA. */
    static String columnName(int index) {
        StringBuilder name = new StringBuilder();
        for (int i = index + 1; i > 0; i = (i - 1) / 26) {
            name.insert(0, (char) ('A' + (i - 1) % 26));
        }
        return name.toString();
    }

    /**
     * A sheet of a workbook read row by row: the package opened read-only, its shared strings and styles
     * loaded, the sheet's XML streamed. Rows come as the values of their cells, from column A.
     */
    private static final class Sheet implements AutoCloseable {

        /** A row of the sheet: its number as Excel shows it, and its cells' values from column A (null for an empty one). */
        record Row(long number, List<Object> cells) {
        }

        private static final XMLInputFactory XML = XMLHelper.newXMLInputFactory();

        private final Path file;
        private final OPCPackage workbook;
        private final InputStream stream;
        private final XMLStreamReader xml;
        /** The workbook's shared strings table, the only part held whole: the text of many cells. */
        private final List<String> strings;
        private final StylesTable styles;
        /** By style: 0 not a date format, 1 a date format without a time, 2 one that shows the time. */
        private final Map<Integer, Integer> dateStyles = new HashMap<>();
        private final boolean date1904;
        private final int skipRows;
        private final int headerIndex;
        final String name;
        private long lastRow;
        private boolean ended;
        /** The number of the row last returned (the header's, at first). */
        private long emitted;
        /** Blank rows still to return before {@code held}, the row with values after them. */
        private long blanks;
        private Row held;

        Sheet(Path file, Object sheet, int skipRows, int header) throws IOException {
            this.file = file;
            this.skipRows = skipRows;
            this.headerIndex = header;
            FileMagic magic = FileMagic.valueOf(file.toFile());
            if (magic == FileMagic.OLE2) {
                throw new IOException("it is an Excel 97-2003 (.xls) workbook; sluice reads .xlsx workbooks: save it as .xlsx");
            }
            if (magic != FileMagic.OOXML) {
                throw new IOException("it is not an .xlsx workbook (not a zip package)");
            }
            try {
                workbook = OPCPackage.open(file.toFile(), PackageAccess.READ);
            } catch (OLE2NotOfficeXmlFileException e) {
                throw new IOException("it is an Excel 97-2003 (.xls) workbook; sluice reads .xlsx workbooks: save it as .xlsx", e);
            } catch (Exception e) {
                throw new IOException("it is not an .xlsx workbook (" + e.getMessage() + ")", e);
            }
            try {
                XSSFReader reader = new XSSFReader(workbook);
                date1904 = date1904(reader);
                strings = sharedStrings(workbook);
                styles = reader.getStylesTable();
                XSSFReader.SheetIterator sheets = reader.getSheetIterator();
                List<String> names = new ArrayList<>();
                InputStream found = null;
                String foundName = null;
                while (sheets.hasNext()) {
                    InputStream next = sheets.next();
                    String sheetName = sheets.getSheetName();
                    boolean wanted = sheet == null ? names.isEmpty()
                            : sheet instanceof Number position ? position.intValue() == names.size() : sheetName.equals(sheet);
                    names.add(sheetName);
                    if (wanted && found == null) {
                        found = next;
                        foundName = sheetName;
                    } else {
                        next.close();
                    }
                }
                if (found == null) {
                    throw new IOException(names.isEmpty() ? "the workbook has no sheets"
                            : "the workbook has no sheet " + (sheet instanceof Number ? "at position " + sheet : "'" + sheet + "'")
                            + " (its sheets: " + String.join(", ", names) + ")");
                }
                name = foundName;
                stream = found;
                xml = XML.createXMLStreamReader(stream);
            } catch (IOException e) {
                workbook.revert();
                throw e;
            } catch (Exception e) {
                workbook.revert();
                throw new IOException("it is not an .xlsx workbook sluice can read (" + e.getMessage() + ")", e);
            }
        }

        /** Whether the workbook counts its dates from 1904 (its {@code workbookPr date1904}), as old Mac workbooks did. */
        private static boolean date1904(XSSFReader reader) throws Exception {
            try (InputStream data = reader.getWorkbookData()) {
                XMLStreamReader xml = XML.createXMLStreamReader(data);
                while (xml.hasNext()) {
                    if (xml.next() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("workbookPr")) {
                        String value = xml.getAttributeValue(null, "date1904");
                        return "1".equals(value) || "true".equalsIgnoreCase(value);
                    }
                    if (xml.getEventType() == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("sheets")) {
                        return false;
                    }
                }
                return false;
            }
        }

        /** Reads up to the header row and returns its names; empty when the sheet has no rows. */
        List<String> header() throws IOException {
            List<String> names = new ArrayList<>();
            Row row;
            int index = 0;
            while ((row = nextRow()) != null) {
                if (row.number() <= skipRows || row.cells().isEmpty()) {
                    continue; // skipped, or blank before the header
                }
                if (index++ == headerIndex) {
                    emitted = row.number();
                    Set<String> seen = new HashSet<>();
                    for (int i = 0; i < row.cells().size(); i++) {
                        Object cell = row.cells().get(i);
                        String name = cell == null || cell instanceof CellError ? "Unnamed: " + i : CsvExport.field(cell);
                        String unique = name;
                        for (int copy = 1; seen.contains(unique); copy++) {
                            unique = name + "." + copy;
                        }
                        seen.add(unique);
                        names.add(unique);
                    }
                    return names;
                }
            }
            return names;
        }

        /** The next row after the header: a blank one between rows with values as a row of nulls; null at the end. */
        Row next() throws IOException {
            if (blanks > 0) {
                blanks--;
                return new Row(++emitted, List.of());
            }
            if (held != null) {
                Row row = held;
                held = null;
                emitted = row.number();
                return row;
            }
            Row row;
            while ((row = nextRow()) != null) {
                if (row.cells().isEmpty()) {
                    continue; // a row of empty cells: counted in the gap before the next row with a value
                }
                long gap = row.number() - emitted - 1;
                if (gap > 0) {
                    blanks = gap - 1;
                    held = row;
                    return new Row(++emitted, List.of());
                }
                emitted = row.number();
                return row;
            }
            return null;
        }

        /** The sheet's next {@code <row>}, with its cells; null after the last. */
        private Row nextRow() throws IOException {
            if (ended) {
                return null;
            }
            try {
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT && xml.getLocalName().equals("row")) {
                        String number = xml.getAttributeValue(null, "r");
                        lastRow = number == null ? lastRow + 1 : Long.parseLong(number);
                        return new Row(lastRow, cells());
                    }
                    if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("sheetData")) {
                        break;
                    }
                }
            } catch (XMLStreamException | NumberFormatException e) {
                throw new IOException("the sheet " + name + " is not valid sheet XML after row " + lastRow + ": " + e.getMessage(), e);
            }
            ended = true;
            return null;
        }

        /** The cells of the row whose start the reader is at, to its end. */
        private List<Object> cells() throws XMLStreamException, IOException {
            List<Object> cells = new ArrayList<>();
            int column = -1;
            while (true) {
                int event = xml.next();
                if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("row")) {
                    break;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                if (!xml.getLocalName().equals("c")) {
                    skipElement();
                    continue;
                }
                String reference = xml.getAttributeValue(null, "r");
                column = reference == null ? column + 1 : columnIndex(reference);
                Object value = cell(xml.getAttributeValue(null, "t"), xml.getAttributeValue(null, "s"));
                if (value != null) {
                    while (cells.size() < column) {
                        cells.add(null);
                    }
                    cells.add(value);
                }
            }
            return cells;
        }

        /** The value of the cell whose start the reader is at, read to its end: by its type {@code t} and style {@code s}. */
        private Object cell(String type, String style) throws XMLStreamException, IOException {
            String value = null;
            StringBuilder inline = null;
            while (true) {
                int event = xml.next();
                if (event == XMLStreamConstants.END_ELEMENT && xml.getLocalName().equals("c")) {
                    break;
                }
                if (event != XMLStreamConstants.START_ELEMENT) {
                    continue;
                }
                switch (xml.getLocalName()) {
                    case "v" -> value = xml.getElementText();
                    case "is" -> inline = inlineText();
                    default -> skipElement(); // a formula's text (its cached value is in v), extensions
                }
            }
            if (type == null) {
                type = "n";
            }
            return switch (type) {
                case "s" -> value == null || value.isEmpty() ? null : text(sharedString(value));
                case "inlineStr" -> inline == null ? null : text(decode(inline.toString()));
                case "str" -> value == null ? null : text(value);
                case "b" -> value == null || value.isEmpty() ? null : (Object) (value.equals("1") || value.equalsIgnoreCase("true"));
                case "e" -> new CellError(value == null ? "#ERROR" : value);
                case "d" -> value == null || value.isEmpty() ? null : isoDate(value);
                default -> value == null || value.isEmpty() ? null : number(value, style);
            };
        }

        /** An empty text is an empty cell, as pandas reads it. */
        private static String text(String text) {
            return text.isEmpty() ? null : text;
        }

        /** The text of an inline string ({@code <is>}), its runs joined, phonetic runs left out. */
        private StringBuilder inlineText() throws XMLStreamException {
            StringBuilder text = new StringBuilder();
            int depth = 1;
            while (depth > 0) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    if (xml.getLocalName().equals("t")) {
                        text.append(xml.getElementText());
                    } else if (xml.getLocalName().equals("rPh") || xml.getLocalName().equals("rPr")) {
                        skipElement();
                    } else {
                        depth++;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            return text;
        }

        private void skipElement() throws XMLStreamException {
            int depth = 1;
            while (depth > 0) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        }

        /**
         * The shared strings table's texts in order, each its runs joined without phonetic runs ({@code rPh}), as
         * POI's read-only table reads them, but held once, as Strings.
         */
        private static List<String> sharedStrings(OPCPackage workbook) throws IOException, XMLStreamException {
            List<PackagePart> parts = workbook.getPartsByContentType(XSSFRelation.SHARED_STRINGS.getContentType());
            List<String> strings = new ArrayList<>();
            if (parts.isEmpty()) {
                return strings;
            }
            try (InputStream data = parts.get(0).getInputStream()) {
                XMLStreamReader xml = XML.createXMLStreamReader(data);
                StringBuilder text = new StringBuilder();
                int phonetic = 0;
                while (xml.hasNext()) {
                    int event = xml.next();
                    if (event == XMLStreamConstants.START_ELEMENT) {
                        switch (xml.getLocalName()) {
                            case "si" -> text.setLength(0);
                            case "rPh" -> phonetic++;
                            case "t" -> {
                                String run = xml.getElementText();
                                if (phonetic == 0) {
                                    text.append(run);
                                }
                            }
                            default -> {
                                // formatting of runs
                            }
                        }
                    } else if (event == XMLStreamConstants.END_ELEMENT) {
                        if (xml.getLocalName().equals("si")) {
                            strings.add(decode(text.toString()));
                        } else if (xml.getLocalName().equals("rPh")) {
                            phonetic--;
                        }
                    }
                }
                xml.close();
            }
            return strings;
        }

        private String sharedString(String index) throws IOException {
            int at;
            try {
                at = Integer.parseInt(index);
            } catch (NumberFormatException e) {
                at = -1;
            }
            if (at < 0 || at >= strings.size()) {
                throw new IOException("a cell after row " + lastRow + " of sheet " + name + " names the shared string '" + index
                        + "', which the workbook does not have");
            }
            return strings.get(at);
        }

        /** Excel's escapes of characters XML cannot hold ({@code _x000D_}), decoded as POI decodes them. */
        private static String decode(String text) {
            return text.contains("_x") ? new XSSFRichTextString(text).getString() : text;
        }

        /**
         * A number cell's value: a date or time as text when its style has a date format; else a whole number
         * as a Long (its digits kept as text beyond 64 bits, as pandas keeps them), else a Double.
         */
        private Object number(String value, String style) throws IOException {
            int dateStyle = dateStyle(style);
            if (isWholeText(value)) {
                if (dateStyle == 0) {
                    try {
                        return Long.parseLong(value.charAt(0) == '+' ? value.substring(1) : value);
                    } catch (NumberFormatException beyond64Bits) {
                        return value.charAt(0) == '+' ? value.substring(1) : value;
                    }
                }
            }
            double number;
            try {
                number = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IOException("a cell after row " + lastRow + " of sheet " + name + " holds '" + value + "', which is not a number");
            }
            if (dateStyle > 0) {
                String date = dateText(number, dateStyle == 2);
                if (date != null) {
                    return date;
                }
            }
            if (number == Math.rint(number) && Math.abs(number) < 0x1p63) {
                return (long) number;
            }
            return number;
        }

        private static boolean isWholeText(String value) {
            int start = value.charAt(0) == '-' || value.charAt(0) == '+' ? 1 : 0;
            if (start == value.length()) {
                return false;
            }
            for (int i = start; i < value.length(); i++) {
                if (value.charAt(i) < '0' || value.charAt(i) > '9') {
                    return false;
                }
            }
            return true;
        }

        /** Whether a style's number format is a date format (POI's {@code DateUtil} decides), and whether it shows a time. */
        private int dateStyle(String style) {
            if (style == null || styles == null) {
                return 0;
            }
            int index;
            try {
                index = Integer.parseInt(style);
            } catch (NumberFormatException e) {
                return 0;
            }
            return dateStyles.computeIfAbsent(index, at -> {
                if (at >= styles.getNumCellStyles()) {
                    return 0;
                }
                XSSFCellStyle cellStyle = styles.getStyleAt(at);
                String format = cellStyle == null ? null : cellStyle.getDataFormatString();
                if (format == null || !DateUtil.isADateFormat(cellStyle.getDataFormat(), format)) {
                    return 0;
                }
                // hours or seconds outside quoted text and [brackets] ([$-409], [Red]; [h] is elapsed hours)
                String codes = format.replaceAll("\"[^\"]*\"", "").replaceAll("\\[(?![hHmMsS]+\\])[^\\]]*\\]", "").toLowerCase(java.util.Locale.ROOT);
                return codes.contains("h") || codes.contains("s") ? 2 : 1;
            });
        }

        /** A serial date as text (see the class comment); null when it is not a date Excel can show. */
        private String dateText(double serial, boolean showsTime) {
            LocalDateTime at = DateUtil.getLocalDateTime(serial, date1904, false);
            if (at == null) {
                return null;
            }
            if (serial >= 0 && serial < 1) {
                return timeText(at.toLocalTime()); // a time of day alone, as openpyxl reads it
            }
            return showsTime || !at.toLocalTime().equals(LocalTime.MIDNIGHT) ? dateTimeText(at) : at.toLocalDate().toString();
        }

        /** An ISO 8601 date cell ({@code t="d"}) as text in the same spelling; as it is when it does not parse. */
        private static String isoDate(String value) {
            try {
                if (value.contains("T")) {
                    return dateTimeText(value.endsWith("Z") || value.matches(".*[+-]\\d\\d:\\d\\d$")
                            ? OffsetDateTime.parse(value).toLocalDateTime() : LocalDateTime.parse(value));
                }
                if (value.contains(":")) {
                    return timeText(LocalTime.parse(value));
                }
                return LocalDate.parse(value).toString();
            } catch (DateTimeParseException e) {
                return value;
            }
        }

        private static String dateTimeText(LocalDateTime at) {
            return at.toLocalDate() + "T" + timeText(at.toLocalTime());
        }

        private static String timeText(LocalTime time) {
            String text = String.format("%02d:%02d:%02d", time.getHour(), time.getMinute(), time.getSecond());
            int millis = time.getNano() / 1_000_000;
            return millis == 0 ? text : text + String.format(".%03d", millis);
        }

        /** The column of a cell reference ({@code B7} is 1). */
        private static int columnIndex(String reference) {
            int column = 0;
            for (int i = 0; i < reference.length(); i++) {
                char c = reference.charAt(i);
                if (c >= 'A' && c <= 'Z') {
                    column = column * 26 + (c - 'A' + 1);
                } else if (c >= 'a' && c <= 'z') {
                    column = column * 26 + (c - 'a' + 1);
                } else {
                    break;
                }
            }
            return column - 1;
        }

        @Override
        public void close() throws IOException {
            try {
                xml.close();
            } catch (XMLStreamException e) {
                // closing a reader that failed
            } finally {
                stream.close();
                workbook.revert();
            }
        }
    }
}
