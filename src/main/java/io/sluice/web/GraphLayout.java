package io.sluice.web;

import io.sluice.batch.ExecutionGraph;
import io.sluice.monitoring.ExecutionView;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A workflow execution's DAG laid out for an SVG drawing, each node with the status of the step that runs
 * it: a layered drawing (Sugiyama's first step, without crossing reduction), each node in the column of the
 * longest path from a source to it, in the order of its definition within a column; edges as cubic curves
 * from a node's right side to the next one's left side. Sizes in SVG user units (px).
 *
 * @param nodes  the nodes with their box's top-left corner
 * @param edges  the edges as SVG path data
 * @param width  the drawing's width
 * @param height the drawing's height
 */
record GraphLayout(List<PlacedNode> nodes, List<String> edges, int width, int height) {

    static final int NODE_WIDTH = 170;
    static final int NODE_HEIGHT = 46;
    private static final int COLUMN = 220;
    private static final int ROW = 66;
    private static final int MARGIN = 8;

    /**
     * A node where it is drawn.
     *
     * @param status the status of its step in this execution (COMPLETED, STARTED, FAILED...), {@code PENDING}
     *               while the execution runs and the step has not started, or {@code NOT RUN}
     */
    record PlacedNode(String id, String type, String status, int x, int y) {

        /** The CSS class of its status: {@code status-completed}. */
        public String statusClass() {
            return "status-" + status.toLowerCase(Locale.ROOT).replace(' ', '-');
        }
    }

    /** The layout of {@code graph} with the statuses of {@code execution}'s steps. */
    static GraphLayout of(ExecutionGraph graph, ExecutionView execution, boolean running) {
        Map<String, String> stepStatus = new HashMap<>();
        if (execution.steps() != null) {
            execution.steps().forEach(step -> stepStatus.put(step.name(), step.status()));
        }
        Map<String, Integer> column = columns(graph);
        Map<Integer, Integer> rows = new HashMap<>();
        Map<String, PlacedNode> placed = new LinkedHashMap<>();
        for (ExecutionGraph.Node node : graph.nodes()) {
            int c = column.getOrDefault(node.id(), 0);
            int r = rows.merge(c, 1, Integer::sum) - 1;
            String status = node.step() != null && stepStatus.containsKey(node.step()) ? stepStatus.get(node.step()) : running ? "PENDING" : "NOT RUN";
            placed.put(node.id(), new PlacedNode(node.id(), node.type(), status, MARGIN + c * COLUMN, MARGIN + r * ROW));
        }
        List<String> edges = new ArrayList<>();
        for (ExecutionGraph.Edge edge : graph.edges()) {
            PlacedNode from = placed.get(edge.source());
            PlacedNode to = placed.get(edge.target());
            if (from == null || to == null) {
                continue;
            }
            int x1 = from.x() + NODE_WIDTH;
            int y1 = from.y() + NODE_HEIGHT / 2;
            int x2 = to.x();
            int y2 = to.y() + NODE_HEIGHT / 2;
            int bend = Math.max(30, (x2 - x1) / 2);
            edges.add("M" + x1 + "," + y1 + " C" + (x1 + bend) + "," + y1 + " " + (x2 - bend) + "," + y2 + " " + x2 + "," + y2);
        }
        int columns = column.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        int mostRows = rows.values().stream().mapToInt(Integer::intValue).max().orElse(1);
        return new GraphLayout(List.copyOf(placed.values()), edges, 2 * MARGIN + (columns - 1) * COLUMN + NODE_WIDTH,
                2 * MARGIN + (mostRows - 1) * ROW + NODE_HEIGHT);
    }

    /** Each node's column: the length of the longest path from a source to it (Kahn's order); a node on a cycle gets 0. */
    private static Map<String, Integer> columns(ExecutionGraph graph) {
        Map<String, Integer> incoming = new HashMap<>();
        Map<String, List<String>> next = new HashMap<>();
        graph.nodes().forEach(node -> incoming.put(node.id(), 0));
        for (ExecutionGraph.Edge edge : graph.edges()) {
            if (incoming.containsKey(edge.source()) && incoming.containsKey(edge.target())) {
                incoming.merge(edge.target(), 1, Integer::sum);
                next.computeIfAbsent(edge.source(), id -> new ArrayList<>()).add(edge.target());
            }
        }
        Map<String, Integer> column = new HashMap<>();
        Deque<String> ready = new ArrayDeque<>();
        graph.nodes().stream().map(ExecutionGraph.Node::id).filter(id -> incoming.get(id) == 0).forEach(id -> {
            column.put(id, 0);
            ready.add(id);
        });
        while (!ready.isEmpty()) {
            String id = ready.poll();
            for (String target : next.getOrDefault(id, List.of())) {
                column.merge(target, column.get(id) + 1, Math::max);
                if (incoming.merge(target, -1, Integer::sum) == 0) {
                    ready.add(target);
                }
            }
        }
        return column;
    }
}
