package io.sluice.workflow;

import io.sluice.workflow.WorkflowDefinition.Edge;
import io.sluice.workflow.WorkflowDefinition.Node;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * etl-core's {@code schema_mapping} component taken apart into nodes the planner runs, before planning.
 * One component has named input ports ({@code extra_input_ports}) and output ports, and two parts:
 * <ul>
 * <li>{@code join_plan.steps}: each joins the rows on {@code left_port} with those on {@code right_port}
 *     ({@code left_on}, {@code right_on}, {@code how}) and puts them out on {@code output_port}; a step may
 *     join an earlier step's output port. Each step becomes a join node {@code NAME.PORT} with its left
 *     and right inputs.</li>
 * <li>{@code rules_by_dest}: for each output port, its columns, each taken from a column
 *     ({@code src_path}) of an input port ({@code src_port}). Each port becomes a row node {@code NAME.PORT}
 *     that projects and renames the columns.</li>
 * </ul>
 * The routes from an output port then start at the node that makes that port's rows; a port that feeds
 * several nodes, or an input port that feeds several of the component's parts, is a fan-out point.
 */
final class SchemaMapping {

    static final String TYPE = "schema_mapping";
    /** A derived node's setting: the join of one {@code join_plan} step. */
    static final String JOIN_STEP = "join_step";
    /** A derived node's setting: output column to input column, of one {@code rules_by_dest} port. */
    static final String COLUMNS = "columns";

    private SchemaMapping() {
    }

    /**
     * {@code definition} with each {@code schema_mapping} node replaced by its parts; every problem is noted
     * (naming the component) and the component left out.
     *
     * @return the definition with the parts, and for each part the component it came from
     */
    static Expanded expand(WorkflowDefinition definition, List<String> problems) {
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>(definition.edges());
        Map<String, String> origins = new LinkedHashMap<>();
        for (Node node : definition.nodes()) {
            if (!node.type().equals(TYPE) || node.settings().containsKey(JOIN_STEP) || node.settings().containsKey(COLUMNS)) {
                nodes.add(node);
                continue;
            }
            expand(definition, node, nodes, edges, origins, problems);
        }
        return new Expanded(new WorkflowDefinition(definition.name(), nodes, edges, definition.baseDir(), definition.maxRejects()), origins);
    }

    /** A definition without {@code schema_mapping} components, and the component of each node made from one. */
    record Expanded(WorkflowDefinition definition, Map<String, String> origins) {
    }

    private static void expand(WorkflowDefinition definition, Node component, List<Node> nodes, List<Edge> edges,
                               Map<String, String> origins, List<String> problems) {
        String name = component.id();
        Settings settings = new Settings(component, problems);
        // where each port's rows come from: an input port's from the edge into it, an output port's from its part
        Map<String, Edge> inputs = new LinkedHashMap<>();
        for (Edge edge : definition.inputsOf(name)) {
            inputs.put(edge.targetPort(), edge);
        }
        Map<String, String> made = new LinkedHashMap<>();
        List<Edge> added = new ArrayList<>();
        for (Object element : listOf(settings.object("join_plan").get("steps"))) {
            if (!(element instanceof Map<?, ?> step)) {
                settings.problem("has a join_plan step that is not an object: " + element);
                continue;
            }
            String left = text(step.get("left_port"));
            String right = text(step.get("right_port"));
            String output = text(step.get("output_port"));
            if (left == null || right == null || output == null) {
                settings.problem("has a join_plan step without left_port, right_port or output_port");
                continue;
            }
            String id = name + "." + output;
            Map<String, Object> join = new LinkedHashMap<>();
            join.put(JOIN_STEP, true);
            for (String key : List.of("how", "left_on", "right_on", "on", "suffixes")) {
                if (step.get(key) != null) {
                    join.put(key, step.get(key));
                }
            }
            nodes.add(new Node(id, TYPE, join));
            origins.put(id, name);
            for (Map.Entry<String, String> side : Map.of("left", left, "right", right).entrySet()) {
                String from = source(side.getValue(), inputs, made, settings);
                if (from != null) {
                    added.add(new Edge(from + "->" + id, from, sourcePort(side.getValue(), inputs, made), id, side.getKey()));
                }
            }
            made.put(output, id);
        }
        Map<String, Object> rules = settings.object("rules_by_dest");
        for (Map.Entry<String, Object> port : rules.entrySet()) {
            if (!(port.getValue() instanceof Map<?, ?> byColumn) || byColumn.isEmpty()) {
                continue;
            }
            if (made.containsKey(port.getKey())) {
                settings.problem("maps the columns of its join output " + port.getKey() + " by rules; sluice puts a join_plan's output out as it is");
                continue;
            }
            Map<String, String> columns = new LinkedHashMap<>();
            String sourcePort = null;
            for (Map.Entry<?, ?> rule : byColumn.entrySet()) {
                Map<?, ?> to = rule.getValue() instanceof Map<?, ?> map ? map : Map.of();
                String srcPort = text(to.get("src_port"));
                String srcPath = text(to.get("src_path"));
                if (srcPort == null || srcPath == null) {
                    settings.problem("has a rule for " + port.getKey() + "." + rule.getKey() + " without src_port and src_path");
                    continue;
                }
                if (sourcePort != null && !sourcePort.equals(srcPort)) {
                    settings.problem("maps port " + port.getKey() + " from both " + sourcePort + " and " + srcPort
                            + "; join them in its join_plan first");
                }
                sourcePort = srcPort;
                columns.put(String.valueOf(rule.getKey()), srcPath);
            }
            if (sourcePort == null) {
                continue;
            }
            String id = name + "." + port.getKey();
            nodes.add(new Node(id, TYPE, Map.of(COLUMNS, columns)));
            origins.put(id, name);
            String from = source(sourcePort, inputs, made, settings);
            if (from != null) {
                added.add(new Edge(from + "->" + id, from, sourcePort(sourcePort, inputs, made), id, WorkflowDefinition.DEFAULT_PORT));
            }
            made.put(port.getKey(), id);
        }
        // the component's edges now start and end at its parts
        edges.removeIf(edge -> edge.target().equals(name));
        List<Edge> outgoing = new ArrayList<>();
        for (Edge edge : edges) {
            if (!edge.source().equals(name)) {
                continue;
            }
            outgoing.add(edge);
            String part = made.get(edge.sourcePort());
            if (part != null) {
                added.add(new Edge(edge.id(), part, WorkflowDefinition.DEFAULT_PORT, edge.target(), edge.targetPort()));
            } else if (inputs.containsKey(edge.sourcePort())) {
                Edge input = inputs.get(edge.sourcePort());
                added.add(new Edge(edge.id(), input.source(), input.sourcePort(), edge.target(), edge.targetPort()));
            } else {
                settings.problem("routes its port " + edge.sourcePort() + " to " + edge.target()
                        + ", but neither a join_plan step nor rules_by_dest make that port's rows");
            }
        }
        edges.removeAll(outgoing);
        edges.addAll(added);
    }

    /** The node whose rows arrive on {@code port}: the one routed into that input port, or the part that makes that output port. */
    private static String source(String port, Map<String, Edge> inputs, Map<String, String> made, Settings settings) {
        if (made.containsKey(port)) {
            return made.get(port);
        }
        if (inputs.containsKey(port)) {
            return inputs.get(port).source();
        }
        settings.problem("reads its port " + port + ", which no route feeds and no join_plan step makes");
        return null;
    }

    private static String sourcePort(String port, Map<String, Edge> inputs, Map<String, String> made) {
        return made.containsKey(port) ? WorkflowDefinition.DEFAULT_PORT : inputs.get(port).sourcePort();
    }

    private static List<?> listOf(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static String text(Object value) {
        return value == null || value.toString().isBlank() ? null : value.toString();
    }
}
