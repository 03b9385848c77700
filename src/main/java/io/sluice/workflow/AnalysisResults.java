package io.sluice.workflow;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The rows of {@code analysis_results}: one for each completed run of an {@link Analysis} node.
 *
 * <p>{@code workflow_id} is the stored workflow's id when the run was of a stored workflow
 * ({@code workflow run ID}), and null when it was of a file ({@code workflow run --file}: such a run
 * has no {@code workflows} row to refer to); {@code node_id} is always the node's id.
 * {@code dataset_id} is null (sources read files, not registered datasets, for now). The result is
 * JSON ({@code jsonb} on PostgreSQL, text on HSQLDB).
 */
@Component
class AnalysisResults {

    private static final String INSERT = """
            INSERT INTO analysis_results (workflow_id, node_id, dataset_id, analysis_type, result, created_at)
            VALUES (:workflow_id, :node_id, :dataset_id, :analysis_type, CAST(:result AS jsonb), :created_at)
            """;
    private static final String OF_NODE = """
            SELECT id, workflow_id, node_id, analysis_type, result, created_at
            FROM analysis_results
            WHERE node_id = :node_id AND (workflow_id = :workflow_id OR (:workflow_id IS NULL AND workflow_id IS NULL))
            ORDER BY id
            """;

    /** A stored row; {@code result} is the JSON text as the database gives it back. */
    record StoredResult(long id, String workflowId, String nodeId, String analysisType, String result, Instant createdAt) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json = JsonMapper.builder().build();

    AnalysisResults(JdbcTemplate jdbc) {
        this.jdbc = JdbcClient.create(jdbc);
    }

    /**
     * Stores one result.
     *
     * @param workflowId the stored workflow's id, or null for a run of a file
     * @param result     a JSON tree (see {@link Analysis#result()})
     */
    void store(String workflowId, String nodeId, String analysisType, Map<String, Object> result) {
        jdbc.sql(INSERT)
                .param("workflow_id", workflowId)
                .param("node_id", nodeId)
                .param("dataset_id", null, java.sql.Types.VARCHAR)
                .param("analysis_type", analysisType)
                .param("result", json.writeValueAsString(result))
                .param("created_at", Timestamp.from(Instant.now()))
                .update();
    }

    /** The results of one node, oldest first; {@code workflowId} null for the runs of files. */
    List<StoredResult> ofNode(String workflowId, String nodeId) {
        return jdbc.sql(OF_NODE)
                .param("node_id", nodeId)
                .param("workflow_id", workflowId, java.sql.Types.VARCHAR)
                .query((rs, row) -> new StoredResult(rs.getLong("id"), rs.getString("workflow_id"), rs.getString("node_id"),
                        rs.getString("analysis_type"), rs.getString("result"), rs.getTimestamp("created_at").toInstant()))
                .list();
    }

    /**
     * What stores the result of the step that ends in {@code analysis}, once its node has finished (add it
     * to the step's {@link InputEnd} after the writer's {@link SegmentWriters.BlockingWriter#finish}).
     */
    InputEnd.Finisher finisher(String workflowId, String nodeId, Analysis analysis) {
        return step -> {
            try {
                store(workflowId, nodeId, analysis.analysisType(), analysis.result());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot store the " + analysis.analysisType() + " result of node " + nodeId + ": " + e.getMessage(), e);
            }
        };
    }
}
