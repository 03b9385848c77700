package io.sluice.migration.datawrangler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test builder of a Data Wrangler data folder: {@code datasets.json}, {@code index/datasets.json}
 * and {@code workflows/<id>.json}, written from JSON snippets so that a test shows the store it reads.
 */
final class DataWranglerStore {

    private final Path root;
    private final List<String> datasets = new ArrayList<>();
    private final Map<String, String> indexed = new LinkedHashMap<>();
    private final Map<String, String> workflows = new LinkedHashMap<>();
    private boolean withIndex;

    private DataWranglerStore(Path root) {
        this.root = root;
    }

    static DataWranglerStore aStoreIn(Path root) {
        return new DataWranglerStore(root);
    }

    /** A {@code datasets.json} entry, as JSON. */
    DataWranglerStore dataset(String json) {
        datasets.add(json);
        return this;
    }

    /** An {@code index/datasets.json} entry under the key, as JSON. */
    DataWranglerStore indexed(String key, String json) {
        withIndex = true;
        indexed.put(key, json);
        return this;
    }

    /** A workflow file {@code workflows/<id>.json} with this text (valid JSON or not). */
    DataWranglerStore workflow(String id, String text) {
        workflows.put(id, text);
        return this;
    }

    Path write() {
        try {
            Files.createDirectories(root);
            if (!datasets.isEmpty()) {
                Files.writeString(root.resolve("datasets.json"), "[\n  " + String.join(",\n  ", datasets) + "\n]\n");
            }
            if (withIndex) {
                Files.createDirectories(root.resolve("index"));
                List<String> entries = new ArrayList<>();
                indexed.forEach((key, json) -> entries.add("\"" + key + "\": " + json));
                Files.writeString(root.resolve("index").resolve("datasets.json"),
                        "{\n  \"datasets\": {\n    " + String.join(",\n    ", entries) + "\n  },\n  \"last_updated\": \"2025-02-12T10:00:00\"\n}\n");
            }
            if (!workflows.isEmpty()) {
                Files.createDirectories(root.resolve("workflows"));
                for (Map.Entry<String, String> workflow : workflows.entrySet()) {
                    Files.writeString(root.resolve("workflows").resolve(workflow.getKey() + ".json"), workflow.getValue());
                }
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A workflow file's JSON with the given dataset, nodes and edges (JSON arrays). */
    static String workflowJson(String name, String datasetId, String nodes, String edges) {
        return """
                {"name": "%s", "description": "d", "dataset_id": %s, "template": null,
                 "created_at": "2025-02-12T11:00:00", "updated_at": "2025-02-12T11:00:00.250000+00:00",
                 "created_by": "system", "is_ai_generated": false, "metadata": {"version": 1},
                 "nodes": %s,
                 "edges": %s}
                """.formatted(name, datasetId == null ? "null" : "\"" + datasetId + "\"", nodes, edges);
    }
}
