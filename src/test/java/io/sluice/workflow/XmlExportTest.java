package io.sluice.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The XML export's text, written out by hand from etl-core's writing rules, and read back by the XML source. */
class XmlExportTest {

    @TempDir
    Path temp;

    @Test
    void flattened_columns_are_written_back_as_the_nested_elements_they_came_from() throws Exception {
        // given etl-core's nested file read as rows
        Path nested = Path.of("..", "shared", "fixtures", "etl-core", "data", "xml", "test_data_nested.xml");
        assumeThat(Files.exists(nested)).as("the shared fixtures are beside the project").isTrue();
        XmlSource source = XmlSource.open(nested, "row", null, true);
        List<List<Object>> rows = ExcelSourceTest.rows(source);

        // when
        String xml = write(new XmlExport(temp.resolve("out.xml"), "rows", "row"), source.schema(), rows);

        // then
        assertThat(xml).isEqualTo("""
                <?xml version="1.0" encoding="utf-8"?>
                <rows>
                <row><id>1</id><name>Alice</name><address><street>Main</street><city>Lingen</city></address><tags><item>alpha</item><item>beta</item></tags></row>
                <row><id>2</id><name>Bob</name><address><street>Side</street><city>Osnabrück</city></address><tags><item>gamma</item><item>delta</item></tags></row>
                </rows>
                """);
        Path back = Files.writeString(temp.resolve("back.xml"), xml);
        assertThat(ExcelSourceTest.rows(XmlSource.open(back, "row", null, true))).isEqualTo(rows);
    }

    @Test
    void values_are_escaped_and_spelled_as_python_s_str_and_nulls_are_empty_elements_or_left_out() throws Exception {
        // given an attribute, text to escape, a float, a boolean, a line break with a carriage return, and a repeated tag
        Schema schema = new Schema(List.of(column("@attrs.id", ColumnType.LONG), column("name", ColumnType.STRING),
                column("price", ColumnType.DOUBLE), column("ok", ColumnType.BOOLEAN), column("note", ColumnType.STRING),
                column("tags.tag[0]", ColumnType.STRING), column("tags.tag[1]", ColumnType.STRING)));
        List<List<Object>> rows = List.of(
                List.of(7L, "Fish & <chips>", 2.5, true, "a \"quote\"\r\nsecond", "x", "z"),
                Arrays.asList(null, null, Double.NaN, null, null, null, "y"));

        // when
        String xml = write(new XmlExport(temp.resolve("out.xml"), "menu", "dish"), schema, rows);

        // then
        assertThat(xml).isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<menu>\n"
                + "<dish id=\"7\"><name>Fish &amp; &lt;chips&gt;</name><price>2.5</price><ok>True</ok><note>a \"quote\"&#13;\nsecond</note>"
                + "<tags><tag>x</tag><tag>z</tag></tags></dish>\n"
                + "<dish><name /><price>nan</price><ok /><note /><tags><tag /><tag>y</tag></tags></dish>\n"
                + "</menu>\n");
        Path back = Files.writeString(temp.resolve("back.xml"), xml);
        XmlSource read = XmlSource.open(back, "dish", null, false);
        assertThat(read.schema().columns()).containsExactlyElementsOf(schema.columns());
        List<List<Object>> again = ExcelSourceTest.rows(read);
        assertThat(again.get(0)).isEqualTo(rows.get(0));
        assertThat(again.get(1)).containsExactly(null, null, Double.NaN, null, null, null, "y");
    }

    @Test
    void text_xml_cannot_hold_is_refused_naming_its_column() {
        // given
        XmlExport export = new XmlExport(temp.resolve("out.xml"), "rows", "row");
        Schema schema = new Schema(List.of(column("note", ColumnType.STRING)));

        // when, then
        assertThat(export.refusal(schema, new Object[] {"nul\u0000"})).isEqualTo("column note holds the character U+0000, which XML 1.0 cannot hold");
        assertThat(export.refusal(schema, new Object[] {"half \uD800 pair"})).isEqualTo("column note holds the character U+D800, which XML 1.0 cannot hold");
        assertThat(export.refusal(schema, new Object[] {"emoji \uD83D\uDE00, tab\t, lines\r\n"})).isNull();
    }

    @Test
    void names_that_are_not_xml_names_and_two_columns_for_one_element_are_noted_against_the_node() {
        // given
        List<String> problems = new ArrayList<>();
        Schema schema = new Schema(List.of(column("price ($)", ColumnType.DOUBLE), column("a", ColumnType.STRING),
                column("a.b", ColumnType.STRING), column("ok", ColumnType.BOOLEAN)));
        Settings settings = new Settings(new WorkflowDefinition.Node("out", "write_xml", Map.of("root_tag", "1rows")), problems);

        // when
        XmlExport export = XmlExport.of(settings, temp.resolve("out.xml"), schema);

        // then
        assertThat(export).isNull();
        assertThat(problems).containsExactly(
                "node out (write_xml) has root_tag '1rows', which is not an XML element name",
                "node out (write_xml) is given the column 'price ($)', which is not an XML element name ('price ($)'; rename it before the export)",
                "node out (write_xml) is given the column 'a.b', which puts elements inside a, which another column gives a value");
    }

    private static String write(XmlExport export, Schema schema, List<List<Object>> rows) throws IOException {
        StringWriter out = new StringWriter();
        try (Export.Encoder encoder = export.encoder(schema, out)) {
            encoder.begin();
            for (int i = 0; i < rows.size(); i++) {
                encoder.write(rows.get(i).toArray(), i);
            }
            encoder.end();
        }
        return out.toString();
    }

    private static Schema.Column column(String name, ColumnType type) {
        return new Schema.Column(name, type);
    }
}
