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
 * node), then the nodes in segments, each one chunk-oriented step: where its rows come from (a source
 * file, or the row file a materialized node left on disk), a fused chain of row-wise nodes, and where
 * the rows go (an export, a blocking node such as an aggregate, the row file of a node that feeds
 * several others, or nowhere). Segments that do not depend on each other form {@link #waves() waves}
 * that run in parallel.
 */
final class WorkflowPlan {

    /** What a node is to the planner. */
    enum Kind { SOURCE, ROW, BLOCKING, JOIN, EXPORT }

    /** The file formats sluice reads and writes. */
    enum Format { CSV, JSON, JSON_LINES, EXCEL, XML }

    /** Where a segment's rows come from. */
    sealed interface Input {

        /** The nodes whose row files it reads (none for a source file). */
        List<String> reads();

        /** A source's records: a file's, a query's. */
        record File(RowSource source) implements Input {
            @Override
            public List<String> reads() {
                return List.of();
            }
        }

        /** The rows a materialized node (a blocking node, a fan-out point) left in its row file. */
        record Rows(String nodeId) implements Input {
            @Override
            public List<String> reads() {
                return List.of(nodeId);
            }
        }

        /** The rows of a join of the row files of nodes {@code left} and {@code right}. */
        record Join(HashJoin join, String left, String right) implements Input {
            @Override
            public List<String> reads() {
                return List.of(left, right);
            }
        }
    }

    /**
     * One step: its rows come {@code from} a source file or a materialized node's row file, go through
     * {@code chain}, and end in {@code export}, in the blocking node {@code blockingNode}, in the row file of the
     * materialized node {@code materialized} (the chain's last node), or nowhere.
     *
     * @param input the schema of the rows {@code from} gives
     */
    record Segment(String stepName, List<String> nodeIds, Input from, Schema input,
                   List<RowOperation> chain, RowTarget export, String blockingNode, BlockingNode blocking, String materialized) {

        Schema output() {
            return chain.isEmpty() ? input : chain.get(chain.size() - 1).output();
        }

        /** The source file it reads, or null. */
        RowSource source() {
            return from instanceof Input.File file ? file.source() : null;
        }

        /** The node whose row file it reads, or null. */
        String rowFileOf() {
            return from instanceof Input.Rows rows ? rows.nodeId() : null;
        }

        /** What its rows come from, for messages: the source file, the rows of node X, or the join of X and Y. */
        String describeInput() {
            if (from instanceof Input.File file) {
                return file.source().where();
            }
            if (from instanceof Input.Join join) {
                return "the join of nodes " + join.left() + " and " + join.right();
            }
            return "the rows of node " + ((Input.Rows) from).nodeId();
        }

        /** The node whose row file it writes (a blocking or a materialized node), or null. */
        String writesRowsOf() {
            return blockingNode != null ? blockingNode : materialized;
        }
    }

    /** The longest step name the job repository keeps ({@code BATCH_STEP_EXECUTION.STEP_NAME}). */
    private static final int STEP_NAME_LENGTH = 100;
    /** The output ports that carry a node's rows: ReactFlow's default, etl-core's {@code out} and a filter's {@code pass}. */
    private static final Set<String> MAIN_PORTS = Set.of(WorkflowDefinition.DEFAULT_PORT, "out", "output", "pass");

    private final WorkflowDefinition definition;
    private final List<Segment> segments;
    private final Map<String, String> origins;

    private WorkflowPlan(WorkflowDefinition definition, List<Segment> segments, Map<String, String> origins) {
        this.definition = definition;
        this.segments = segments;
        this.origins = origins;
    }

    /** The node of the definition that the planned node {@code nodeId} is, or is a part of (an etl-core {@code schema_mapping}'s). */
    String originOf(String nodeId) {
        return origins.getOrDefault(nodeId, nodeId);
    }

    WorkflowDefinition definition() {
        return definition;
    }

    List<Segment> segments() {
        return segments;
    }

    /** {@link #of(WorkflowDefinition, WorkflowResources)} with nothing registered and no database. */
    static WorkflowPlan of(WorkflowDefinition definition) {
        return of(definition, WorkflowResources.NONE);
    }

    /**
     * Checks {@code definition} and plans its steps.
     *
     * @param resources where registered datasets and databases are looked up (and sluice's database reached)
     * @throws InvalidInputException naming every problem, each with its node
     */
    static WorkflowPlan of(WorkflowDefinition given, WorkflowResources resources) {
        List<String> problems = new ArrayList<>();
        SchemaMapping.Expanded expanded = SchemaMapping.expand(given, problems);
        WorkflowDefinition definition = expanded.definition();
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
            if (node.type().isBlank() && definition.inputsOf(node.id()).isEmpty() && definition.outputsOf(node.id()).isEmpty()) {
                continue; // a note on the canvas (a ReactFlow node of no type, joined to nothing): not part of the data flow
            }
            Kind kind = kind(node);
            if (kind == null && node.type().toLowerCase(Locale.ROOT).contains("mongodb")) {
                problems.add("node " + node.id() + " (" + node.type() + ") reads or writes MongoDB, which sluice does not reach"
                        + " (its sources and exports are files and SQL databases)");
            } else if (kind == null) {
                problems.add("node " + node.id() + " has the type '" + node.type() + "'" + (detail(node).isEmpty() ? "" : " (" + detail(node) + ")")
                        + ", which sluice cannot run yet (sources: CSV, JSON, JSON Lines, Excel .xlsx and XML files, registered datasets, SQL queries and tables;"
                        + " filter, formula, select, drop, rename, missing values, type conversion, join, aggregate, sort, dedupe, normalize, binning,"
                        + " limit, sample, statistics, correlation, k-means, visualization; CSV, JSON, JSON Lines, Excel .xlsx and XML exports, tables)");
            } else {
                kinds.put(node.id(), kind);
                checkEdges(definition, node, kind, problems);
            }
        }
        List<Segment> segments = new ArrayList<>();
        if (order != null) {
            segments = segments(definition, nodes, kinds, order, problems, resources);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException("workflow " + definition.name() + " cannot run: " + String.join("; ", problems));
        }
        return new WorkflowPlan(given, segments, expanded.origins());
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
        if (kind == Kind.JOIN && inputs != 2) {
            problems.add(name + " is a join but has " + inputs + " input" + (inputs == 1 ? "" : "s") + "; it takes two, left and right");
        }
        if (kind != Kind.SOURCE && kind != Kind.JOIN && inputs > 1) {
            problems.add(name + " has " + inputs + " inputs; it takes one");
        }
        if (kind == Kind.EXPORT && outputs > 0) {
            problems.add(name + " is an export but has " + outputs + " output" + (outputs == 1 ? "" : "s"));
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
        Kind twoPass = TwoPassNodes.kind(node);
        if (twoPass != null) {
            return twoPass;
        }
        String type = node.type().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "data_source", "datasource", "read_csv", "read_json", "read_excel", "read_xml", "source" -> sourceFormat(node) != null || datasetId(node) != null
                    || QuerySource.wanted(node) ? Kind.SOURCE : null;
            case "read_database", "read_sql", "read_table", "read_postgres", "read_postgresql", "read_sqlite" -> Kind.SOURCE;
            case "write_database", "write_sql", "write_table", "write_postgres", "write_postgresql", "write_sqlite" -> Kind.EXPORT;
            case "filter", "filter_rows", "select_columns", "drop_columns", "rename_columns", "custom_formula", "formula", "type_conversion" -> Kind.ROW;
            case "aggregate", "aggregation", "group_by", "groupby" -> Kind.BLOCKING;
            case "sort", "sort_values", "drop_duplicates", "deduplicate", "remove_duplicates", "dedupe" -> Kind.BLOCKING;
            case "analysis" -> isKMeans(node) || analysisType(node) != null ? Kind.BLOCKING : null;
            case "visualization", "chart" -> Kind.BLOCKING;
            case SchemaMapping.TYPE -> node.settings().containsKey(SchemaMapping.COLUMNS) ? Kind.ROW
                    : node.settings().containsKey(SchemaMapping.JOIN_STEP) ? Kind.JOIN : null;
            case "join", "merge", "merger", "join_datasets", "merge_datasets" -> Kind.JOIN;
            case "export", "output", "write_csv", "write_json", "write_excel", "write_xml" -> exportFormat(node) != null || TableExport.wanted(node) ? Kind.EXPORT : null;
            case "data_transformation", "transform", "transformation" -> switch (operation(node)) {
                case "filter_rows", "filter", "select_columns", "select", "drop_columns", "drop", "rename_columns", "rename",
                     "custom_formula", "formula", "derive", "derive_column", "handle_missing", "missing_values", "fill_missing",
                     "drop_missing", "dropna", "fillna", "type_conversion", "convert_types", "change_type", "astype" -> Kind.ROW;
                case "aggregate", "group_by", "groupby", "aggregation" -> Kind.BLOCKING;
                case "sort", "sort_values", "drop_duplicates", "deduplicate", "remove_duplicates", "dedupe" -> Kind.BLOCKING;
                case "join", "merge" -> Kind.JOIN;
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

    /**
     * Which pass-through analysis an {@code analysis} node runs, by its {@code analysis_type} (Data Wrangler's
     * default, when it has none, is {@code statistical}): {@link ColumnStatistics#TYPE}, {@link Correlation#TYPE},
     * or null for another (k-means is {@link #isKMeans}).
     */
    static String analysisType(Node node) {
        Object analysis = node.settings().get("analysis_type");
        String type = analysis == null ? ColumnStatistics.TYPE : analysis.toString().toLowerCase(Locale.ROOT);
        return switch (type) {
            case "statistical", "statistics", "descriptive_statistics", "descriptive", "summary", "describe", "column_statistics" -> ColumnStatistics.TYPE;
            case "correlation", "correlation_matrix", "corr" -> Correlation.TYPE;
            default -> null;
        };
    }

    private static String detail(Node node) {
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
            case "csv", "text/csv", ".csv" -> Format.CSV;
            case "json", "application/json", ".json" -> linesByName ? Format.JSON_LINES : Format.JSON;
            case "jsonl", "ndjson", "json_lines", "jsonlines", "application/x-ndjson", "application/jsonl", ".jsonl" -> Format.JSON_LINES;
            case "excel", "xlsx", "xlsm", "xls", ".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" -> Format.EXCEL;
            case "xml", ".xml", "application/xml", "text/xml" -> Format.XML;
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

    /**
     * The segments of the checked nodes, in an order where each comes after the segments whose rows it reads.
     * A segment starts at a source, at a join, or at a node whose input is a materialized node's row file; it
     * runs its chain of row-wise nodes and ends at an export, a blocking node, a materialized node or nowhere.
     */
    private static List<Segment> segments(WorkflowDefinition definition, Map<String, Node> nodes, Map<String, Kind> kinds,
                                          List<String> order, List<String> problems, WorkflowResources resources) {
        Set<String> ordered = new java.util.HashSet<>(order);
        Set<String> materialized = materialized(definition, kinds, order);
        // the schema of each materialized node's row file, once its segment is planned
        Map<String, Schema> rowFiles = new HashMap<>();
        Map<String, String> exported = new HashMap<>();
        List<Segment> segments = new ArrayList<>();
        for (String id : order) {
            Kind kind = kinds.get(id);
            if (kind == null) {
                continue;
            }
            List<Edge> inputs = definition.inputsOf(id);
            String next = null;
            Input from;
            Schema schema;
            List<String> segmentNodes = new ArrayList<>();
            if (kind == Kind.SOURCE) {
                Settings settings = new Settings(nodes.get(id), problems);
                RowSource file = QuerySource.wanted(nodes.get(id)) ? QuerySource.of(settings, resources) : fileSource(definition, settings, resources);
                if (file == null) {
                    continue; // noted
                }
                from = new Input.File(file);
                schema = file.schema();
                segmentNodes.add(id);
            } else if (kind == Kind.JOIN) {
                Input.Join join = join(definition, nodes.get(id), inputs, rowFiles, problems);
                if (join == null) {
                    continue; // noted
                }
                from = join;
                schema = join.join().output();
                segmentNodes.add(id);
            } else if (inputs.size() == 1 && materialized.contains(inputs.get(0).source())) {
                String producer = inputs.get(0).source();
                if (!rowFiles.containsKey(producer)) {
                    continue; // the node before could not be planned: noted
                }
                from = new Input.Rows(producer);
                schema = rowFiles.get(producer);
                next = id;
            } else {
                continue; // inside another node's segment
            }
            String current = id;
            List<RowOperation> chain = new ArrayList<>();
            Schema segmentInput = schema;
            while (true) {
                if (next == null) {
                    if (materialized.contains(current) && !segmentNodes.isEmpty()) {
                        segments.add(new Segment(stepName(segmentNodes), List.copyOf(segmentNodes), from, segmentInput, List.copyOf(chain),
                                null, null, null, current));
                        rowFiles.put(current, schema);
                        break;
                    }
                    List<Edge> outputs = definition.outputsOf(current);
                    if (outputs.isEmpty() || !ordered.contains(outputs.get(0).target())) {
                        segments.add(new Segment(stepName(segmentNodes), List.copyOf(segmentNodes), from, segmentInput, List.copyOf(chain),
                                null, null, null, null));
                        break;
                    }
                    next = outputs.get(0).target();
                }
                Kind nextKind = kinds.get(next);
                if (nextKind == Kind.ROW) {
                    RowOperation operation = rowOperation(new Settings(nodes.get(next), problems), schema);
                    if (operation == null) {
                        // noted; the nodes after it are checked against its input, plus the column it would add
                        schema = assumedOutput(nodes.get(next), schema);
                    } else {
                        chain.add(operation);
                        schema = operation.output();
                    }
                    segmentNodes.add(next);
                    current = next;
                    next = null;
                    continue;
                }
                if (nextKind == Kind.BLOCKING) {
                    BlockingNode blocking = blockingNode(definition, new Settings(nodes.get(next), problems), schema);
                    if (blocking != null) {
                        segmentNodes.add(next);
                        segments.add(new Segment(stepName(segmentNodes), List.copyOf(segmentNodes), from, segmentInput, List.copyOf(chain),
                                null, next, blocking, null));
                        rowFiles.put(next, blocking.output());
                    }
                    break; // else noted; the other segments are checked too
                }
                if (nextKind == Kind.EXPORT) {
                    Settings exportSettings = new Settings(nodes.get(next), problems);
                    RowTarget export = TableExport.wanted(nodes.get(next)) ? TableExport.of(exportSettings, resources, schema)
                            : export(definition, exportSettings, schema);
                    String other = export == null ? null : exported.putIfAbsent(export.where(), next);
                    if (other != null) {
                        problems.add("nodes " + other + " and " + next + " both export to " + export.where());
                    } else if (export != null) {
                        segmentNodes.add(next);
                        segments.add(new Segment(stepName(segmentNodes), List.copyOf(segmentNodes), from, segmentInput, List.copyOf(chain),
                                export, null, null, null));
                    }
                    break;
                }
                break; // a source has no input; a node of no kind was noted
            }
        }
        return segments;
    }

    /**
     * The nodes whose output is written to a row file for the segments after them: blocking nodes, the
     * nodes that feed more than one node (fan-out), and the inputs of joins.
     */
    private static Set<String> materialized(WorkflowDefinition definition, Map<String, Kind> kinds, List<String> order) {
        Set<String> materialized = new LinkedHashSet<>();
        for (String id : order) {
            List<Edge> outputs = definition.outputsOf(id);
            if (kinds.get(id) == Kind.BLOCKING || kinds.get(id) != Kind.EXPORT && outputs.size() > 1
                    || outputs.stream().anyMatch(edge -> kinds.get(edge.target()) == Kind.JOIN)) {
                materialized.add(id);
            }
        }
        return materialized;
    }

    /** The ports a join's right input arrives on: Data Wrangler's engine's, its UI's merger node's, etl-core's join_plan's. */
    private static final Set<String> RIGHT_PORTS = Set.of("right", "right_dataset", "right_input", "right_df", "r");

    /**
     * A join of its two inputs' row files: the right one arrives on a right port ({@code right_dataset},
     * {@code right}), the left one on any other; null when the inputs cannot be told apart or were not planned.
     */
    private static Input.Join join(WorkflowDefinition definition, Node node, List<Edge> inputs, Map<String, Schema> rowFiles, List<String> problems) {
        if (inputs.size() != 2) {
            return null; // noted with the edges
        }
        Settings settings = new Settings(node, problems);
        boolean firstRight = RIGHT_PORTS.contains(inputs.get(0).targetPort().toLowerCase(Locale.ROOT));
        boolean secondRight = RIGHT_PORTS.contains(inputs.get(1).targetPort().toLowerCase(Locale.ROOT));
        if (firstRight == secondRight) {
            settings.problem("cannot tell its left input from its right (" + inputs.get(0).source() + " on '" + inputs.get(0).targetPort() + "', "
                    + inputs.get(1).source() + " on '" + inputs.get(1).targetPort() + "'); give the right one the targetHandle right_dataset");
            return null;
        }
        String left = (firstRight ? inputs.get(1) : inputs.get(0)).source();
        String right = (firstRight ? inputs.get(0) : inputs.get(1)).source();
        if (!rowFiles.containsKey(left) || !rowFiles.containsKey(right)) {
            return null; // an input could not be planned: noted
        }
        HashJoin join = HashJoin.of(settings, rowFiles.get(left), rowFiles.get(right));
        return join == null ? null : new Input.Join(join, left, right);
    }

    /**
     * The segments in waves: each wave's segments read only what earlier waves wrote, so they can run at
     * the same time; the first wave reads only source files.
     */
    List<List<Segment>> waves() {
        Map<String, Integer> waveOfRows = new HashMap<>();
        List<List<Segment>> waves = new ArrayList<>();
        for (Segment segment : segments) {
            int wave = 0;
            for (String producer : segment.from().reads()) {
                wave = Math.max(wave, waveOfRows.getOrDefault(producer, 0) + 1);
            }
            if (segment.writesRowsOf() != null) {
                waveOfRows.put(segment.writesRowsOf(), wave);
            }
            while (waves.size() <= wave) {
                waves.add(new ArrayList<>());
            }
            waves.get(wave).add(segment);
        }
        return waves;
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

    private static BlockingNode blockingNode(WorkflowDefinition definition, Settings settings, Schema input) {
        Node node = settings.node();
        if (TwoPassNodes.kind(node) == Kind.BLOCKING) {
            return TwoPassNodes.blockingNode(settings, input);
        }
        String type = node.type().toLowerCase(Locale.ROOT);
        if (type.equals("analysis")) {
            if (isKMeans(node)) {
                return KMeans.of(settings, input);
            }
            return analysisType(node).equals(Correlation.TYPE) ? Correlation.of(settings, input) : ColumnStatistics.of(settings, input);
        }
        if (type.equals("visualization") || type.equals("chart")) {
            return Visualization.of(settings, input, definition.baseDir());
        }
        String operation = type.equals("data_transformation") || type.equals("transform") || type.equals("transformation") ? operation(node) : type;
        return switch (operation) {
            case "sort", "sort_values" -> Sort.of(settings, input);
            case "drop_duplicates", "deduplicate", "remove_duplicates", "dedupe" -> Dedupe.of(settings, input);
            default -> Aggregate.of(settings, input);
        };
    }

    private static RowOperation rowOperation(Settings settings, Schema input) {
        Node node = settings.node();
        if (TwoPassNodes.kind(node) == Kind.ROW) {
            return TwoPassNodes.rowOperation(settings, input);
        }
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
            case "type_conversion", "convert_types", "change_type", "astype" -> TypeConversion.of(settings, input);
            case SchemaMapping.TYPE -> RowOperations.project(settings, input, texts(settings.object(SchemaMapping.COLUMNS)));
            default -> RowOperations.rename(settings, input, settings.object("rename_map", "columns", "mapping", "renames"));
        };
    }

    private static Map<String, String> texts(Map<String, Object> values) {
        Map<String, String> texts = new LinkedHashMap<>();
        values.forEach((key, value) -> texts.put(key, String.valueOf(value)));
        return texts;
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

    /** The node's datasetId (Data Wrangler's UI) or dataset_id (its engine); null when it names none. */
    private static String datasetId(Node node) {
        Object id = node.settings().getOrDefault("datasetId", node.settings().get("dataset_id"));
        return id == null || id.toString().isBlank() ? null : id.toString();
    }

    private static FileSource fileSource(WorkflowDefinition definition, Settings settings, WorkflowResources resources) {
        Object path = sourcePath(settings.node());
        Format format = sourceFormat(settings.node());
        String datasetId = datasetId(settings.node());
        if (path == null && datasetId != null) {
            // a registered dataset: its file, in the format its metadata names, else its extension's
            var dataset = resources.dataset(datasetId).or(() -> DataFolderDatasets.find(definition.baseDir(), datasetId));
            if (dataset.isEmpty()) {
                settings.problem("reads the registered dataset '" + datasetId + "', which does not exist (no datasets row has that id, nor the catalogues of "
                        + definition.baseDir() + ")");
                return null;
            }
            path = dataset.get().filePath();
            if (path == null || path.toString().isBlank()) {
                settings.problem("reads the registered dataset '" + datasetId + "', which has no file_path");
                return null;
            }
            Object named = settings.value("file_type", "format");
            format = format(named != null ? named : dataset.get().metadata().getOrDefault("file_type", dataset.get().metadata().get("format")), path);
            if (format == null) {
                settings.problem("reads the registered dataset '" + datasetId + "', whose file " + path + " is not CSV, JSON, JSON Lines, Excel or XML (give file_type)");
                return null;
            }
        }
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
