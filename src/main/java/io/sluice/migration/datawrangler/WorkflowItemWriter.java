package io.sluice.migration.datawrangler;

import io.sluice.batch.KeyedUpsert;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes workflows with their nodes and edges, keyed by the workflow id (the file name) and by
 * (workflow id, node id) and (workflow id, edge id). The workflow file is the whole truth about a
 * workflow: a stored workflow that differs from it in any column, node or edge is updated and its
 * nodes and edges replaced (their run status with them); an identical one is left as it is.
 *
 * <p>A {@code dataset_id} that names no dataset lands as NULL, the id kept in
 * {@code dangling_dataset_id}; once that dataset has been migrated, the next migration links it.
 */
class WorkflowItemWriter implements ItemWriter<Workflow> {

    private static final String SELECT_WORKFLOWS = """
            SELECT id, name, description, dataset_id, dangling_dataset_id, template, created_at, updated_at,
                   created_by, is_ai_generated, meta_data
            FROM workflows WHERE id IN (:ids)
            """;
    private static final String SELECT_NODES = """
            SELECT workflow_id, id, type, position_x, position_y, data
            FROM workflow_nodes WHERE workflow_id IN (:ids)
            """;
    private static final String SELECT_EDGES = """
            SELECT workflow_id, id, source, target, source_handle, target_handle, type
            FROM workflow_edges WHERE workflow_id IN (:ids)
            """;
    private static final String SELECT_DATASETS = """
            SELECT id FROM datasets WHERE id IN (:ids)
            """;
    private static final String INSERT_WORKFLOW = """
            INSERT INTO workflows (id, name, description, dataset_id, dangling_dataset_id, template, created_at, updated_at,
                                   created_by, is_ai_generated, meta_data)
            VALUES (:id, :name, :description, :dataset_id, :dangling_dataset_id, :template, :created_at, :updated_at,
                    :created_by, :is_ai_generated, CAST(:meta_data AS jsonb))
            """;
    private static final String UPDATE_WORKFLOW = """
            UPDATE workflows SET name = :name, description = :description, dataset_id = :dataset_id,
                   dangling_dataset_id = :dangling_dataset_id, template = :template, created_at = :created_at,
                   updated_at = :updated_at, created_by = :created_by, is_ai_generated = :is_ai_generated,
                   meta_data = CAST(:meta_data AS jsonb)
            WHERE id = :id
            """;
    private static final String SET_SOURCE_FOLDER = """
            UPDATE workflows SET source_folder = :folder WHERE id IN (:ids) AND (source_folder IS NULL OR source_folder <> :folder)
            """;
    private static final String DELETE_EDGES = """
            DELETE FROM workflow_edges WHERE workflow_id IN (:ids)
            """;
    private static final String DELETE_NODES = """
            DELETE FROM workflow_nodes WHERE workflow_id IN (:ids)
            """;
    private static final String INSERT_NODE = """
            INSERT INTO workflow_nodes (workflow_id, id, type, position_x, position_y, data)
            VALUES (:workflow_id, :id, :type, :position_x, :position_y, CAST(:data AS jsonb))
            """;
    private static final String INSERT_EDGE = """
            INSERT INTO workflow_edges (workflow_id, id, source, target, source_handle, target_handle, type)
            VALUES (:workflow_id, :id, :source, :target, :source_handle, :target_handle, :type)
            """;

    /** A workflow as stored: its dataset link resolved, and the dataset id it names when that is missing. */
    record Landed(Workflow workflow, String danglingDatasetId) {
    }

    private final NamedParameterJdbcTemplate jdbc;
    private final String sourceFolder;
    private final TargetColumns columns;

    /** @param storeRoot the data folder the workflows come from: their relative paths resolve against it when they run */
    WorkflowItemWriter(NamedParameterJdbcTemplate jdbc, ObjectMapper mapper, Path storeRoot) {
        this.jdbc = jdbc;
        this.columns = new TargetColumns(mapper);
        this.sourceFolder = storeRoot.toAbsolutePath().normalize().toString();
    }

    @Override
    public void write(Chunk<? extends Workflow> chunk) {
        Map<String, Workflow> incoming = KeyedUpsert.byKey(chunk, Workflow::id, false);
        if (incoming.isEmpty()) {
            return;
        }
        Set<String> datasets = existingDatasets(incoming.values());
        Map<String, Landed> stored = storedWorkflows(KeyedUpsert.keys(incoming));
        KeyedUpsert.Sorted<Landed> sorted = KeyedUpsert.sort(incoming, stored, workflow -> resolve(workflow, datasets),
                (workflow, current) -> {
                    Landed landed = resolve(workflow, datasets);
                    return landed.equals(current) ? null : landed;
                });
        List<Landed> inserts = sorted.inserts();
        List<Landed> updates = sorted.updates();
        if (!updates.isEmpty()) {
            List<String> ids = updates.stream().map(landed -> landed.workflow().id()).toList();
            jdbc.update(DELETE_EDGES, Map.of("ids", ids));
            jdbc.update(DELETE_NODES, Map.of("ids", ids));
            jdbc.batchUpdate(UPDATE_WORKFLOW, updates.stream().map(this::workflowParameters).toArray(SqlParameterSource[]::new));
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate(INSERT_WORKFLOW, inserts.stream().map(this::workflowParameters).toArray(SqlParameterSource[]::new));
        }
        List<SqlParameterSource> nodes = new ArrayList<>();
        List<SqlParameterSource> edges = new ArrayList<>();
        for (List<Landed> written : List.of(inserts, updates)) {
            for (Landed landed : written) {
                Workflow workflow = landed.workflow();
                workflow.nodes().forEach(node -> nodes.add(nodeParameters(workflow.id(), node)));
                workflow.edges().forEach(edge -> edges.add(edgeParameters(workflow.id(), edge)));
            }
        }
        if (!nodes.isEmpty()) {
            jdbc.batchUpdate(INSERT_NODE, nodes.toArray(SqlParameterSource[]::new));
        }
        if (!edges.isEmpty()) {
            jdbc.batchUpdate(INSERT_EDGE, edges.toArray(SqlParameterSource[]::new));
        }
        // where they were read from, not part of what counts as changed
        jdbc.update(SET_SOURCE_FOLDER, Map.of("ids", KeyedUpsert.keys(incoming), "folder", sourceFolder));
        sorted.count();
    }

    private static Landed resolve(Workflow workflow, Set<String> datasets) {
        String dataset = workflow.datasetId();
        return dataset == null || datasets.contains(dataset) ? new Landed(workflow, null)
                : new Landed(workflow.withDatasetId(null), dataset);
    }

    private Set<String> existingDatasets(Iterable<? extends Workflow> workflows) {
        Set<String> named = new HashSet<>();
        workflows.forEach(workflow -> {
            if (workflow.datasetId() != null) {
                named.add(workflow.datasetId());
            }
        });
        return named.isEmpty() ? Set.of() : new HashSet<>(jdbc.queryForList(SELECT_DATASETS, Map.of("ids", named), String.class));
    }

    private Map<String, Landed> storedWorkflows(List<String> ids) {
        Map<String, List<Workflow.Node>> nodes = new HashMap<>();
        jdbc.query(SELECT_NODES, Map.of("ids", ids), (ResultSet rs) -> {
            nodes.computeIfAbsent(rs.getString("workflow_id"), id -> new ArrayList<>())
                    .add(new Workflow.Node(rs.getString("id"), rs.getString("type"), nullableDouble(rs, "position_x"),
                            nullableDouble(rs, "position_y"), columns.json(rs, "data")));
        });
        Map<String, List<Workflow.Edge>> edges = new HashMap<>();
        jdbc.query(SELECT_EDGES, Map.of("ids", ids), (ResultSet rs) -> {
            edges.computeIfAbsent(rs.getString("workflow_id"), id -> new ArrayList<>())
                    .add(new Workflow.Edge(rs.getString("id"), rs.getString("source"), rs.getString("target"),
                            rs.getString("source_handle"), rs.getString("target_handle"), rs.getString("type")));
        });
        Map<String, Landed> workflows = new HashMap<>();
        jdbc.query(SELECT_WORKFLOWS, Map.of("ids", ids), (ResultSet rs) -> {
            String id = rs.getString("id");
            List<Workflow.Node> storedNodes = new ArrayList<>(nodes.getOrDefault(id, List.of()));
            storedNodes.sort(Comparator.comparing(Workflow.Node::id));
            List<Workflow.Edge> storedEdges = new ArrayList<>(edges.getOrDefault(id, List.of()));
            storedEdges.sort(Comparator.comparing(Workflow.Edge::id));
            Workflow workflow = new Workflow(id, rs.getString("name"), rs.getString("description"), rs.getString("dataset_id"),
                    rs.getString("template"), TargetColumns.time(rs, "created_at"), TargetColumns.time(rs, "updated_at"),
                    rs.getString("created_by"), rs.getObject("is_ai_generated", Boolean.class), columns.json(rs, "meta_data"),
                    List.copyOf(storedNodes), List.copyOf(storedEdges));
            workflows.put(id, new Landed(workflow, rs.getString("dangling_dataset_id")));
        });
        return workflows;
    }

    private SqlParameterSource workflowParameters(Landed landed) {
        Workflow workflow = landed.workflow();
        return new MapSqlParameterSource()
                .addValue("id", workflow.id())
                .addValue("name", workflow.name())
                .addValue("description", workflow.description())
                .addValue("dataset_id", workflow.datasetId())
                .addValue("dangling_dataset_id", landed.danglingDatasetId())
                .addValue("template", workflow.template())
                .addValue("created_at", workflow.createdAt())
                .addValue("updated_at", workflow.updatedAt())
                .addValue("created_by", workflow.createdBy())
                .addValue("is_ai_generated", workflow.isAiGenerated())
                .addValue("meta_data", columns.text(workflow.metadata()));
    }

    private SqlParameterSource nodeParameters(String workflowId, Workflow.Node node) {
        return new MapSqlParameterSource()
                .addValue("workflow_id", workflowId)
                .addValue("id", node.id())
                .addValue("type", node.type())
                .addValue("position_x", node.positionX())
                .addValue("position_y", node.positionY())
                .addValue("data", columns.text(node.data()));
    }

    private static SqlParameterSource edgeParameters(String workflowId, Workflow.Edge edge) {
        return new MapSqlParameterSource()
                .addValue("workflow_id", workflowId)
                .addValue("id", edge.id())
                .addValue("source", edge.source())
                .addValue("target", edge.target())
                .addValue("source_handle", edge.sourceHandle())
                .addValue("target_handle", edge.targetHandle())
                .addValue("type", edge.type());
    }

    private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
        double value = rs.getDouble(column);
        return rs.wasNull() ? null : value;
    }
}
