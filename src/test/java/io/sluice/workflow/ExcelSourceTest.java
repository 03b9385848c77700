package io.sluice.workflow;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The Excel source read against workbooks written by POI's own workbook model (shared strings, styles,
 * formulas with their cached values) and etl-core's test workbooks; the expected rows are worked out by
 * hand from what each cell holds.
 */
class ExcelSourceTest {

    private static final Path ETL_CORE_DATA = Path.of("..", "shared", "fixtures", "etl-core", "data", "excel");

    @TempDir
    Path temp;

    @Test
    void etl_core_s_workbook_reads_as_whole_ids_and_names() {
        // given etl-core's test workbook: a header id, name and three rows
        Path file = fixture("test_data.xlsx");

        // when
        ExcelSource source = ExcelSource.open(file, null, 0, 0);

        // then
        assertThat(source.sheet()).isEqualTo("Sheet1");
        assertThat(source.schema().columns()).containsExactly(column("id", ColumnType.LONG), column("name", ColumnType.STRING));
        assertThat(rows(source)).containsExactly(List.of(1L, "Alice"), List.of(2L, "Bob"), List.of(3L, "Charlie"));
    }

    @Test
    void a_missing_cell_is_null_and_a_column_of_text_and_numbers_is_text_as_python_spells_them() {
        // given etl-core's workbooks: one whose row 3 has no name, one with ids eins, 2, 3 and names Alice, Bob, 123
        Path missing = fixture("test_data_missing.xlsx");
        Path types = fixture("test_data_types.xlsx");

        // when
        ExcelSource withMissing = ExcelSource.open(missing, null, 0, 0);
        ExcelSource mixed = ExcelSource.open(types, null, 0, 0);

        // then
        assertThat(rows(withMissing)).containsExactly(List.of(1L, "Alice"), Arrays.asList(2L, null), List.of(3L, "Charlie"));
        assertThat(mixed.schema().columns()).containsExactly(column("id", ColumnType.STRING), column("name", ColumnType.STRING));
        assertThat(rows(mixed)).containsExactly(List.of("eins", "Alice"), List.of("2", "Bob"), List.of("3", "123"));
    }

    @Test
    void cells_give_their_types_dates_read_as_iso_text_and_formulas_their_cached_values() throws Exception {
        // given a sheet whose cells are whole numbers (one stored as 2.0), floats, booleans, dates, date-times,
        // a time of day, text, a formula (=A2*10) and an empty column with no header
        Path file = workbook(workbook -> {
            Sheet sheet = workbook.createSheet("Data");
            CellStyle date = style(workbook, "yyyy-mm-dd");
            CellStyle dateTime = style(workbook, "yyyy-mm-dd hh:mm:ss");
            CellStyle time = style(workbook, "h:mm");
            cells(sheet.createRow(0), "id", "amount", "ok", "day", "at", "time", "note", "tenfold");
            Row first = sheet.createRow(1);
            first.createCell(0).setCellValue(1);
            first.createCell(1).setCellValue(2.5);
            first.createCell(2).setCellValue(true);
            dated(first.createCell(3), LocalDateTime.of(2024, 1, 15, 0, 0), date);
            dated(first.createCell(4), LocalDateTime.of(2024, 1, 15, 10, 30), dateTime);
            first.createCell(5).setCellValue(0.5); // noon
            first.getCell(5).setCellStyle(time);
            first.createCell(6).setCellValue("Zoë & co");
            first.createCell(7).setCellFormula("A2*10");
            Row second = sheet.createRow(2);
            second.createCell(0).setCellValue(2.0);
            second.createCell(1).setCellValue(3);
            second.createCell(2).setCellValue(false);
            dated(second.createCell(4), LocalDateTime.of(1999, 12, 31, 23, 59, 59), dateTime);
            second.createCell(7).setCellFormula("A3*10");
            workbook.getCreationHelper().createFormulaEvaluator().evaluateAll();
        });

        // when
        ExcelSource source = ExcelSource.open(file, null, 0, 0);

        // then
        assertThat(source.schema().columns()).containsExactly(column("id", ColumnType.LONG), column("amount", ColumnType.DOUBLE),
                column("ok", ColumnType.BOOLEAN), column("day", ColumnType.STRING), column("at", ColumnType.STRING),
                column("time", ColumnType.STRING), column("note", ColumnType.STRING), column("tenfold", ColumnType.LONG));
        assertThat(rows(source)).containsExactly(
                List.of(1L, 2.5, true, "2024-01-15", "2024-01-15T10:30:00", "12:00:00", "Zoë & co", 10L),
                Arrays.asList(2L, 3.0, false, null, "1999-12-31T23:59:59", null, null, 20L));
    }

    @Test
    void a_sheet_is_found_by_name_or_position_and_a_missing_one_is_named_with_the_sheets_there_are() throws Exception {
        // given a workbook of two sheets
        Path file = workbook(workbook -> {
            cells(workbook.createSheet("Notes").createRow(0), "note");
            Sheet data = workbook.createSheet("Data");
            cells(data.createRow(0), "k");
            cells(data.createRow(1), "v");
        });

        // when
        ExcelSource byName = ExcelSource.open(file, "Data", 0, 0);
        ExcelSource byPosition = ExcelSource.open(file, 1, 0, 0);
        ExcelSource first = ExcelSource.open(file, null, 0, 0);

        // then
        assertThat(byName.schema().names()).containsExactly("k");
        assertThat(rows(byName)).containsExactly(List.of("v"));
        assertThat(byPosition.sheet()).isEqualTo("Data");
        assertThat(first.sheet()).isEqualTo("Notes");
        assertThatThrownBy(() -> ExcelSource.open(file, "Sheet1", 0, 0)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("no sheet 'Sheet1' (its sheets: Notes, Data)");
        assertThatThrownBy(() -> ExcelSource.open(file, 2, 0, 0)).hasMessageContaining("no sheet at position 2");
    }

    @Test
    void headers_are_named_as_pandas_names_them_and_blank_rows_between_rows_are_rows_of_nulls() throws Exception {
        // given a title in row 1, a blank row 2, a header in row 3 with an empty cell and a repeated name,
        // data in rows 4 and 6 (row 5 blank, never written), one value beyond the header, and blank rows at the end
        Path file = workbook(workbook -> {
            Sheet sheet = workbook.createSheet("Report");
            cells(sheet.createRow(0), "Quarterly report");
            Row header = sheet.createRow(2);
            header.createCell(0).setCellValue("a");
            header.createCell(2).setCellValue("a");
            Row data = sheet.createRow(3);
            data.createCell(0).setCellValue(1);
            data.createCell(1).setCellValue(2);
            data.createCell(2).setCellValue(3);
            data.createCell(3).setCellValue("extra");
            Row later = sheet.createRow(5);
            later.createCell(0).setCellValue(4);
            sheet.createRow(6).createCell(0).setCellValue("");
            sheet.createRow(8);
        });

        // when the title is skipped (skip_rows 1), or passed over as the header's row 0 before row 1 (header_row 1)
        ExcelSource skipped = ExcelSource.open(file, null, 1, 0);
        ExcelSource second = ExcelSource.open(file, null, 0, 1);

        // then
        assertThat(skipped.schema().names()).containsExactly("a", "Unnamed: 1", "a.1", "Unnamed: 3");
        assertThat(rows(skipped)).containsExactly(List.of(1L, 2L, 3L, "extra"), Arrays.asList(null, null, null, null),
                Arrays.asList(4L, null, null, null));
        assertThat(rows(second)).isEqualTo(rows(skipped));
    }

    @Test
    void settings_that_are_not_a_sheet_or_a_row_count_and_a_file_that_is_not_a_workbook_are_noted_against_the_node() throws Exception {
        // given
        Path notAWorkbook = temp.resolve("people.xlsx");
        Files.writeString(notAWorkbook, "id,name\n1,Alice\n");
        List<String> problems = new ArrayList<>();

        // when
        ExcelSource listOfSheets = ExcelSource.of(settings(problems, Map.of("sheet_name", List.of("a", "b"))), notAWorkbook);
        ExcelSource negative = ExcelSource.of(settings(problems, Map.of("skip_rows", -1)), notAWorkbook);
        ExcelSource text = ExcelSource.of(settings(problems, Map.of()), notAWorkbook);

        // then
        assertThat(listOfSheets).isNull();
        assertThat(negative).isNull();
        assertThat(text).isNull();
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).isEqualTo("node in (read_excel) has sheet_name [a, b]; give one sheet's name, or its position from 0");
        assertThat(problems.get(1)).isEqualTo("node in (read_excel) has skip_rows -1; it must be a row count from 0");
        assertThat(problems.get(2)).startsWith("node in (read_excel) cannot read " + notAWorkbook + ": it is not an .xlsx workbook");
    }

    private static Settings settings(List<String> problems, Map<String, Object> settings) {
        return new Settings(new WorkflowDefinition.Node("in", "read_excel", settings), problems);
    }

    private static Schema.Column column(String name, ColumnType type) {
        return new Schema.Column(name, type);
    }

    private static Path fixture(String name) {
        Path file = ETL_CORE_DATA.resolve(name);
        assumeThat(Files.exists(file)).as("the shared fixtures are beside the project").isTrue();
        return file;
    }

    /** Every row of the source, with a null rejection list: these sheets have nothing to reject. */
    static List<List<Object>> rows(FileSource source) {
        List<List<Object>> rows = new ArrayList<>();
        try (SourceRecords records = source.records(null)) {
            for (Object[] row = records.next(); row != null; row = records.next()) {
                rows.add(Arrays.asList(row));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private Path workbook(Consumer<XSSFWorkbook> content) throws IOException {
        Path file = Files.createTempFile(temp, "book", ".xlsx");
        try (XSSFWorkbook workbook = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            content.accept(workbook);
            workbook.write(out);
        }
        return file;
    }

    private static void cells(Row row, String... texts) {
        for (int i = 0; i < texts.length; i++) {
            row.createCell(i).setCellValue(texts[i]);
        }
    }

    private static CellStyle style(XSSFWorkbook workbook, String format) {
        CellStyle style = workbook.createCellStyle();
        style.setDataFormat(workbook.getCreationHelper().createDataFormat().getFormat(format));
        return style;
    }

    private static void dated(Cell cell, LocalDateTime at, CellStyle style) {
        cell.setCellValue(at);
        cell.setCellStyle(style);
    }
}
