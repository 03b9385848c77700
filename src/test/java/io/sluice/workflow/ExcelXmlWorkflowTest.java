package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Workflows that read and write Excel workbooks and XML files run as jobs on both databases: bad
 * records go to the reject file with their sheet and row or line while the others land, a broken XML
 * document fails its step naming the file and line, and a restarted export holds each row once.
 * Expected outputs are worked out by hand from the inputs written here.
 */
class ExcelXmlWorkflowTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void workbook_rows_with_an_error_cell_or_a_misfit_past_the_sample_are_rejected_with_sheet_and_row(TestDatabase database) throws Exception {
        // given 1,100 orders of whole amounts on sheet Orders (row 1 the header, order N on row N + 1), where
        // order 2's amount is #DIV/0! and order 1050's, past the 1,000 rows the types come from, is text
        Path book = workbook("orders.xlsx", "Orders", 1100, id -> id == 1050 ? "thirty" : id * 10L, 2);
        Path out = temp.resolve("orders.csv");
        Path workflow = write("orders.json", """
                {"name": "orders", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "excel", "sheet_name": "Orders"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(book, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> expected = new ArrayList<>(List.of("id,amount"));
        for (int id = 1; id <= 1100; id++) {
            if (id != 2 && id != 1050) {
                expected.add(id + "," + id * 10);
            }
        }
        assertThat(Files.readAllLines(out)).containsExactlyElementsOf(expected);
        List<String> rejects = rejects(database);
        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(0)).contains("orders.xlsx").contains("\"location\":\"sheet Orders, row 3\"")
                .contains("cell B3 (column amount) holds the error #DIV/0!");
        assertThat(rejects.get(1)).contains("\"location\":\"sheet Orders, row 1051\"")
                .contains("cell B1051 (column amount): 'thirty' is not a whole number");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_row_a_later_node_rejects_is_reported_with_its_sheet_and_row(TestDatabase database) throws Exception {
        // given etl-core's workbook whose ids are eins, 2, 3 (rows 2 to 4), converted to integers with on_error raise
        Path book = Path.of("..", "shared", "fixtures", "etl-core", "data", "excel", "test_data_types.xlsx").toAbsolutePath().normalize();
        assumeThat(Files.exists(book)).as("the shared fixtures are beside the project").isTrue();
        Path out = temp.resolve("typed.csv");
        Path job = write("typed.json", """
                {"name": "typed", "components": [
                  {"name": "reader", "comp_type": "read_excel", "filepath": "%s", "routes": {"out": [{"to": "tc", "in_port": "in"}]}},
                  {"name": "tc", "comp_type": "type_conversion", "rules": [{"column_path": "id", "target": "integer", "on_error": "raise"}],
                   "routes": {"out": [{"to": "writer", "in_port": "in"}]}},
                  {"name": "writer", "comp_type": "write_csv", "filepath": "%s"}]}
                """.formatted(book, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", job.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("id,name", "2,Bob", "3,123");
        List<String> rejects = rejects(database);
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0)).contains("test_data_types.xlsx").contains("\"location\":\"sheet Sheet1, row 2\"").contains("'eins' is not an integer");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void xml_records_with_a_misfit_or_an_unknown_field_past_the_sample_are_rejected_with_their_line(TestDatabase database) throws Exception {
        // given 1,003 records one a line (record N on line N + 1): 1,001 has a text amount, 1,002 a field no record before had
        StringBuilder xml = new StringBuilder("<orders>\n");
        for (int id = 1; id <= 1003; id++) {
            xml.append("<order><id>").append(id).append("</id><amount>").append(id == 1001 ? "ten" : Integer.toString(id))
                    .append("</amount>").append(id == 1002 ? "<coupon>X</coupon>" : "").append("</order>\n");
        }
        Path in = write("orders.xml", xml.append("</orders>\n").toString());
        Path out = temp.resolve("orders.jsonl");
        Path workflow = write("orders.json", """
                {"name": "orders", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "xml", "record_tag": "order"}},
                  {"id": "o", "type": "export", "data": {"export_type": "jsonl", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(in, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(1001).startsWith("{\"id\":1,\"amount\":1}").endsWith("{\"id\":1000,\"amount\":1000}", "{\"id\":1003,\"amount\":1003}");
        List<String> rejects = rejects(database);
        assertThat(rejects).hasSize(2);
        assertThat(rejects.get(0)).contains("\"location\":\"line 1002\"").contains("field amount: 'ten' is not a whole number");
        assertThat(rejects.get(1)).contains("\"location\":\"line 1003\"").contains("has the field coupon, which is not a column");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_document_broken_past_the_sample_fails_its_step_naming_the_file_and_line_and_publishes_nothing(TestDatabase database) throws Exception {
        // given 1,001 good records (the last on line 1,002) and one, on line 1,003, whose end tag is misspelt
        StringBuilder xml = new StringBuilder("<rows>\n");
        for (int id = 1; id <= 1001; id++) {
            xml.append("<row><id>").append(id).append("</id></row>\n");
        }
        Path in = write("broken.xml", xml.append("<row><id>1002</id></wor>\n</rows>\n").toString());
        Path out = temp.resolve("broken.xml.out.xml");
        Path workflow = write("broken.json", """
                {"name": "broken", "components": [
                  {"name": "reader", "comp_type": "read_xml", "filepath": "%s", "routes": {"out": [{"to": "writer", "in_port": "in"}]}},
                  {"name": "writer", "comp_type": "write_xml", "filepath": "%s"}]}
                """.formatted(in, out));

        // when
        Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).isNotZero();
        long id = Executions.newest(database);
        assertThat(Executions.status(database, id)).isEqualTo("FAILED");
        assertThat(result.out() + result.err()).contains(in.toString() + " after line 1002: line 1003, column 21: not well-formed XML: The element type \"row\" must be terminated")
                .contains("not well-formed XML");
        assertThat(out).doesNotExist();
    }

    static Stream<Arguments> restartableExports() {
        return TestDatabase.both().flatMap(database -> Stream.of(Arguments.of(database, "xlsx"), Arguments.of(database, "xml")));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("restartableExports")
    void a_restart_after_a_failure_mid_export_resumes_after_the_last_commit_and_writes_each_row_once(TestDatabase database, String format)
            throws Exception {
        // given a workbook of 20,000 rows, whose row for id 18,000 (past two chunks of 8,192) has text, with no rejects allowed
        Path book = workbook("big.xlsx", "Sheet1", 20_000, id -> id == 18_000 ? "oops" : (long) id, 0);
        Path out = temp.resolve("big-out." + format);
        Path workflow = write("big.json", """
                {"name": "big", "max_rejects": 0, "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "excel"}},
                  {"id": "o", "type": "export", "data": {"export_type": "%s", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(book, format.equals("xlsx") ? "excel" : "xml", out));
        Sluice sluice = new Sluice(database);
        Sluice.Result failed = sluice.run("workflow", "run", "--file", workflow.toString());
        assertThat(failed.exitCode()).as(failed.err()).isNotZero();
        long first = Executions.newest(database);
        assertThat(Executions.steps(database, first).get(0).written()).isEqualTo(2 * 8192);
        assertThat(out).doesNotExist();

        // when the workflow allows the one bad row (the workbook left as it was: a changed source refuses a restart)
        Files.writeString(workflow, Files.readString(workflow).replace("\"max_rejects\": 0", "\"max_rejects\": 1"));
        Sluice.Result restarted = sluice.run("restart", Long.toString(first));

        // then each other id is there once, in order
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        List<Object> ids = new ArrayList<>();
        FileSource written = format.equals("xlsx") ? ExcelSource.open(out, null, 0, 0) : XmlSource.open(out, "row", null, false);
        ExcelSourceTest.rows(written).forEach(row -> ids.add(row.get(0)));
        assertThat(ids).hasSize(19_999);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(i < 17_999 ? (long) i + 1 : (long) i + 2);
        }
    }

    @Test
    void a_source_that_cannot_be_read_is_refused_before_the_run_naming_its_node() throws Exception {
        // given etl-core's text file as an XML source, an .xls workbook, and a column that cannot be an XML element
        Path notXml = Path.of("..", "shared", "fixtures", "etl-core", "data", "xml", "test_data_not_xml.txt").toAbsolutePath().normalize();
        assumeThat(Files.exists(notXml)).as("the shared fixtures are beside the project").isTrue();
        Path xls = temp.resolve("old.xls");
        Files.write(xls, new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1, 0, 0, 0, 0});
        Path csv = write("prices.csv", "price ($)\n2.5\n");
        Path workflow = write("bad.json", """
                {"name": "bad", "components": [
                  {"name": "xml", "comp_type": "read_xml", "filepath": "%s", "routes": {"out": [{"to": "w1", "in_port": "in"}]}},
                  {"name": "w1", "comp_type": "write_csv", "filepath": "%s"},
                  {"name": "xls", "comp_type": "read_excel", "filepath": "%s", "routes": {"out": [{"to": "w2", "in_port": "in"}]}},
                  {"name": "w2", "comp_type": "write_csv", "filepath": "%s"},
                  {"name": "csv", "comp_type": "read_csv", "filepath": "%s", "routes": {"out": [{"to": "w3", "in_port": "in"}]}},
                  {"name": "w3", "comp_type": "write_xml", "filepath": "%s"}]}
                """.formatted(notXml, temp.resolve("1.csv"), xls, temp.resolve("2.csv"), csv, temp.resolve("3.xml")));

        // when, then
        assertThatThrownBy(() -> WorkflowPlan.of(WorkflowFiles.read(workflow, Map.of()))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("node xml (read_xml) cannot read " + notXml + ": line 1, column 1: not well-formed XML: Content is not allowed in prolog")
                .hasMessageContaining("node xls (read_excel) cannot read " + xls + ": it is an Excel 97-2003 (.xls) workbook; sluice reads .xlsx workbooks")
                .hasMessageContaining("node w3 (write_xml) is given the column 'price ($)', which is not an XML element name");
    }

    /**
     * A workbook (streamed by POI's SXSSF) with the header id, amount and {@code rows} rows: id N on row N + 1,
     * its amount {@code amount.apply(N)} (a Long or text); the row for id {@code errorId} holds #DIV/0! instead.
     */
    private Path workbook(String name, String sheetName, int rows, IntFunction<Object> amount, int errorId) throws Exception {
        Path file = temp.resolve(name);
        try (SXSSFWorkbook workbook = new SXSSFWorkbook(100); OutputStream stream = Files.newOutputStream(file)) {
            Sheet sheet = workbook.createSheet(sheetName);
            Row header = sheet.createRow(0);
            header.createCell(0).setCellValue("id");
            header.createCell(1).setCellValue("amount");
            for (int id = 1; id <= rows; id++) {
                Row row = sheet.createRow(id);
                row.createCell(0).setCellValue(id);
                Object value = amount.apply(id);
                if (id == errorId) {
                    row.createCell(1).setCellErrorValue(FormulaError.DIV0.getCode());
                } else if (value instanceof Long number) {
                    row.createCell(1).setCellValue(number);
                } else {
                    row.createCell(1).setCellValue((String) value);
                }
            }
            workbook.write(stream);
        }
        return file;
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(temp.resolve(name), content);
    }

    private static List<String> rejects(TestDatabase database) throws Exception {
        long id = Executions.newest(database);
        return Files.readAllLines(database.dataDir().resolve("executions").resolve(Long.toString(id)).resolve("rejects.jsonl"));
    }
}
