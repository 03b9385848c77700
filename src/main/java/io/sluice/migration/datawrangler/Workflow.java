package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonValue;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One Data Wrangler workflow as it lands in {@code workflows}, with its nodes and edges (each sorted
 * by id). {@code datasetId} is the dataset the file names; whether it exists is decided when writing.
 */
record Workflow(String id, String name, String description, String datasetId, String template,
                OffsetDateTime createdAt, OffsetDateTime updatedAt, String createdBy, Boolean isAiGenerated,
                JsonValue metadata, List<Node> nodes, List<Edge> edges) {

    /** The same workflow pointing at another dataset (null: none). */
    Workflow withDatasetId(String dataset) {
        return new Workflow(id, name, description, dataset, template, createdAt, updatedAt, createdBy, isAiGenerated,
                metadata, nodes, edges);
    }

    /** A ReactFlow node; type and position may be missing (NULL). */
    record Node(String id, String type, Double positionX, Double positionY, JsonValue data) {
    }

    /** A ReactFlow edge; an edge saved without id has one derived from its ends (see {@link WorkflowParser}). */
    record Edge(String id, String source, String target, String sourceHandle, String targetHandle, String type) {
    }
}
