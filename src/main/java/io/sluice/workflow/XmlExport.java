package io.sluice.workflow;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An XML export (etl-core's {@code write_xml}, or an {@code export} with {@code export_type: xml}), as
 * etl-core writes one: an XML declaration, the root element {@code root_tag} ({@code rows} by default;
 * also {@code root_name}, pandas' name), and one element {@code record_tag} ({@code row}; also
 * {@code row_name}) a row, here each on its own line. A row's columns become its elements in order,
 * unflattened as etl-core unflattens them, so that what {@link XmlSource} flattened reads back as it
 * was: {@code a.b} is the element {@code b} inside {@code a}, {@code a[0]} and {@code a[1]} repeat
 * {@code a}, {@code @attrs.x} is the attribute {@code x}, {@code a.#text} the text of {@code a}.
 *
 * <p>Values as Python's {@code str} spells them (etl-core writes {@code str(value)}): whole numbers as
 * digits, floats in {@code repr} ({@code 2.5}, {@code 1e-05}, {@code nan}, {@code inf}), booleans as
 * {@code True}/{@code False}. A null is an empty element ({@code <name />}, as etl-core writes None);
 * inside a repeated element ({@code a[1]}) it is left out, as etl-core drops it, and a null attribute
 * is left out (etl-core would write {@code None}). Text is escaped ({@code &amp; &lt; &gt;}, and a
 * carriage return as {@code &#13;} so that it survives a parser's line-end normalization); a text
 * holding a character XML 1.0 cannot hold (a control character other than tab, line feed and
 * carriage return) is rejected ({@link #refusal}), never written as malformed XML. A column whose
 * name is not an XML element name ({@code price ($)}) is refused before the run.
 *
 * @param file      where the export ends up (published when its step completes)
 * @param rootTag   the root element's name
 * @param recordTag each row's element name
 */
record XmlExport(Path file, String rootTag, String recordTag) implements Export {

    static final String DEFAULT_ROOT = "rows";
    static final String DEFAULT_RECORD = "row";

    /** One step of etl-core's flattened paths: a name, and a position when it repeats. */
    private static final Pattern STEP = Pattern.compile("\\.?([^.\\[\\]]+)(?:\\[(\\d+)])?");
    private static final Pattern PATH = Pattern.compile("[^.\\[\\]]+(?:\\[\\d+])?(?:\\.[^.\\[\\]]+(?:\\[\\d+])?)*");
    private static final int MOST_REPEATS = 10_000;

    /**
     * The export a node's settings describe; null when a setting or a column name is not right (each
     * noted against the node).
     *
     * @param schema the columns it will be given
     */
    static XmlExport of(Settings settings, Path file, Schema schema) {
        String root = settings.text("root_tag", "root_name");
        String record = settings.text("record_tag", "row_name", "row_tag");
        root = root == null ? DEFAULT_ROOT : root;
        record = record == null ? DEFAULT_RECORD : record;
        List<String> problems = new ArrayList<>();
        if (!isName(root)) {
            problems.add("has root_tag '" + root + "', which is not an XML element name");
        }
        if (!isName(record)) {
            problems.add("has record_tag '" + record + "', which is not an XML element name");
        }
        layout(record, schema, problems);
        problems.forEach(settings::problem);
        return problems.isEmpty() ? new XmlExport(file, root, record) : null;
    }

    @Override
    public String refusal(Schema schema, Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (row[i] instanceof String text) {
                for (int at = 0; at < text.length(); at++) {
                    char c = text.charAt(at);
                    boolean pairedSurrogate = Character.isHighSurrogate(c) && at + 1 < text.length() && Character.isLowSurrogate(text.charAt(at + 1));
                    if (pairedSurrogate) {
                        at++;
                    } else if (c < ' ' && c != '\t' && c != '\n' && c != '\r' || c == '\uFFFE' || c == '\uFFFF' || Character.isSurrogate(c)) {
                        return "column " + schema.column(i).name() + " holds the character U+" + String.format("%04X", (int) c)
                                + ", which XML 1.0 cannot hold";
                    }
                }
            }
        }
        return null;
    }

    @Override
    public Encoder encoder(Schema schema, Writer out) {
        Element record = layout(recordTag, schema, new ArrayList<>());
        StringBuilder text = new StringBuilder(256);
        return new Encoder() {
            @Override
            public void begin() throws IOException {
                out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<" + rootTag + ">\n");
            }

            @Override
            public void write(Object[] row, long index) throws IOException {
                text.setLength(0);
                record.write(row, text);
                text.append('\n');
                out.append(text);
            }

            @Override
            public void end() throws IOException {
                out.write("</" + rootTag + ">\n");
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.close();
            }
        };
    }

    /** The record element the columns make, built once; each problem (a name that is not an element name, two columns for one place) noted. */
    private static Element layout(String recordTag, Schema schema, List<String> problems) {
        Element record = new Element(recordTag, false);
        for (int column = 0; column < schema.size(); column++) {
            String name = schema.column(column).name();
            if (!PATH.matcher(name).matches()) {
                problems.add("is given the column '" + name + "', which is not an XML element name (rename it before the export)");
                continue;
            }
            List<String[]> steps = new ArrayList<>();
            Matcher matcher = STEP.matcher(name);
            while (matcher.find()) {
                steps.add(new String[] {matcher.group(1), matcher.group(2)});
            }
            String problem = record.place(steps, 0, column);
            if (problem != null) {
                problems.add("is given the column '" + name + "', which " + problem);
            }
        }
        return record;
    }

    /** An XML element name (the XML 1.0 Name production, without the colon of namespaces). */
    static boolean isName(String name) {
        if (name == null || name.isEmpty()) {
            return false;
        }
        int first = name.codePointAt(0);
        if (!(Character.isLetter(first) || first == '_')) {
            return false;
        }
        for (int i = Character.charCount(first); i < name.length(); ) {
            int c = name.codePointAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '\u00B7')) {
                return false;
            }
            i += Character.charCount(c);
        }
        return true;
    }

    /** An element of the record: where the columns' values go in it. */
    private static final class Element {
        final String tag;
        /** Inside a repeated element: a null is left out rather than written empty. */
        final boolean repeated;
        final Map<String, Integer> attributes = new LinkedHashMap<>();
        /** The column of its text: its value, or its {@code #text}; -1 when none. */
        int text = -1;
        boolean hasValue;
        /** Its child elements and repeated children ({@link Repeats}), in the order their columns come. */
        final List<Object> children = new ArrayList<>();
        final Map<String, Object> byTag = new HashMap<>();

        Element(String tag, boolean repeated) {
            this.tag = tag;
            this.repeated = repeated;
        }

        /** Places {@code column} at the path {@code steps[from..]} under this element; the problem in words, or null. */
        String place(List<String[]> steps, int from, int column) {
            if (hasValue) {
                return "puts elements inside " + tag + ", which another column gives a value";
            }
            String name = steps.get(from)[0];
            String position = steps.get(from)[1];
            boolean last = from == steps.size() - 1;
            if (name.equals("@attrs") && position == null) {
                if (from + 2 != steps.size() || steps.get(from + 1)[1] != null || !isName(steps.get(from + 1)[0])) {
                    return "is not @attrs followed by one attribute name";
                }
                return attributes.putIfAbsent(steps.get(from + 1)[0], column) == null ? null : "names an attribute another column names";
            }
            if (name.equals("#text") && position == null) {
                if (!last || text >= 0) {
                    return last ? "gives " + tag + " a text another column gives" : "puts elements inside a #text";
                }
                text = column;
                return null;
            }
            if (!isName(name)) {
                return "is not an XML element name ('" + name + "'; rename it before the export)";
            }
            Object existing = byTag.get(name);
            Element child;
            if (position == null) {
                if (existing instanceof Repeats) {
                    return "names " + name + " once where another column repeats it";
                }
                child = (Element) existing;
                if (child == null) {
                    child = new Element(name, repeated);
                    children.add(child);
                    byTag.put(name, child);
                }
            } else {
                if (existing instanceof Element) {
                    return "repeats " + name + " where another column names it once";
                }
                int at = Integer.parseInt(position.length() > 6 ? "999999" : position);
                if (at >= MOST_REPEATS) {
                    return "repeats " + name + " more than " + MOST_REPEATS + " times";
                }
                Repeats repeats = (Repeats) existing;
                if (repeats == null) {
                    repeats = new Repeats();
                    children.add(repeats);
                    byTag.put(name, repeats);
                }
                while (repeats.items.size() <= at) {
                    repeats.items.add(new Element(name, true));
                }
                child = repeats.items.get(at);
            }
            if (!last) {
                return child.place(steps, from + 1, column);
            }
            if (child.hasValue || child.text >= 0 || !child.children.isEmpty() || !child.attributes.isEmpty()) {
                return "gives " + name + " a value where another column gives it content";
            }
            child.text = column;
            child.hasValue = true;
            return null;
        }

        /** Whether a row gives this element anything to hold (for a repeated one: whether it is written). */
        boolean hasContent(Object[] row) {
            if (text >= 0 && row[text] != null) {
                return true;
            }
            for (int column : attributes.values()) {
                if (row[column] != null) {
                    return true;
                }
            }
            for (Object child : children) {
                if (child instanceof Element element ? element.hasContent(row) : ((Repeats) child).last(row) >= 0) {
                    return true;
                }
            }
            return false;
        }

        void write(Object[] row, StringBuilder out) {
            out.append('<').append(tag);
            attributes.forEach((name, column) -> {
                if (row[column] != null) {
                    out.append(' ').append(name).append("=\"");
                    escape(str(row[column]), true, out);
                    out.append('"');
                }
            });
            int start = out.length();
            out.append('>');
            if (text >= 0 && row[text] != null) {
                escape(str(row[text]), false, out);
            }
            for (Object child : children) {
                if (child instanceof Element element) {
                    if (!element.repeated || element.hasContent(row)) {
                        element.write(row, out);
                    }
                } else {
                    Repeats repeats = (Repeats) child;
                    int last = repeats.last(row);
                    for (int i = 0; i <= last; i++) {
                        repeats.items.get(i).write(row, out);
                    }
                }
            }
            if (out.length() == start + 1) {
                out.setLength(start);
                out.append(" />"); // empty, as etl-core (ElementTree) writes it
            } else {
                out.append("</").append(tag).append('>');
            }
        }
    }

    /** A repeated child element ({@code a[0]}, {@code a[1]}...): written up to the last one a row gives content, the ones before it empty if they have none. */
    private static final class Repeats {
        final List<Element> items = new ArrayList<>();

        int last(Object[] row) {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (items.get(i).hasContent(row)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** A value as Python's {@code str} spells it. */
    static String str(Object value) {
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return "nan";
            }
            return CsvExport.pythonRepr(d);
        }
        return CsvExport.field(value);
    }

    private static void escape(String text, boolean attribute, StringBuilder out) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '\r' -> out.append("&#13;");
                case '"' -> out.append(attribute ? "&quot;" : "\"");
                case '\n' -> out.append(attribute ? "&#10;" : "\n");
                case '\t' -> out.append(attribute ? "&#9;" : "\t");
                default -> out.append(c);
            }
        }
    }
}
