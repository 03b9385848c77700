package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import tools.jackson.databind.JsonNode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import static io.sluice.migration.hamilton.LegacyValues.bool;
import static io.sluice.migration.hamilton.LegacyValues.integer;
import static io.sluice.migration.hamilton.LegacyValues.json;
import static io.sluice.migration.hamilton.LegacyValues.jsonText;
import static io.sluice.migration.hamilton.LegacyValues.required;
import static io.sluice.migration.hamilton.LegacyValues.requiredInteger;
import static io.sluice.migration.hamilton.LegacyValues.requiredTime;
import static io.sluice.migration.hamilton.LegacyValues.targetJson;
import static io.sluice.migration.hamilton.LegacyValues.targetTime;

/**
 * Hamilton's clustering results, keyed by their legacy integer id. {@code clusters} is stored by
 * Hamilton as a JSON string holding the JSON; it lands decoded, as the array it is.
 */
final class ClusteringResultsTable implements HamiltonTable<ClusteringResultsTable.LegacyClusteringResult, ClusteringResultsTable.ClusteringResult> {

    private static final String SELECT_SOURCE = """
            SELECT id, database_id, name, algorithm, parameters, applied_finetuning, cluster_count, clusters, is_active, created_at
            FROM clustering_results ORDER BY id
            """;
    private static final String SELECT_SOURCE_BY_ID = """
            SELECT id, database_id, name, algorithm, parameters, applied_finetuning, cluster_count, clusters, is_active, created_at
            FROM clustering_results WHERE id = ?
            """;
    private static final String SELECT_TARGET = """
            SELECT id, database_id, name, algorithm, parameters, applied_finetuning, cluster_count, clusters, is_active, created_at
            FROM clustering_results WHERE id IN (:ids)
            """;
    private static final String INSERT_TARGET = """
            INSERT INTO clustering_results (id, database_id, name, algorithm, parameters, applied_finetuning, cluster_count,
                                            clusters, is_active, created_at)
            VALUES (:id, :database_id, :name, :algorithm, CAST(:parameters AS jsonb), :applied_finetuning, :cluster_count,
                    CAST(:clusters AS jsonb), :is_active, :created_at)
            """;
    private static final String UPDATE_TARGET = """
            UPDATE clustering_results SET database_id = :database_id, name = :name, algorithm = :algorithm,
                   parameters = CAST(:parameters AS jsonb), applied_finetuning = :applied_finetuning,
                   cluster_count = :cluster_count, clusters = CAST(:clusters AS jsonb), is_active = :is_active,
                   created_at = :created_at
            WHERE id = :id
            """;
    private static final Statements STATEMENTS = new Statements("clustering_results", SELECT_SOURCE, SELECT_SOURCE_BY_ID, SELECT_TARGET,
            INSERT_TARGET, UPDATE_TARGET);

    record LegacyClusteringResult(String id, String databaseId, String name, String algorithm, String parameters,
                                  String appliedFinetuning, String clusterCount, String clusters, String isActive,
                                  String createdAt) {
    }

    record ClusteringResult(long id, String databaseId, String name, String algorithm, JsonNode parameters,
                            boolean appliedFinetuning, int clusterCount, JsonNode clusters, boolean isActive,
                            OffsetDateTime createdAt) {
    }

    @Override
    public Statements statements() {
        return STATEMENTS;
    }

    @Override
    public LegacyClusteringResult readSource(ResultSet rs) throws SQLException {
        return new LegacyClusteringResult(rs.getString("id"), rs.getString("database_id"), rs.getString("name"),
                rs.getString("algorithm"), rs.getString("parameters"), rs.getString("applied_finetuning"),
                rs.getString("cluster_count"), rs.getString("clusters"), rs.getString("is_active"), rs.getString("created_at"));
    }

    @Override
    public String sourceKey(LegacyClusteringResult row) {
        return row.id();
    }

    @Override
    public ClusteringResult convert(LegacyClusteringResult row) {
        Integer id = integer("id", row.id());
        if (id == null) {
            throw new InvalidRecordException("missing id");
        }
        JsonNode clusters = json("clusters", row.clusters());
        if (clusters == null) {
            throw new InvalidRecordException("missing clusters");
        }
        if (!clusters.isArray() && !clusters.isObject()) {
            throw new InvalidRecordException("clusters must be a JSON array, found " + clusters.getNodeType());
        }
        int clusterCount = requiredInteger("cluster_count", row.clusterCount());
        if (clusterCount < 0) {
            throw new InvalidRecordException("cluster_count " + clusterCount + " is negative");
        }
        return new ClusteringResult(id, required("database_id", row.databaseId(), 50), required("name", row.name(), 255),
                required("algorithm", row.algorithm(), 50), json("parameters", row.parameters()),
                bool("applied_finetuning", row.appliedFinetuning()), clusterCount, clusters, bool("is_active", row.isActive()),
                requiredTime("created_at", row.createdAt()));
    }

    @Override
    public List<Reference> references(ClusteringResult row) {
        return List.of(new Reference("database_id", "databases", row.databaseId()));
    }

    @Override
    public Object key(ClusteringResult row) {
        return row.id();
    }

    @Override
    public ClusteringResult readTarget(ResultSet rs) throws SQLException {
        return new ClusteringResult(rs.getLong("id"), rs.getString("database_id"), rs.getString("name"),
                rs.getString("algorithm"), targetJson(rs, "parameters"), rs.getBoolean("applied_finetuning"),
                rs.getInt("cluster_count"), targetJson(rs, "clusters"), rs.getBoolean("is_active"), targetTime(rs, "created_at"));
    }

    @Override
    public SqlParameterSource parameters(ClusteringResult row) {
        return new MapSqlParameterSource()
                .addValue("id", row.id())
                .addValue("database_id", row.databaseId())
                .addValue("name", row.name())
                .addValue("algorithm", row.algorithm())
                .addValue("parameters", jsonText(row.parameters()))
                .addValue("applied_finetuning", row.appliedFinetuning())
                .addValue("cluster_count", row.clusterCount())
                .addValue("clusters", jsonText(row.clusters()))
                .addValue("is_active", row.isActive())
                .addValue("created_at", row.createdAt());
    }
}
