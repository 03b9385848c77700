package io.sluice.migration.datawrangler;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.JsonFields;
import io.sluice.batch.LegacyJson;
import tools.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Validates one workflow file and maps it to a {@link Workflow}. A fault in the workflow itself (not
 * an object, no name, a field of the wrong type) rejects the whole file; a fault in one node or edge
 * (no id, wrong types, a node id used twice, an edge whose end is not a node of the workflow) rejects
 * only that node or edge, through the given {@link Rejections}, and the rest of the workflow lands.
 *
 * <p>An edge without id gets the id ReactFlow itself gives new edges,
 * {@code reactflow__edge-<source><sourceHandle>-<target><targetHandle>}, so a second migration finds
 * the same edge again.
 */
final class WorkflowParser {

    static final int MAX_ID = 64;

    /** Where a rejected node or edge is reported; the verification step passes one that ignores them. */
    @FunctionalInterface
    interface Rejections {
        void reject(String location, String reason, String raw);
    }

    private WorkflowParser() {
    }

    static Workflow parse(String id, JsonNode root, Rejections rejections) {
        if (id.length() > MAX_ID) {
            throw new InvalidRecordException("the workflow id (its file name) is longer than " + MAX_ID + " characters");
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException("a workflow must be a JSON object");
        }
        JsonNode nodeArray = JsonFields.optionalArray(root, "nodes");
        JsonNode edgeArray = JsonFields.optionalArray(root, "edges");
        Workflow header = new Workflow(id,
                JsonFields.requiredText(root, "name", 255),
                JsonFields.optionalText(root, "description", Integer.MAX_VALUE),
                JsonFields.optionalId(root, "dataset_id", MAX_ID),
                JsonFields.optionalText(root, "template", 100),
                JsonFields.optionalTimestamp(root, "created_at"),
                JsonFields.optionalTimestamp(root, "updated_at"),
                JsonFields.optionalText(root, "created_by", 255),
                JsonFields.optionalBoolean(root, "is_ai_generated"),
                JsonFields.optionalObject(root, "metadata"),
                List.of(), List.of());
        List<Workflow.Node> nodes = nodes(nodeArray, rejections);
        Set<String> nodeIds = new HashSet<>();
        nodes.forEach(node -> nodeIds.add(node.id()));
        List<Workflow.Edge> edges = edges(edgeArray, nodeIds, rejections);
        return new Workflow(header.id(), header.name(), header.description(), header.datasetId(), header.template(),
                header.createdAt(), header.updatedAt(), header.createdBy(), header.isAiGenerated(), header.metadata(),
                nodes, edges);
    }

    private static List<Workflow.Node> nodes(JsonNode array, Rejections rejections) {
        return elements(array, "node", WorkflowParser::node, Workflow.Node::id, rejections);
    }

    private static Workflow.Node node(JsonNode json) {
        if (!json.isObject()) {
            throw new InvalidRecordException("a node must be a JSON object");
        }
        String id = JsonFields.optionalId(json, "id", 100);
        if (id == null) {
            throw new InvalidRecordException("node without id");
        }
        Double x = JsonFields.optionalNumber(json, "position_x");
        Double y = JsonFields.optionalNumber(json, "position_y");
        JsonNode position = json.get("position");
        if (position != null && !position.isNull()) {
            if (!position.isObject()) {
                throw new InvalidRecordException("position must be a JSON object {x, y}, found " + JsonFields.abbreviate(position));
            }
            x = JsonFields.optionalNumber(position, "x");
            y = JsonFields.optionalNumber(position, "y");
        }
        return new Workflow.Node(id, JsonFields.optionalText(json, "type", 50), x, y, JsonFields.optionalObject(json, "data"));
    }

    private static List<Workflow.Edge> edges(JsonNode array, Set<String> nodeIds, Rejections rejections) {
        return elements(array, "edge", json -> {
            Workflow.Edge edge = edge(json);
            for (String end : List.of(edge.source(), edge.target())) {
                if (!nodeIds.contains(end)) {
                    throw new InvalidRecordException("edge '" + edge.id() + "' points at node '" + end + "', which the workflow does not have");
                }
            }
            return edge;
        }, Workflow.Edge::id, rejections);
    }

    /**
     * The valid elements of the workflow's node or edge array, sorted by id. An element that does not
     * parse, or whose id an earlier one has, is rejected with its location ({@code /nodes/3}).
     */
    private static <E> List<E> elements(JsonNode array, String kind, Function<JsonNode, E> parse, Function<E, String> id,
                                        Rejections rejections) {
        if (array == null) {
            return List.of();
        }
        List<E> elements = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < array.size(); i++) {
            JsonNode json = array.get(i);
            try {
                E element = parse.apply(json);
                if (!seen.add(id.apply(element))) {
                    throw new InvalidRecordException("duplicate " + kind + " id '" + id.apply(element) + "' in the workflow; the first was kept");
                }
                elements.add(element);
            } catch (InvalidRecordException e) {
                rejections.reject("/" + kind + "s/" + i, e.getMessage(), LegacyJson.text(json));
            }
        }
        elements.sort(Comparator.comparing(id));
        return List.copyOf(elements);
    }

    private static Workflow.Edge edge(JsonNode json) {
        if (!json.isObject()) {
            throw new InvalidRecordException("an edge must be a JSON object");
        }
        String source = JsonFields.optionalId(json, "source", 100);
        String target = JsonFields.optionalId(json, "target", 100);
        if (source == null || target == null) {
            throw new InvalidRecordException("edge without " + (source == null ? "source" : "target"));
        }
        String sourceHandle = JsonFields.optionalText(json, "sourceHandle", 100);
        String targetHandle = JsonFields.optionalText(json, "targetHandle", 100);
        String id = JsonFields.optionalId(json, "id", 255);
        if (id == null) {
            id = derivedId(source, sourceHandle, target, targetHandle);
        }
        return new Workflow.Edge(id, source, target, sourceHandle, targetHandle, JsonFields.optionalText(json, "type", 50));
    }

    /** ReactFlow's own id for a new edge; hashed when it would not fit the column. */
    static String derivedId(String source, String sourceHandle, String target, String targetHandle) {
        String id = "reactflow__edge-" + source + (sourceHandle == null ? "" : sourceHandle)
                + "-" + target + (targetHandle == null ? "" : targetHandle);
        return id.length() <= 255 ? id : "reactflow__edge-" + UUID.nameUUIDFromBytes(id.getBytes(StandardCharsets.UTF_8));
    }
}
