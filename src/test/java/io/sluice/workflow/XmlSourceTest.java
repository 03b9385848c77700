package io.sluice.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The XML source over etl-core's test files and files written here; the expected rows are read off the files by hand. */
class XmlSourceTest {

    private static final Path ETL_CORE_DATA = Path.of("..", "shared", "fixtures", "etl-core", "data", "xml");

    @TempDir
    Path temp;

    @Test
    void etl_core_s_records_read_as_text_and_an_empty_element_is_null() {
        // given etl-core's files: rows 1 Alice, 2 Bob, 3 Carol; and one whose second name is empty
        Path data = fixture("test_data.xml");
        Path missing = fixture("test_data_missing_values.xml");

        // when read as etl-core's read_xml reads them (record_tag row, text)
        XmlSource source = XmlSource.open(data, "row", null, true);
        XmlSource withMissing = XmlSource.open(missing, "row", null, true);

        // then
        assertThat(source.schema().columns()).containsExactly(column("id", ColumnType.STRING), column("name", ColumnType.STRING));
        assertThat(ExcelSourceTest.rows(source)).containsExactly(List.of("1", "Alice"), List.of("2", "Bob"), List.of("3", "Carol"));
        assertThat(ExcelSourceTest.rows(withMissing)).containsExactly(List.of("1", "Alice"), Arrays.asList("2", null), List.of("3", "Charlie"));
    }

    @Test
    void nested_and_repeated_elements_flatten_as_etl_core_flattens_them() {
        // given etl-core's nested file: an address of street and city, tags of two items each
        Path nested = fixture("test_data_nested.xml");

        // when
        XmlSource source = XmlSource.open(nested, "row", null, false);

        // then ids are inferred as whole numbers, the rest is text
        assertThat(source.schema().columns()).containsExactly(column("id", ColumnType.LONG), column("name", ColumnType.STRING),
                column("address.street", ColumnType.STRING), column("address.city", ColumnType.STRING),
                column("tags.item[0]", ColumnType.STRING), column("tags.item[1]", ColumnType.STRING));
        assertThat(ExcelSourceTest.rows(source)).containsExactly(
                List.of(1L, "Alice", "Main", "Lingen", "alpha", "beta"),
                List.of(2L, "Bob", "Side", "Osnabrück", "gamma", "delta"));
    }

    @Test
    void without_a_record_tag_the_root_s_children_are_the_records_with_their_attributes_and_types_inferred() throws Exception {
        // given items with an attribute, a price whose currency is an attribute, and CDATA text
        Path file = write("items.xml", """
                <?xml version="1.0" encoding="ISO-8859-1"?>
                <catalog>
                  <!-- two items -->
                  <item sku="A1"><price currency="EUR">2.50</price><name><![CDATA[Fish & chips]]></name><fresh>True</fresh></item>
                  <item sku="B2"><price currency="EUR">3</price><name>  Pie  </name><fresh>False</fresh></item>
                </catalog>
                """.replace("Fish", "Fisch\u00e9"), "ISO-8859-1");

        // when
        XmlSource source = XmlSource.open(file, null, null, false);

        // then
        assertThat(source.schema().columns()).containsExactly(column("@attrs.sku", ColumnType.STRING),
                column("price.@attrs.currency", ColumnType.STRING), column("price.#text", ColumnType.DOUBLE),
                column("name", ColumnType.STRING), column("fresh", ColumnType.BOOLEAN));
        assertThat(ExcelSourceTest.rows(source)).containsExactly(
                List.of("A1", "EUR", 2.5, "Fisch\u00e9 & chips", true),
                List.of("B2", "EUR", 3.0, "Pie", false));
    }

    @Test
    void a_file_that_is_not_xml_fails_with_its_line_and_a_document_broken_later_keeps_the_records_before_it() throws Exception {
        // given etl-core's text file, and a document whose record 1003, past the sample of 1,000 records, ends with the wrong tag
        Path notXml = fixture("test_data_not_xml.txt");
        StringBuilder text = new StringBuilder("<rows>\n");
        for (int id = 1; id <= 1002; id++) {
            text.append("<row><id>").append(id).append("</id></row>\n");
        }
        text.append("<row><id>1003</id></wor>\n<row><id>1004</id></row>\n</rows>\n");
        Path broken = write("broken.xml", text.toString(), "UTF-8");
        XmlSource source = XmlSource.open(broken, "row", null, false);

        // when
        List<Object> ids = new ArrayList<>();
        IOException fault = null;
        try (SourceRecords records = source.records(null)) {
            for (Object[] row = records.next(); row != null; row = records.next()) {
                ids.add(row[0]);
            }
        } catch (IOException e) {
            fault = e;
        }

        // then
        assertThatThrownBy(() -> XmlSource.open(notXml, "row", null, true)).isInstanceOf(UncheckedIOException.class)
                .hasMessageStartingWith("line 1, column 1: not well-formed XML: Content is not allowed in prolog");
        assertThat(ids).hasSize(1002).startsWith(1L, 2L).endsWith(1001L, 1002L);
        assertThat(fault).isNotNull();
        assertThat(fault.getMessage()).startsWith("line 1004, column ").contains(": not well-formed XML: ").contains("\"row\"");
    }

    @Test
    void a_document_type_declaration_does_not_bring_in_an_external_entity() throws Exception {
        // given a file that declares an entity reading another file
        Path secret = write("secret.txt", "do not read me", "UTF-8");
        Path file = write("evil.xml", """
                <?xml version="1.0"?>
                <!DOCTYPE rows [<!ENTITY secret SYSTEM "%s">]>
                <rows><row><id>&secret;</id></row></rows>
                """.formatted(secret.toUri()), "UTF-8");

        // when, then the entity is not expanded: its reference is refused
        assertThatThrownBy(() -> ExcelSourceTest.rows(XmlSource.open(file, "row", null, true)))
                .hasMessageContaining("not well-formed XML").hasMessageNotContaining("do not read me");
    }

    @Test
    void a_record_tag_is_etl_core_s_row_for_read_xml_and_the_root_s_children_otherwise() {
        assertThat(XmlSource.recordTag(settings("read_xml", Map.of()))).isEqualTo("row");
        assertThat(XmlSource.recordTag(settings("read_xml", Map.of("record_tag", "item")))).isEqualTo("item");
        assertThat(XmlSource.recordTag(settings("data_source", Map.of("file_type", "xml")))).isNull();
    }

    private static Settings settings(String type, Map<String, Object> settings) {
        return new Settings(new WorkflowDefinition.Node("in", type, settings), new ArrayList<>());
    }

    private static Schema.Column column(String name, ColumnType type) {
        return new Schema.Column(name, type);
    }

    private Path write(String name, String content, String charset) throws IOException {
        Path file = temp.resolve(name);
        Files.writeString(file, content, java.nio.charset.Charset.forName(charset));
        return file;
    }

    private static Path fixture(String name) {
        Path file = ETL_CORE_DATA.resolve(name);
        assumeThat(Files.exists(file)).as("the shared fixtures are beside the project").isTrue();
        return file;
    }
}
