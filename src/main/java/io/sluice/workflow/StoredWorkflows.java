package io.sluice.workflow;

import io.sluice.NotFoundException;
import io.sluice.workflow.WorkflowDefinition.Edge;
import io.sluice.workflow.WorkflowDefinition.Node;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The workflows stored in the database, in Data Wrangler's own tables ({@code workflows},
 * {@code workflow_nodes}, {@code workflow_edges}, as migrated), and what their last run did:
 * {@code workflows.status} and {@code last_run_at}, and each node's {@code status} (pending, running,
 * completed, failed, skipped) and {@code execution_time_ms}.
 */
@Component
class StoredWorkflows {

    private final JdbcTemplate jdbc;

    StoredWorkflows(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The stored workflow {@code id}, its relative paths resolved against the folder it was migrated or
     * imported from ({@code workflows.source_folder}), else the working folder.
     *
     * @param overrides as for {@link WorkflowFiles#read}
     * @throws NotFoundException when no workflow has that id
     */
    WorkflowDefinition read(String id, Map<String, String> overrides) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT name, source_folder FROM workflows WHERE id = ?", id);
        if (rows.isEmpty()) {
            throw new NotFoundException("no workflow with id '" + id + "' (sluice workflow list shows them)");
        }
        JsonMapper json = JsonMapper.builder().build();
        List<Node> nodes = jdbc.query("SELECT id, type, data FROM workflow_nodes WHERE workflow_id = ? ORDER BY position_x, position_y, id",
                (rs, row) -> {
                    String data = rs.getString("data");
                    Object settings = data == null ? null : json.readValue(data, Object.class);
                    Map<String, Object> map = new LinkedHashMap<>();
                    if (settings instanceof Map<?, ?> values) {
                        values.forEach((key, value) -> map.put(String.valueOf(key), value));
                    }
                    return new Node(rs.getString("id"), rs.getString("type") == null ? "" : rs.getString("type"), map);
                }, id);
        List<Edge> edges = jdbc.query("SELECT id, source, target, source_handle, target_handle FROM workflow_edges WHERE workflow_id = ? ORDER BY id",
                (rs, row) -> new Edge(rs.getString("id"), rs.getString("source"), port(rs.getString("source_handle")),
                        rs.getString("target"), port(rs.getString("target_handle"))), id);
        Object folder = rows.get(0).get("source_folder");
        Path baseDir = folder == null ? Path.of("").toAbsolutePath() : Path.of(folder.toString());
        return WorkflowFiles.withOverrides(new WorkflowDefinition(String.valueOf(rows.get(0).get("name")), nodes, edges, baseDir), overrides);
    }

    /**
     * Adds a workflow, or replaces one of the same id: its row (name, description; its status and last
     * run kept), and all its nodes and edges, in the caller's transaction.
     *
     * @return true when it was added, false when it replaced one
     */
    boolean save(WorkflowFiles.ForImport imported) {
        WorkflowDefinition definition = imported.definition();
        JsonMapper json = JsonMapper.builder().build();
        Timestamp now = Timestamp.from(Instant.now());
        String folder = definition.baseDir().toString();
        boolean added = jdbc.update("UPDATE workflows SET name = ?, description = ?, updated_at = ?, source_folder = ? WHERE id = ?",
                definition.name(), imported.description(), now, folder, imported.id()) == 0;
        if (added) {
            jdbc.update("INSERT INTO workflows (id, name, description, created_at, updated_at, created_by, is_ai_generated, source_folder)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)", imported.id(), definition.name(), imported.description(), now, now, "sluice workflow import", false, folder);
        }
        jdbc.update("DELETE FROM workflow_edges WHERE workflow_id = ?", imported.id());
        jdbc.update("DELETE FROM workflow_nodes WHERE workflow_id = ?", imported.id());
        for (Node node : definition.nodes()) {
            double[] position = imported.positions().getOrDefault(node.id(), new double[] {0, 0});
            jdbc.update("INSERT INTO workflow_nodes (workflow_id, id, type, position_x, position_y, data) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb))",
                    imported.id(), node.id(), node.type(), position[0], position[1], json.writeValueAsString(node.settings()));
        }
        for (Edge edge : definition.edges()) {
            jdbc.update("INSERT INTO workflow_edges (workflow_id, id, source, target, source_handle, target_handle) VALUES (?, ?, ?, ?, ?, ?)",
                    imported.id(), edge.id(), edge.source(), edge.target(), handle(edge.sourcePort()), handle(edge.targetPort()));
        }
        return added;
    }

    private static String handle(String port) {
        return WorkflowDefinition.DEFAULT_PORT.equals(port) ? null : port;
    }

    /** Records the workflow's status ({@code running}, {@code completed}, {@code failed}, {@code stopped}) and when it last ran. */
    void markWorkflow(String id, String status, Instant lastRunAt) {
        jdbc.update("UPDATE workflows SET status = ?, last_run_at = ? WHERE id = ?", status, Timestamp.from(lastRunAt), id);
    }

    /** Records the status of some of the workflow's nodes, and the time they took (null: not known). */
    void markNodes(String id, Collection<String> nodeIds, String status, Long executionTimeMs) {
        for (String nodeId : nodeIds) {
            jdbc.update("UPDATE workflow_nodes SET status = ?, execution_time_ms = ? WHERE workflow_id = ? AND id = ?", status, executionTimeMs, id, nodeId);
        }
    }

    /** Records a node's status unless its last run completed it (a restart does not run it again). */
    void markNodesUnlessCompleted(String id, String nodeId, String status) {
        jdbc.update("UPDATE workflow_nodes SET status = ? WHERE workflow_id = ? AND id = ? AND (status IS NULL OR status <> 'completed')",
                status, id, nodeId);
    }

    /** Marks the nodes still pending or running {@code skipped}: they did not run because a node before them failed. */
    void skipUnfinished(String id) {
        jdbc.update("UPDATE workflow_nodes SET status = 'skipped' WHERE workflow_id = ? AND status IN ('pending', 'running')", id);
    }

    private static String port(String handle) {
        return handle == null || handle.isBlank() ? WorkflowDefinition.DEFAULT_PORT : handle;
    }
}
