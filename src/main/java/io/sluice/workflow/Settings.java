package io.sluice.workflow;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A node's settings as its tool stored them, read under every spelling the tools use for one
 * setting, with each problem noted against the node (reported all at once by the validation).
 */
final class Settings {

    private final WorkflowDefinition.Node node;
    private final List<String> problems;

    Settings(WorkflowDefinition.Node node, List<String> problems) {
        this.node = node;
        this.problems = problems;
    }

    /** The first of {@code names} that is set, as text; null when none is. */
    String text(String... names) {
        Object value = value(names);
        return value == null ? null : value.toString();
    }

    /** Like {@link #text}, noting a problem naming the first spelling when none is set. */
    String requiredText(String... names) {
        String value = text(names);
        if (value == null || value.isBlank()) {
            problem("has no " + names[0]);
            return null;
        }
        return value;
    }

    /** The first of {@code names} that is set, as it is (a String, Number, Boolean, List or Map); null when none is. */
    Object value(String... names) {
        for (String name : names) {
            Object value = node.settings().get(name);
            if (value != null) {
                return value;
            }
        }
        return null;
    }

    /** A list of texts: a JSON array, or one text (comma-separated); empty when none is set. */
    List<String> texts(String... names) {
        Object value = value(names);
        List<String> texts = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(element -> texts.add(String.valueOf(element)));
        } else if (value != null && !value.toString().isBlank()) {
            for (String part : value.toString().split(",")) {
                texts.add(part.trim());
            }
        }
        return texts;
    }

    /** A JSON object's entries; empty when none is set, with a problem when it is set but not an object. */
    Map<String, Object> object(String... names) {
        Object value = value(names);
        if (value == null) {
            return Map.of();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> entries = new LinkedHashMap<>();
            map.forEach((key, element) -> entries.put(String.valueOf(key), element));
            return entries;
        }
        problem(names[0] + " must be an object, not '" + value + "'");
        return Map.of();
    }

    /** Notes a problem of this node: "node ID (TYPE) PROBLEM". */
    void problem(String problem) {
        problems.add("node " + node.id() + " (" + node.type() + ") " + problem);
    }

    WorkflowDefinition.Node node() {
        return node;
    }
}
