package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.workflow.WorkflowDefinition.Edge;
import io.sluice.workflow.WorkflowDefinition.Node;

import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A checked workflow turned into steps: every problem of the definition found at once (each naming its
 * node), then the nodes in segments, each one chunk-oriented step: a source (a file, or the rows a
 * blocking node left on disk), a fused chain of row-wise nodes, and where the rows go (an export, a
 * blocking aggregate, or nowhere).
 *
 * <p>This slice runs chains: every node has at most one input and one output. Joins, fan-out and the
 * node types not yet built are refused before launch, naming the node.
 */
final class WorkflowPlan {

    /** What a node is to the planner. */
    enum Kind { SOURCE, ROW, BLOCKING, EXPORT }

    /** The file formats sluice reads and writes. */
    enum Format { CSV, JSON, JSON_LINES, EXCEL, XML }

    /**
     * One step: its rows come from a source file or the row file of the blocking node {@code rowFileOf}, go
     * through {@code chain}, and end in {@code export} or the blocking node {@code blockingNode} (or neither).
     */
    record Segment(String stepName, List<String> nodeIds, FileSource source, String rowFileOf, Schema input,
                   List<RowOperation> chain, Export export, String blockingNode, BlockingNode blocking) {

        Schema output() {
            return chain.isEmpty() ? input : chain.get(chain.size() - 1).output();
        }
    }

    /** The longest step name the job repository keeps ({@code BATCH_STEP_EXECUTION.STEP_NAME}). */
    private static final int STEP_NAME_LENGTH = 100;
    /** The output ports that carry a node's rows: ReactFlow's default, etl-core's {@code out} and a filter's {@code pass}. */
    private static final Set<String> MAIN_PORTS = Set.of(WorkflowDefinition.DEFAULT_PORT, "out", "output", "pass");

    private final WorkflowDefinition definition;
    private final List<Segment> segments;

    private WorkflowPlan(WorkflowDefinition definition, List<Segment> segments) {
        this.definition = definition;
        this.segments = segments;
    }

    WorkflowDefinition definition() {
        return definition;
    }

    List<Segment> segments() {
        return segments;
    }

    /**
     * Checks {@code definition} and plans its steps.
     *
     * @throws InvalidInputException naming every problem, each with its node
     */
    static WorkflowPlan of(WorkflowDefinition definition) {
        List<String> problems = new ArrayList<>();
        Map<String, Node> nodes = new LinkedHashMap<>();
        for (Node node : definition.nodes()) {
            if (nodes.putIfAbsent(node.id(), node) != null) {
                problems.add("node id " + node.id() + " is used twice");
            }
        }
        if (nodes.isEmpty()) {
            problems.add("it has no nodes");
        }
        for (Edge edge : definition.edges()) {
            if (!nodes.containsKey(edge.source())) {
                problems.add("edge " + edge.id() + " starts at node " + edge.source() + ", which does not exist");
            }
            if (!nodes.containsKey(edge.target())) {
                problems.add("edge " + edge.id() + " ends at node " + edge.target() + ", which does not exist");
            }
        }
        List<String> order = topologicalOrder(definition, nodes, problems);
        Map<String, Kind> kinds = new HashMap<>();
        for (Node node : nodes.values()) {
            Kind kind = kind(node);
            if (kind == null) {
                problems.add("node " + node.id() + " has the type '" + node.type() + "'" + (detail(node).isEmpty() ? "" : " (" + detail(node) + ")")
                        + ", which sluice cannot run yet (sources: CSV, JSON, JSON Lines, Excel .xlsx and XML files; filter, formula, select, drop, rename,"
                        + " missing values, type conversion, aggregate, k-means; CSV, JSON, JSON Lines, Excel .xlsx and XML exports)");
            } else {
                kinds.put(node.id(), kind);
                checkEdges(definition, node, kind, problems);
            }
        }
        List<Segment> segments = new ArrayList<>();
        if (order != null) {
            segments = segments(definition, nodes, kinds, order, problems);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException("workflow " + definition.name() + " cannot run: " + String.join("; ", problems));
        }
        return new WorkflowPlan(definition, segments);
    }

    /**
     * Kahn's algorithm; on a cycle, notes it with the nodes on it in order, and returns the nodes that are
     * neither on nor after a cycle, in order.
     */
    private static List<String> topologicalOrder(WorkflowDefinition definition, Map<String, Node> nodes, List<String> problems) {
        Map<String, Integer> inDegree = new LinkedHashMap<>();
        nodes.keySet().forEach(id -> inDegree.put(id, 0));
        for (Edge edge : definition.edges()) {
            if (nodes.containsKey(edge.source()) && nodes.containsKey(edge.target())) {
                inDegree.merge(edge.target(), 1, Integer::sum);
            }
        }
        Deque<String> ready = new ArrayDeque<>();
        inDegree.forEach((id, degree) -> {
            if (degree == 0) {
                ready.add(id);
            }
        });
        List<String> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.poll();
            order.add(id);
            for (Edge edge : definition.outputsOf(id)) {
                if (inDegree.containsKey(edge.target()) && inDegree.merge(edge.target(), -1, Integer::sum) == 0) {
                    ready.add(edge.target());
                }
            }
        }
        if (order.size() == nodes.size()) {
            return order;
        }
        Set<String> left = new LinkedHashSet<>(nodes.keySet());
        order.forEach(left::remove);
        problems.add("it has a cycle: " + String.join(" -> ", cycle(definition, left)));
        return order; // the nodes before any cycle, so that their chains are checked too
    }

    /** One cycle among {@code left} (nodes that are on or after a cycle), as the nodes around it, the first repeated. */
    private static List<String> cycle(WorkflowDefinition definition, Set<String> left) {
        String start = left.iterator().next();
        List<String> path = new ArrayList<>();
        Map<String, Integer> seenAt = new HashMap<>();
        String current = start;
        while (!seenAt.containsKey(current)) {
            seenAt.put(current, path.size());
            path.add(current);
            String next = null;
            for (Edge edge : definition.outputsOf(current)) {
                if (left.contains(edge.target())) {
                    next = edge.target();
                    break;
                }
            }
            if (next == null) {
                return List.copyOf(left);
            }
            current = next;
        }
        List<String> cycle = new ArrayList<>(path.subList(seenAt.get(current), path.size()));
        cycle.add(current);
        return cycle;
    }

    private static void checkEdges(WorkflowDefinition definition, Node node, Kind kind, List<String> problems) {
        int inputs = definition.inputsOf(node.id()).size();
        int outputs = definition.outputsOf(node.id()).size();
        String name = "node " + node.id() + " (" + node.type() + ")";
        if (kind == Kind.SOURCE && inputs > 0) {
            problems.add(name + " is a source but has " + inputs + " input" + (inputs == 1 ? "" : "s"));
        }
        if (kind != Kind.SOURCE && inputs == 0) {
            problems.add(name + " has no input");
        }
        if (kind != Kind.SOURCE && inputs > 1) {
            problems.add(name + " has " + inputs + " inputs; it takes one");
        }
        if (kind == Kind.EXPORT && outputs > 0) {
            problems.add(name + " is an export but has " + outputs + " output" + (outputs == 1 ? "" : "s"));
        }
        if (outputs > 1) {
            problems.add(name + " feeds " + outputs + " nodes; sluice runs chains only for now (one output a node)");
        }
        for (Edge edge : definition.outputsOf(node.id())) {
            if (!MAIN_PORTS.contains(edge.sourcePort())) {
                problems.add(name + " sends its '" + edge.sourcePort() + "' output to node " + edge.target()
                        + "; sluice runs only a node's main output (default, out, pass) for now");
            }
        }
    }

    /** What a node type is, in either tool's vocabulary; null when sluice cannot run it yet. */
    static Kind kind(Node node) {
        String type = node.type().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "data_source", "datasource", "read_csv", "read_json", "read_excel", "read_xml", "source" -> sourceFormat(node) != null ? Kind.SOURCE : null;
            case "filter", "filter_rows", "select_columns", "drop_columns", "rename_columns", "custom_formula", "formula", "type_conversion" -> Kind.ROW;
            case "aggregate", "aggregation", "group_by", "groupby" -> Kind.BLOCKING;
            case "analysis" -> isKMeans(node) ? Kind.BLOCKING : null;
            case "export", "output", "write_csv", "write_json", "write_excel", "write_xml" -> exportFormat(node) != null ? Kind.EXPORT : null;
            case "data_transformation", "transform", "transformation" -> switch (operation(node)) {
                case "filter_rows", "filter", "select_columns", "select", "drop_columns", "drop", "rename_columns", "rename",
                     "custom_formula", "formula", "derive", "derive_column", "handle_missing", "missing_values", "fill_missing",
                     "drop_missing", "dropna", "fillna" -> Kind.ROW;
                case "aggregate", "group_by", "groupby", "aggregation" -> Kind.BLOCKING;
                default -> null;
            };
            default -> null;
        };
    }

    private static boolean isKMeans(Node node) {
        Object analysis = node.settings().get("analysis_type");
        Object algorithm = node.settings().get("algorithm");
        return analysis != null && analysis.toString().equalsIgnoreCase("clustering") && (algorithm == null || algorithm.toString().equalsIgnoreCase("kmeans"))
                || analysis != null && analysis.toString().equalsIgnoreCase("kmeans");
    }

    private static String detail(Node node) {
        Object dataset = node.settings().getOrDefault("datasetId", node.settings().get("dataset_id"));
        if (dataset != null && sourcePath(node) == null) {
            return "it reads the registered dataset " + dataset + "; give it a source_path instead";
        }
        String operation = operation(node);
        return operation.isEmpty() ? "" : "operation " + operation;
    }

    private static String operation(Node node) {
        Object operation = node.settings().getOrDefault("transformation_type", node.settings().get("operation"));
        return operation == null ? "" : operation.toString().toLowerCase(Locale.ROOT);
    }

    /** What a source node reads: its type (etl-core), else its {@code file_type}, else its path's extension; null when none sluice reads. */
    private static Format sourceFormat(Node node) {
        return format(switch (node.type()) {
            case "read_csv" -> "csv";
            case "read_json" -> "json";
            case "read_excel" -> "excel";
            case "read_xml" -> "xml";
            default -> node.settings().getOrDefault("file_type", node.settings().get("format"));
        }, sourcePath(node));
    }

    /** What an export node writes: its type (etl-core), else its {@code export_type}, else its path's extension; null when none sluice writes. */
    private static Format exportFormat(Node node) {
        return format(switch (node.type()) {
            case "write_csv" -> "csv";
            case "write_json" -> "json";
            case "write_excel" -> "excel";
            case "write_xml" -> "xml";
            default -> node.settings().getOrDefault("export_type", node.settings().get("format"));
        }, exportPath(node));
    }

    /** A format named, or told by the extension; {@code json} of a {@code .jsonl} or {@code .ndjson} file is JSON Lines, as etl-core reads it. */
    private static Format format(Object named, Object path) {
        String name = path == null ? "" : path.toString().toLowerCase(Locale.ROOT);
        boolean linesByName = name.endsWith(".jsonl") || name.endsWith(".ndjson");
        String type = named != null ? named.toString().toLowerCase(Locale.ROOT)
                : name.endsWith(".csv") ? "csv" : name.endsWith(".json") || linesByName ? "json"
                : name.endsWith(".xlsx") || name.endsWith(".xlsm") || name.endsWith(".xls") ? "excel" : name.endsWith(".xml") ? "xml" : "";
        return switch (type) {
            case "csv" -> Format.CSV;
            case "json" -> linesByName ? Format.JSON_LINES : Format.JSON;
            case "jsonl", "ndjson", "json_lines", "jsonlines" -> Format.JSON_LINES;
            case "excel", "xlsx", "xlsm", "xls" -> Format.EXCEL;
            case "xml" -> Format.XML;
            default -> null;
        };
    }

    private static Object sourcePath(Node node) {
        for (String name : List.of("source_path", "file_path", "filepath", "path", "file")) {
            if (node.settings().get(name) != null) {
                return node.settings().get(name);
            }
        }
        return null;
    }

    private static Object exportPath(Node node) {
        for (String name : List.of("output_path", "path", "filepath", "file_path", "file")) {
            if (node.settings().get(name) != null) {
                return node.settings().get(name);
            }
        }
        return null;
    }

    /**
     * A segment's step name, {@code workflow.} and its nodes' ids joined by {@code +}; shortened to the first
     * and last with a hash of the whole between them when that is longer than the job repository's step
     * names may be (100 characters).
     */
    static String stepName(List<String> nodeIds) {
        String name = "workflow." + String.join("+", nodeIds);
        if (name.length() <= STEP_NAME_LENGTH) {
            return name;
        }
        String hash = Integer.toHexString(name.hashCode());
        int room = (STEP_NAME_LENGTH - "workflow.".length() - hash.length() - 6) / 2;
        return "workflow." + abbreviate(nodeIds.get(0), room) + "+.." + hash + "..+" + abbreviate(nodeIds.get(nodeIds.size() - 1), room);
    }

    private static String abbreviate(String text, int length) {
        return text.length() <= length ? text : text.substring(0, Math.max(1, length));
    }

    private static List<Segment> segments(WorkflowDefinition definition, Map<String, Node> nodes, Map<String, Kind> kinds,
                                          List<String> order, List<String> problems) {
        List<Segment> segments = new ArrayList<>();
        Set<String> ordered = new java.util.HashSet<>(order);
        sources:
        for (String id : order) {
            if (kinds.get(id) != Kind.SOURCE) {
                continue;
            }
            Node source = nodes.get(id);
            Settings settings = new Settings(source, problems);
            FileSource file = fileSource(definition, settings);
            if (file == null) {
                continue;
            }
            String rowFileOf = null;
            Schema schema = file.schema();
            List<String> segmentNodes = new ArrayList<>(List.of(id));
            List<RowOperation> chain = new ArrayList<>();
            String current = id;
            while (true) {
                List<Edge> outputs = definition.outputsOf(current);
                String next = outputs.isEmpty() || !ordered.contains(outputs.get(0).target()) ? null : outputs.get(0).target();
                Kind kind = next == null ? null : kinds.get(next);
                if (kind == Kind.ROW) {
                    RowOperation operation = rowOperation(new Settings(nodes.get(next), problems), schema);
                    if (operation == null) {
                        // noted; the nodes after it are checked against its input, plus the column it would add
                        schema = assumedOutput(nodes.get(next), schema);
                        segmentNodes.add(next);
                        current = next;
                        continue;
                    }
                    chain.add(operation);
                    schema = operation.output();
                    segmentNodes.add(next);
                    current = next;
                    continue;
                }
                String stepName = stepName(segmentNodes);
                if (kind == Kind.BLOCKING) {
                    BlockingNode blocking = blockingNode(new Settings(nodes.get(next), problems), schema);
                    if (blocking == null) {
                        continue sources; // noted; the other sources' chains are checked too
                    }
                    segmentNodes.add(next);
                    segments.add(new Segment(stepName(segmentNodes), List.copyOf(segmentNodes), file, rowFileOf,
                            inputOf(file, rowFileOf, segments), List.copyOf(chain), null, next, blocking));
                    file = null;
                    rowFileOf = next;
                    schema = blocking.output();
                    segmentNodes = new ArrayList<>();
                    chain = new ArrayList<>();
                    current = next;
                    continue;
                }
                Export export = kind == Kind.EXPORT ? export(definition, new Settings(nodes.get(next), problems), schema) : null;
                if (kind == Kind.EXPORT) {
                    if (export == null) {
                        continue sources; // noted; the other sources' chains are checked too
                    }
                    segmentNodes.add(next);
                    stepName = stepName(segmentNodes);
                }
                if (!segmentNodes.isEmpty()) {
                    segments.add(new Segment(stepName, List.copyOf(segmentNodes), file, rowFileOf, inputOf(file, rowFileOf, segments),
                            List.copyOf(chain), export, null, null));
                }
                break;
            }
        }
        return segments;
    }

    /** What a row node that could not be built would put out, for checking the nodes after it: its input, with a derived column added. */
    private static Schema assumedOutput(Node node, Schema input) {
        for (String name : List.of("new_column", "column_name", "output_column", "target_column")) {
            Object column = node.settings().get(name);
            if (column != null && !column.toString().isBlank()) {
                return input.with(new Schema.Column(column.toString(), ColumnType.DOUBLE));
            }
        }
        return input;
    }

    private static Schema inputOf(FileSource file, String rowFileOf, List<Segment> before) {
        if (file != null) {
            return file.schema();
        }
        for (Segment segment : before) {
            if (rowFileOf.equals(segment.blockingNode())) {
                return segment.blocking().output();
            }
        }
        throw new IllegalStateException("no segment ends in " + rowFileOf);
    }

    private static BlockingNode blockingNode(Settings settings, Schema input) {
        Node node = settings.node();
        String type = node.type().toLowerCase(Locale.ROOT);
        if (type.equals("analysis")) {
            return KMeans.of(settings, input);
        }
        return Aggregate.of(settings, input);
    }

    private static RowOperation rowOperation(Settings settings, Schema input) {
        Node node = settings.node();
        String type = node.type().toLowerCase(Locale.ROOT);
        String operation = type.equals("data_transformation") || type.equals("transform") || type.equals("transformation") ? operation(node) : type;
        return switch (operation) {
            case "filter", "filter_rows" -> filter(settings, input);
            case "custom_formula", "formula", "derive", "derive_column" -> RowOperations.derive(settings, input,
                    settings.requiredText("new_column", "column_name", "output_column", "target_column"),
                    settings.requiredText("formula", "expression"));
            case "select_columns", "select" -> RowOperations.select(settings, input, settings.texts("columns", "selected_columns"));
            case "drop_columns", "drop" -> RowOperations.drop(settings, input, settings.texts("columns", "drop_columns"));
            case "handle_missing", "missing_values", "fill_missing", "drop_missing", "dropna", "fillna" -> RowOperations.missingValues(settings, input);
            case "type_conversion" -> TypeConversion.of(settings, input);
            default -> RowOperations.rename(settings, input, settings.object("rename_map", "columns", "mapping", "renames"));
        };
    }

    private static RowOperation filter(Settings settings, Schema input) {
        String expression = settings.text("expression", "filter_expression");
        String filterType = settings.text("filter_type");
        if (expression != null && (filterType == null || filterType.equalsIgnoreCase("expression"))) {
            return RowOperations.filterByExpression(settings, input, expression);
        }
        Map<String, Object> rule = settings.object("rule");
        if (!rule.isEmpty()) {
            return RowOperations.filterByRule(settings, input, rule);
        }
        String column = settings.requiredText("filter_column", "column");
        if (column == null) {
            return null;
        }
        return RowOperations.filter(settings, input, column, settings.text("filter_operator", "operator", "condition"),
                settings.value("filter_value", "value"));
    }

    private static FileSource fileSource(WorkflowDefinition definition, Settings settings) {
        Object path = sourcePath(settings.node());
        if (path == null) {
            settings.problem("has no source_path");
            return null;
        }
        Path file = definition.baseDir().resolve(path.toString()).toAbsolutePath().normalize();
        if (!CsvSource.exists(file)) {
            settings.problem("reads " + file + ", which is not a file");
            return null;
        }
        Charset charset;
        try {
            String encoding = settings.text("encoding");
            charset = encoding == null ? StandardCharsets.UTF_8 : charset(encoding);
        } catch (RuntimeException e) {
            settings.problem("has an unknown encoding '" + settings.text("encoding") + "'");
            return null;
        }
        try {
            Format format = sourceFormat(settings.node());
            if (format == Format.EXCEL) {
                return ExcelSource.of(settings, file);
            }
            if (format == Format.XML) {
                return XmlSource.open(file, XmlSource.recordTag(settings), settings.text("encoding") == null ? null : charset,
                        settings.node().type().equals("read_xml"));
            }
            if (format != Format.CSV) {
                return JsonSource.open(file, format == Format.JSON_LINES, charset);
            }
            return CsvSource.open(file, character(settings, ',', "delimiter", "separator", "sep"), character(settings, '"', "quotechar", "quote_char", "quote"),
                    charset, settings.node().type().equals("read_csv"));
        } catch (UncheckedIOException e) {
            settings.problem("cannot read " + file + ": " + e.getCause().getMessage());
            return null;
        }
    }

    private static Export export(WorkflowDefinition definition, Settings settings, Schema schema) {
        Object path = exportPath(settings.node());
        if (path == null) {
            settings.problem("has no output_path");
            return null;
        }
        Path file = definition.baseDir().resolve(path.toString()).toAbsolutePath().normalize();
        Format format = exportFormat(settings.node());
        if (format == Format.CSV) {
            return new CsvExport(file, character(settings, ',', "delimiter", "separator", "sep"));
        }
        if (format == Format.EXCEL) {
            return ExcelExport.of(settings, file, schema);
        }
        if (format == Format.XML) {
            return XmlExport.of(settings, file, schema);
        }
        String orient = settings.text("orient");
        if (orient != null && !orient.equalsIgnoreCase("records")) {
            settings.problem("has orient '" + orient + "'; sluice writes JSON as records (one object a row)");
            return null;
        }
        return new JsonExport(file, format == Format.JSON_LINES);
    }

    /** A charset by Java's name or Python's ({@code latin-1}, {@code utf_8}, {@code cp1252}...). */
    private static Charset charset(String name) {
        String python = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return Charset.forName(switch (python) {
            case "latin-1", "latin1", "l1", "iso8859-1", "iso-8859-1" -> "ISO-8859-1";
            case "utf8", "u8", "utf" -> "UTF-8";
            default -> Charset.isSupported(name.trim()) ? name.trim() : python;
        });
    }

    private static char character(Settings settings, char fallback, String... names) {
        String value = settings.text(names);
        if (value == null || value.isEmpty()) {
            return fallback;
        }
        if (value.equals("\\t")) {
            return '\t';
        }
        if (value.length() != 1) {
            settings.problem("has " + names[0] + " '" + value + "'; it must be one character");
            return fallback;
        }
        return value.charAt(0);
    }
}
