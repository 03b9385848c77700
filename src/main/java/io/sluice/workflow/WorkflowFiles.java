package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.workflow.WorkflowDefinition.Edge;
import io.sluice.workflow.WorkflowDefinition.Node;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a workflow file in either tool's format into a {@link WorkflowDefinition}:
 * <ul>
 * <li>Data Wrangler's workflow files ({@code {"name", "nodes": [{"id", "type", "data": {...}}], "edges":
 * [{"id", "source", "target", "sourceHandle", "targetHandle"}]}}, the ReactFlow shape of its UI and engine);</li>
 * <li>etl-core's job files ({@code {"name", "components": [{"name", "comp_type", ..., "routes": {"out":
 * [{"to", "in_port"}]}}]}}): a component's name is its node id, its other fields its settings, and each
 * route an edge from the output port to the target's input port.</li>
 * </ul>
 * Relative paths in the settings resolve against the Data Wrangler data folder when the file lies in
 * one's {@code workflows/} folder, else against the working folder.
 */
final class WorkflowFiles {

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The workflow setting (at the file's top level, or {@code --set max_rejects=N}) of how many rows a run may reject. */
    static final String MAX_REJECTS = "max_rejects";

    private WorkflowFiles() {
    }

    /**
     * @param file      a workflow file
     * @param overrides {@code --set} values: {@code NODE.SETTING} sets a node's setting (a JSON value, else
     *                  text), any other key replaces {@code {KEY}} in every text setting
     * @throws InvalidInputException when the file cannot be read or is not a workflow of either tool
     */
    static WorkflowDefinition read(Path file, Map<String, String> overrides) {
        Map<String, Object> root = parse(file);
        WorkflowDefinition definition;
        if (root.get("nodes") instanceof List<?>) {
            definition = dataWrangler(file, root);
        } else if (root.get("components") instanceof List<?>) {
            definition = etlCore(file, root);
        } else {
            throw new InvalidInputException(file + ": neither a Data Wrangler workflow (\"nodes\" and \"edges\")"
                    + " nor an etl-core job (\"components\")");
        }
        return withOverrides(definition, overrides);
    }

    /**
     * What an import stores of a workflow file beside its definition.
     *
     * @param id          the workflow's id: the file's {@code id}, else the file name without {@code .json}
     * @param description the file's {@code description}, or null
     * @param positions   each node's (x, y) on the canvas: Data Wrangler's {@code position}, else laid out in a row
     */
    record ForImport(String id, WorkflowDefinition definition, String description, Map<String, double[]> positions) {
    }

    /**
     * Reads a workflow file for {@code sluice workflow import}.
     *
     * @throws InvalidInputException as {@link #read}
     */
    static ForImport forImport(Path file) {
        WorkflowDefinition definition = read(file, Map.of());
        Map<String, Object> root = parse(file);
        String stem = file.getFileName().toString().replaceFirst("(?i)\\.json$", "");
        String id = root.get("id") == null || root.get("id").toString().isBlank() ? stem : root.get("id").toString();
        Map<String, double[]> positions = new LinkedHashMap<>();
        Object nodes = root.get("nodes");
        int index = 0;
        for (Node node : definition.nodes()) {
            double[] position = {index * 200.0, 0};
            if (nodes instanceof List<?> list && index < list.size() && list.get(index) instanceof Map<?, ?> raw
                    && raw.get("position") instanceof Map<?, ?> at && at.get("x") instanceof Number x && at.get("y") instanceof Number y) {
                position = new double[] {x.doubleValue(), y.doubleValue()};
            }
            positions.put(node.id(), position);
            index++;
        }
        Object description = root.get("description");
        return new ForImport(id, definition, description == null ? null : description.toString(), positions);
    }

    private static Map<String, Object> parse(Path file) {
        try {
            Object value = JSON.readValue(Files.readString(file), Object.class);
            if (value instanceof Map<?, ?> map) {
                return cast(map);
            }
            throw new InvalidInputException(file + ": a workflow file holds one JSON object, not " + describe(value));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new InvalidInputException(file + ": permission denied");
        } catch (IOException e) {
            throw new InvalidInputException(file + ": cannot be read (" + e.getMessage() + ")");
        } catch (JacksonException e) {
            var location = e.getLocation();
            throw new InvalidInputException(file + (location == null ? "" : ":" + location.getLineNr() + ":" + location.getColumnNr())
                    + ": not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    private static WorkflowDefinition dataWrangler(Path file, Map<String, Object> root) {
        List<Node> nodes = new ArrayList<>();
        int position = 0;
        for (Object element : (List<?>) root.get("nodes")) {
            position++;
            Map<String, Object> node = object(file, element, "node " + position);
            String id = text(node.get("id"), "node " + position);
            Object data = node.get("data");
            Map<String, Object> settings = data instanceof Map<?, ?> map ? new LinkedHashMap<>(cast(map)) : new LinkedHashMap<>();
            nodes.add(new Node(id, text(node.get("type"), ""), settings));
        }
        List<Edge> edges = new ArrayList<>();
        position = 0;
        Object edgeList = root.get("edges");
        for (Object element : edgeList instanceof List<?> list ? list : List.of()) {
            position++;
            Map<String, Object> edge = object(file, element, "edge " + position);
            edges.add(new Edge(text(edge.get("id"), "edge " + position), text(edge.get("source"), ""),
                    port(edge.get("sourceHandle")), text(edge.get("target"), ""), port(edge.get("targetHandle"))));
        }
        return new WorkflowDefinition(text(root.get("name"), file.getFileName().toString()), nodes, edges, baseDir(file), maxRejects(file, root));
    }

    private static WorkflowDefinition etlCore(Path file, Map<String, Object> root) {
        List<Node> nodes = new ArrayList<>();
        List<Edge> edges = new ArrayList<>();
        int position = 0;
        for (Object element : (List<?>) root.get("components")) {
            position++;
            Map<String, Object> component = object(file, element, "component " + position);
            String id = text(component.get("name"), "component " + position);
            Map<String, Object> settings = new LinkedHashMap<>(component);
            settings.remove("name");
            settings.remove("comp_type");
            Object routes = settings.remove("routes");
            if (routes instanceof Map<?, ?> byPort) {
                for (Map.Entry<?, ?> route : byPort.entrySet()) {
                    for (Object target : route.getValue() instanceof List<?> list ? list : List.of(route.getValue())) {
                        Map<String, Object> to = object(file, target, "a route of " + id);
                        String targetId = text(to.get("to"), "");
                        edges.add(new Edge(id + "." + route.getKey() + "->" + targetId, id, port(route.getKey()), targetId, port(to.get("in_port"))));
                    }
                }
            }
            nodes.add(new Node(id, text(component.get("comp_type"), ""), settings));
        }
        return new WorkflowDefinition(text(root.get("name"), file.getFileName().toString()), nodes, edges, baseDir(file), maxRejects(file, root));
    }

    /** The Data Wrangler data folder a file in its {@code workflows/} folder belongs to, else the working folder. */
    private static Path baseDir(Path file) {
        Path parent = file.toAbsolutePath().normalize().getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("workflows") && parent.getParent() != null) {
            return parent.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    /** {@code definition} with the {@code --set} overrides applied (see {@link #read}). */
    static WorkflowDefinition withOverrides(WorkflowDefinition definition, Map<String, String> overrides) {
        if (overrides.isEmpty()) {
            return definition;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node node : definition.nodes()) {
            Map<String, Object> settings = new LinkedHashMap<>();
            node.settings().forEach((name, value) -> settings.put(name, replacePlaceholders(value, overrides)));
            overrides.forEach((key, value) -> {
                if (key.startsWith(node.id() + ".")) {
                    settings.put(key.substring(node.id().length() + 1), jsonOrText(value));
                }
            });
            nodes.add(new Node(node.id(), node.type(), settings));
        }
        long maxRejects = definition.maxRejects();
        if (overrides.containsKey(MAX_REJECTS)) {
            maxRejects = maxRejects("--set " + MAX_REJECTS, overrides.get(MAX_REJECTS));
        }
        return new WorkflowDefinition(definition.name(), nodes, definition.edges(), definition.baseDir(), maxRejects);
    }

    private static Object replacePlaceholders(Object value, Map<String, String> overrides) {
        if (value instanceof String text) {
            String replaced = text;
            for (Map.Entry<String, String> override : overrides.entrySet()) {
                replaced = replaced.replace("{" + override.getKey() + "}", override.getValue());
            }
            return replaced;
        }
        if (value instanceof List<?> list) {
            return list.stream().map(element -> replacePlaceholders(element, overrides)).toList();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> replaced = new LinkedHashMap<>();
            map.forEach((name, element) -> replaced.put(String.valueOf(name), replacePlaceholders(element, overrides)));
            return replaced;
        }
        return value;
    }

    private static Object jsonOrText(String value) {
        try {
            return JSON.readValue(value, Object.class);
        } catch (JacksonException e) {
            return value;
        }
    }

    private static long maxRejects(Path file, Map<String, Object> root) {
        Object value = root.get(MAX_REJECTS);
        if (value == null && root.get("settings") instanceof Map<?, ?> settings) {
            value = settings.get(MAX_REJECTS);
        }
        return value == null ? Long.MAX_VALUE : maxRejects(file.toString(), value);
    }

    private static long maxRejects(String where, Object value) {
        try {
            long max = new java.math.BigDecimal(value.toString().trim()).longValueExact();
            if (max >= 0) {
                return max;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // said below
        }
        throw new InvalidInputException(where + ": " + MAX_REJECTS + " must be a whole number of rows, 0 or more, not '" + value + "'");
    }

    private static String port(Object handle) {
        return handle == null || handle.toString().isBlank() ? WorkflowDefinition.DEFAULT_PORT : handle.toString();
    }

    private static Map<String, Object> object(Path file, Object element, String what) {
        if (element instanceof Map<?, ?> map) {
            return cast(map);
        }
        throw new InvalidInputException(file + ": " + what + " is " + describe(element) + ", not an object");
    }

    private static String text(Object value, String fallback) {
        return value == null ? fallback : value.toString();
    }

    private static String describe(Object value) {
        return value == null ? "null" : value instanceof List<?> ? "an array" : value instanceof String ? "a string" : "a " + value.getClass().getSimpleName().toLowerCase();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }
}
