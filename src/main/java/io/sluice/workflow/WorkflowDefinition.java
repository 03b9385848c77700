package io.sluice.workflow;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A workflow as both tools store one, in one vocabulary: its nodes (ReactFlow's nodes) and the
 * edges between them, whatever file or table it came from.
 *
 * @param name    the workflow's name, for messages
 * @param nodes   in the order the source lists them
 * @param edges   each from an output port of one node to an input port of another
 * @param baseDir    the folder that relative paths in node settings resolve against (Data Wrangler's data folder, else the working folder)
 * @param maxRejects how many rows a run may reject before it fails (the workflow's {@code max_rejects}; unlimited by default)
 */
record WorkflowDefinition(String name, List<Node> nodes, List<Edge> edges, Path baseDir, long maxRejects) {

    /** A workflow that may reject any number of rows. */
    WorkflowDefinition(String name, List<Node> nodes, List<Edge> edges, Path baseDir) {
        this(name, nodes, edges, baseDir, Long.MAX_VALUE);
    }

    /** The default port name: a null or blank handle means it (ReactFlow's and Data Wrangler's convention). */
    static final String DEFAULT_PORT = "default";

    /**
     * One node.
     *
     * @param id       the node's id, unique in its workflow
     * @param type     the type as the file names it ({@code data_source}, {@code filter}, {@code read_csv}...)
     * @param settings the node's settings, as plain JSON values (maps, lists, strings, numbers, booleans)
     */
    record Node(String id, String type, Map<String, Object> settings) {
    }

    /** An edge from {@code source}'s output port {@code sourcePort} to {@code target}'s input port {@code targetPort}. */
    record Edge(String id, String source, String sourcePort, String target, String targetPort) {
    }

    /** The nodes by id, in order. */
    Map<String, Node> nodesById() {
        Map<String, Node> byId = new LinkedHashMap<>();
        nodes.forEach(node -> byId.putIfAbsent(node.id(), node));
        return byId;
    }

    /** The edges that end at {@code nodeId}. */
    List<Edge> inputsOf(String nodeId) {
        List<Edge> inputs = new ArrayList<>();
        for (Edge edge : edges) {
            if (edge.target().equals(nodeId)) {
                inputs.add(edge);
            }
        }
        return inputs;
    }

    /** The edges that start at {@code nodeId}. */
    List<Edge> outputsOf(String nodeId) {
        List<Edge> outputs = new ArrayList<>();
        for (Edge edge : edges) {
            if (edge.source().equals(nodeId)) {
                outputs.add(edge);
            }
        }
        return outputs;
    }
}
