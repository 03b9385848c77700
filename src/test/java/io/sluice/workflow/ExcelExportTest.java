package io.sluice.workflow;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Excel export written through its encoder and published as the export writer does it, then read
 * back by POI's own workbook model (cell by cell, with its type) and by the Excel source.
 */
class ExcelExportTest {

    private static final Schema SCHEMA = new Schema(List.of(new Schema.Column("id", ColumnType.LONG),
            new Schema.Column("price", ColumnType.DOUBLE), new Schema.Column("ok", ColumnType.BOOLEAN),
            new Schema.Column("note", ColumnType.STRING), new Schema.Column("big", ColumnType.LONG)));

    @TempDir
    Path temp;

    @Test
    void rows_become_typed_cells_under_a_header_nan_an_empty_cell_and_a_whole_number_beyond_2_53_its_digits() throws Exception {
        // given
        ExcelExport export = new ExcelExport(temp.resolve("out.xlsx"), "Result");
        List<Object[]> rows = List.of(
                new Object[] {1L, 2.5, true, "two\nlines", 9_007_199_254_740_993L},
                new Object[] {2L, Double.NaN, false, "Zoë", 5L},
                new Object[] {null, Double.NEGATIVE_INFINITY, null, null, null});

        // when
        write(export, rows, rows.size());

        // then POI sees the header as text and each value as a cell of its type
        assertThat(cells(export.file(), "Result")).containsExactly(
                List.of("s:id", "s:price", "s:ok", "s:note", "s:big"),
                List.of("n:1.0", "n:2.5", "b:true", "s:two\nlines", "s:9007199254740993"),
                List.of("n:2.0", "", "b:false", "s:Zoë", "n:5.0"),
                List.of("", "s:-inf", "", "", ""));
        assertThat(Files.list(temp)).containsExactly(export.file());
        // and the Excel source reads the whole numbers back as whole numbers
        ExcelSource source = ExcelSource.open(export.file(), "Result", 0, 0);
        assertThat(source.schema().column(0).type()).isEqualTo(ColumnType.LONG);
        assertThat(ExcelSourceTest.rows(source)).containsExactly(
                List.of(1L, "2.5", true, "two\nlines", "9007199254740993"),
                Arrays.asList(2L, null, false, "Zoë", "5"),
                Arrays.asList(null, "-inf", null, null, null));
    }

    @Test
    void a_partial_file_cut_back_to_its_last_commit_and_appended_to_publishes_each_row_once() throws Exception {
        // given rows 1 and 2 committed, row 3 written after the commit when the step failed
        ExcelExport export = new ExcelExport(temp.resolve("again.xlsx"), "Sheet1");
        Path partial = temp.resolve("again.xlsx.sluice-partial");
        long committed;
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(partial), StandardCharsets.UTF_8);
             Export.Encoder encoder = export.encoder(SCHEMA, out)) {
            encoder.begin();
            encoder.write(new Object[] {1L, 1.0, true, "a", 1L}, 0);
            encoder.write(new Object[] {2L, 2.0, true, "b", 2L}, 1);
            encoder.flush();
            out.flush();
            committed = Files.size(partial);
            encoder.write(new Object[] {3L, 3.0, true, "c", 3L}, 2);
        }

        // when the restart cuts it back to the commit and writes row 3 and 4
        try (var channel = java.nio.channels.FileChannel.open(partial, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(committed);
        }
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(partial, java.nio.file.StandardOpenOption.APPEND), StandardCharsets.UTF_8);
             Export.Encoder encoder = export.encoder(SCHEMA, out)) {
            encoder.write(new Object[] {3L, 3.0, true, "c", 3L}, 2);
            encoder.write(new Object[] {4L, 4.0, false, "d", 4L}, 3);
            encoder.end();
        }
        export.publish(partial, SCHEMA);

        // then
        assertThat(cells(export.file(), "Sheet1")).extracting(row -> row.get(0)).containsExactly("s:id", "n:1.0", "n:2.0", "n:3.0", "n:4.0");
        assertThat(partial).doesNotExist();
    }

    @Test
    void text_with_a_control_character_is_refused_naming_its_column_and_other_text_is_not() {
        // given
        ExcelExport export = new ExcelExport(temp.resolve("out.xlsx"), "Sheet1");

        // when
        String refused = export.refusal(SCHEMA, new Object[] {1L, 1.0, true, "bell\u0007", 1L});
        String accepted = export.refusal(SCHEMA, new Object[] {1L, 1.0, true, "tab\tand\r\nlines", 1L});

        // then
        assertThat(refused).isEqualTo("column note holds the control character U+0007, which an Excel workbook cannot hold");
        assertThat(accepted).isNull();
    }

    @Test
    void a_sheet_name_excel_does_not_allow_and_an_xls_file_are_noted_against_the_node() {
        // given
        List<String> problems = new ArrayList<>();
        WorkflowDefinition.Node slash = new WorkflowDefinition.Node("out", "write_excel", Map.of("sheet_name", "Q1/Q2"));
        WorkflowDefinition.Node old = new WorkflowDefinition.Node("old", "write_excel", Map.of());

        // when
        ExcelExport bySlash = ExcelExport.of(new Settings(slash, problems), temp.resolve("out.xlsx"), SCHEMA);
        ExcelExport byXls = ExcelExport.of(new Settings(old, problems), temp.resolve("out.xls"), SCHEMA);
        ExcelExport byDefault = ExcelExport.of(new Settings(old, problems), temp.resolve("out.xlsx"), SCHEMA);

        // then
        assertThat(bySlash).isNull();
        assertThat(byXls).isNull();
        assertThat(byDefault.sheet()).isEqualTo("Sheet1");
        assertThat(problems).containsExactly(
                "node out (write_excel) has sheet_name 'Q1/Q2', which Excel does not allow: 1 to 31 characters, none of : \\ / ? * [ ], not starting or ending with '",
                "node old (write_excel) writes out.xls, an Excel 97-2003 file; sluice writes .xlsx workbooks (name the file .xlsx)");
    }

    /** Writes {@code rows} as the export writer does (begin, rows, end into the partial file) and publishes it. */
    private void write(ExcelExport export, List<Object[]> rows, int count) throws IOException {
        Path partial = export.file().resolveSibling(export.file().getFileName() + ".sluice-partial");
        try (Writer out = new OutputStreamWriter(Files.newOutputStream(partial), StandardCharsets.UTF_8);
             Export.Encoder encoder = export.encoder(SCHEMA, out)) {
            encoder.begin();
            for (int i = 0; i < count; i++) {
                encoder.write(rows.get(i), i);
            }
            encoder.end();
        }
        export.publish(partial, SCHEMA);
    }

    /** The sheet's cells as POI reads them: {@code s:} text, {@code n:} a number, {@code b:} a boolean, empty for a blank cell. */
    static List<List<String>> cells(Path file, String sheetName) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (XSSFWorkbook workbook = new XSSFWorkbook(file.toFile())) {
            Sheet sheet = workbook.getSheet(sheetName);
            assertThat(sheet).as("sheet " + sheetName).isNotNull();
            int width = sheet.getRow(0).getLastCellNum();
            for (Row row : sheet) {
                List<String> cells = new ArrayList<>();
                for (int i = 0; i < width; i++) {
                    Cell cell = row.getCell(i);
                    cells.add(cell == null || cell.getCellType() == CellType.BLANK ? ""
                            : cell.getCellType() == CellType.NUMERIC ? "n:" + cell.getNumericCellValue()
                            : cell.getCellType() == CellType.BOOLEAN ? "b:" + cell.getBooleanCellValue()
                            : "s:" + cell.getStringCellValue());
                }
                rows.add(cells);
            }
        } catch (org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            throw new IOException(e);
        }
        return rows;
    }
}
