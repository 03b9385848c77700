package io.sluice.workflow;

import io.sluice.batch.RejectFiles;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An XML file as a node's source (etl-core's {@code read_xml}, or a {@code data_source} with
 * {@code file_type: xml}). Its records are the elements named {@code record_tag} wherever they are
 * (etl-core's reading; its default {@code row} for {@code read_xml}), or, with no {@code record_tag}
 * given to another node type, the child elements of the root (pandas' {@code read_xml} default).
 *
 * <p>A record's fields are flattened as etl-core flattens them: a child element holding only text is
 * the field of its tag; its attributes are {@code @attrs.NAME}; a nested element's fields are
 * {@code TAG.FIELD}; a tag repeated in one element is {@code TAG[0]}, {@code TAG[1]}...; the text of an
 * element that also has children or attributes is {@code TAG.#text}. Text is trimmed (as etl-core and
 * pandas trim it), and an empty element or a missing one is null (as pandas reads it). The columns
 * are the fields of the first {@value #SAMPLE} records in the order first seen; their types are
 * inferred from the text as the CSV source infers them, or all text for etl-core's {@code read_xml}
 * (whose records are text, typed by a {@code type_conversion} node).
 *
 * <p>The file is streamed (the JDK's StAX; no DTDs, no external entities), never held whole. A record
 * with a field that is not a column (first seen after the sample) or a value that is not of its
 * column's type goes to the reject file with the line of its start tag. A file that is not
 * well-formed XML cannot be read past the fault: the records before it are kept, and the step fails
 * naming the file, line and column.
 *
 * @param file      the file
 * @param recordTag the records' element name; null for the root's child elements
 * @param charset   the file's encoding when a node gives one; null to read the one the file declares
 * @param schema    the columns and their types
 */
record XmlSource(Path file, String recordTag, Charset charset, Schema schema) implements FileSource {

    static final int SAMPLE = 1000;

    private static final XMLInputFactory XML = factory();

    private static XMLInputFactory factory() {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        factory.setProperty(XMLInputFactory.IS_COALESCING, true);
        return factory;
    }

    /**
     * The records' element name a node gives ({@code record_tag}, also {@code row_name}, pandas' name): etl-core's
     * default {@code row} for its {@code read_xml}, else null, the root's child elements (pandas' default).
     */
    static String recordTag(Settings settings) {
        String tag = settings.text("record_tag", "row_name", "row_tag");
        if (tag != null && !tag.isBlank()) {
            return tag;
        }
        return settings.node().type().equals("read_xml") ? XmlExport.DEFAULT_RECORD : null;
    }

    /**
     * Reads the first {@value #SAMPLE} records for the columns and their types.
     *
     * @param textOnly every column is text (etl-core's reader)
     * @throws UncheckedIOException when the file cannot be read or is not well-formed within the sample, naming the line
     */
    static XmlSource open(Path file, String recordTag, Charset charset, boolean textOnly) {
        Map<String, ColumnType> types = new LinkedHashMap<>();
        XmlSource unknown = new XmlSource(file, recordTag, charset, new Schema(List.of()));
        try (Records records = unknown.new Records(null)) {
            for (int seen = 0; seen < SAMPLE; seen++) {
                Map<String, String> fields = records.nextFields();
                if (fields == null) {
                    break;
                }
                fields.forEach((name, text) -> {
                    ColumnType type = text == null ? null : textOnly ? ColumnType.STRING : CsvSource.inferred(text);
                    types.put(name, types.containsKey(name) ? ColumnType.common(types.get(name), type) : type);
                });
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        List<Schema.Column> columns = new ArrayList<>();
        types.forEach((name, type) -> columns.add(new Schema.Column(name, type == null ? ColumnType.STRING : type)));
        return new XmlSource(file, recordTag, charset, new Schema(columns));
    }

    @Override
    public SourceRecords records(RejectFiles.Rejects rejects) throws IOException {
        return new Records(rejects);
    }

    /** One element of a record, as much as flattening needs: its tag, attributes, leading text and children. */
    private static final class Element {
        final String tag;
        final Map<String, String> attributes = new LinkedHashMap<>();
        final StringBuilder text = new StringBuilder();
        final List<Element> children = new ArrayList<>();

        Element(String tag) {
            this.tag = tag;
        }

        boolean isLeaf() {
            return children.isEmpty() && attributes.isEmpty();
        }

        /** Its text as etl-core reads it: the text before its first child, trimmed. */
        String trimmedText() {
            return text.toString().strip();
        }
    }

    /** The file's records, each flattened and converted to the schema's types. */
    private final class Records implements SourceRecords {

        private final RejectFiles.Rejects rejects;
        private final InputStream stream;
        private final XMLStreamReader xml;
        private final Map<String, Integer> columns = new HashMap<>();
        /** Depth of the element the reader is in: 1 inside the root. */
        private int depth;
        private long line;

        /** @param rejects null to read without reporting (the sample for the schema) */
        Records(RejectFiles.Rejects rejects) throws IOException {
            this.rejects = rejects;
            for (int i = 0; i < schema.size(); i++) {
                columns.put(schema.column(i).name(), i);
            }
            stream = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
            try {
                xml = charset == null ? XML.createXMLStreamReader(stream) : XML.createXMLStreamReader(stream, charset.name());
            } catch (XMLStreamException e) {
                stream.close();
                throw fault(e);
            }
        }

        @Override
        public boolean skip() throws IOException {
            try {
                if (!toNextRecord()) {
                    return false;
                }
                skipElement();
                return true;
            } catch (XMLStreamException e) {
                throw fault(e);
            }
        }

        @Override
        public Object[] next() throws IOException {
            Map<String, String> fields = nextFields();
            if (fields == null) {
                return null;
            }
            Object[] row = new Object[schema.size()];
            for (Map.Entry<String, String> field : fields.entrySet()) {
                Integer index = columns.get(field.getKey());
                if (index == null) {
                    reject("has the field " + field.getKey() + ", which is not a column (the columns are the fields of the first "
                            + SAMPLE + " records)", fields);
                    return REJECTED;
                }
                try {
                    row[index] = field.getValue() == null ? null : CsvSource.value(field.getValue(), schema.column(index).type());
                } catch (NumberFormatException e) {
                    reject("field " + field.getKey() + ": " + e.getMessage() + " (the column holds " + schema.column(index).type().label()
                            + " values, inferred from its first " + SAMPLE + " records)", fields);
                    return REJECTED;
                }
            }
            return row;
        }

        /** The next record's fields (a value null for an empty element), in document order; null at the end. */
        Map<String, String> nextFields() throws IOException {
            try {
                if (!toNextRecord()) {
                    return null;
                }
                Element record = element();
                Map<String, String> fields = new LinkedHashMap<>();
                if (record.isLeaf()) {
                    fields.put(record.tag, empty(record.trimmedText()));
                } else {
                    flatten("", record, fields);
                }
                return fields;
            } catch (XMLStreamException e) {
                throw fault(e);
            }
        }

        /** Moves to the start tag of the next record; false at the end of the document. */
        private boolean toNextRecord() throws XMLStreamException {
            while (xml.hasNext()) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    if (recordTag == null ? depth == 2 : isRecord()) {
                        line = xml.getLocation().getLineNumber();
                        return true;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
            return false;
        }

        private boolean isRecord() {
            return xml.getLocalName().equals(recordTag)
                    || xml.getPrefix() != null && !xml.getPrefix().isEmpty() && (xml.getPrefix() + ":" + xml.getLocalName()).equals(recordTag);
        }

        /** The element whose start tag the reader is at, read to its end tag. */
        private Element element() throws XMLStreamException {
            Element element = new Element(xml.getLocalName());
            for (int i = 0; i < xml.getAttributeCount(); i++) {
                element.attributes.put(xml.getAttributeLocalName(i), xml.getAttributeValue(i));
            }
            while (true) {
                int event = xml.next();
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        depth++;
                        element.children.add(element());
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> {
                        if (element.children.isEmpty()) {
                            element.text.append(xml.getText());
                        }
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        depth--;
                        return element;
                    }
                    default -> {
                        // comments, processing instructions
                    }
                }
            }
        }

        private void skipElement() throws XMLStreamException {
            int start = depth;
            while (depth >= start) {
                int event = xml.next();
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        }

        /** etl-core's flattening of an element that has children or attributes, its fields under {@code prefix}. */
        private void flatten(String prefix, Element element, Map<String, String> fields) {
            element.attributes.forEach((name, value) -> fields.put(join(join(prefix, "@attrs"), name), empty(value)));
            String text = element.trimmedText();
            if (!text.isEmpty()) {
                fields.put(join(prefix, "#text"), text);
            }
            Map<String, Integer> counts = new HashMap<>();
            element.children.forEach(child -> counts.merge(child.tag, 1, Integer::sum));
            Map<String, Integer> positions = new HashMap<>();
            for (Element child : element.children) {
                String name = join(prefix, child.tag);
                if (counts.get(child.tag) > 1) {
                    int position = positions.merge(child.tag, 1, Integer::sum) - 1;
                    name = name + "[" + position + "]";
                }
                if (child.isLeaf()) {
                    fields.put(name, empty(child.trimmedText()));
                } else {
                    flatten(name, child, fields);
                }
            }
        }

        private static String join(String prefix, String name) {
            return prefix.isEmpty() ? name : prefix + "." + name;
        }

        private static String empty(String text) {
            return text == null || text.isEmpty() ? null : text;
        }

        private void reject(String reason, Map<String, String> fields) {
            if (rejects == null) {
                return;
            }
            List<Schema.Column> names = new ArrayList<>();
            fields.keySet().forEach(name -> names.add(new Schema.Column(name, ColumnType.STRING)));
            rejects.reject(file.toString(), "line " + line, reason, JsonExport.object(new Schema(names), fields.values().toArray()));
        }

        /** A fault of the document, in words, with its line and column (the JDK's message without its own location prefix). */
        private IOException fault(XMLStreamException e) {
            Location at = e.getLocation();
            String message = e.getMessage() == null ? "not well-formed XML" : e.getMessage();
            int words = message.indexOf("Message: ");
            if (words >= 0) {
                message = message.substring(words + "Message: ".length());
            }
            return new IOException((at == null ? "" : "line " + at.getLineNumber() + ", column " + at.getColumnNumber() + ": ")
                    + "not well-formed XML: " + message.strip(), e);
        }

        @Override
        public long line() {
            return line;
        }

        @Override
        public void close() throws IOException {
            try {
                xml.close();
            } catch (XMLStreamException e) {
                // closing a reader that failed
            } finally {
                stream.close();
            }
        }
    }
}
