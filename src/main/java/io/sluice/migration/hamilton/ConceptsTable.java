package io.sluice.migration.hamilton;

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
import static io.sluice.migration.hamilton.LegacyValues.requiredTime;
import static io.sluice.migration.hamilton.LegacyValues.targetInteger;
import static io.sluice.migration.hamilton.LegacyValues.targetJson;
import static io.sluice.migration.hamilton.LegacyValues.targetTime;

/** Hamilton's business concepts, each of one registered database. Hamilton keeps no confidence for them: it stays NULL. */
final class ConceptsTable implements HamiltonTable<ConceptsTable.LegacyConcept, ConceptsTable.Concept> {

    private static final String SELECT_SOURCE = """
            SELECT id, database_id, cluster_id, name, description, id_attributes, conditions, joins, confirmed, created_at, updated_at
            FROM concepts ORDER BY id
            """;
    private static final String SELECT_SOURCE_BY_ID = """
            SELECT id, database_id, cluster_id, name, description, id_attributes, conditions, joins, confirmed, created_at, updated_at
            FROM concepts WHERE id = ?
            """;
    private static final String SELECT_TARGET = """
            SELECT id, database_id, cluster_id, name, description, id_attributes, conditions, joins, confirmed, created_at, updated_at
            FROM concepts WHERE id IN (:ids)
            """;
    private static final String INSERT_TARGET = """
            INSERT INTO concepts (id, database_id, cluster_id, name, description, id_attributes, conditions, joins, confirmed,
                                  created_at, updated_at)
            VALUES (:id, :database_id, :cluster_id, :name, :description, CAST(:id_attributes AS jsonb),
                    CAST(:conditions AS jsonb), CAST(:joins AS jsonb), :confirmed, :created_at, :updated_at)
            """;
    private static final String UPDATE_TARGET = """
            UPDATE concepts SET database_id = :database_id, cluster_id = :cluster_id, name = :name,
                   description = :description, id_attributes = CAST(:id_attributes AS jsonb),
                   conditions = CAST(:conditions AS jsonb), joins = CAST(:joins AS jsonb), confirmed = :confirmed,
                   created_at = :created_at, updated_at = :updated_at
            WHERE id = :id
            """;
    private static final Statements STATEMENTS = new Statements("concepts", SELECT_SOURCE, SELECT_SOURCE_BY_ID, SELECT_TARGET,
            INSERT_TARGET, UPDATE_TARGET);

    record LegacyConcept(String id, String databaseId, String clusterId, String name, String description,
                         String idAttributes, String conditions, String joins, String confirmed, String createdAt,
                         String updatedAt) {
    }

    record Concept(String id, String databaseId, Integer clusterId, String name, String description, JsonNode idAttributes,
                   JsonNode conditions, JsonNode joins, boolean confirmed, OffsetDateTime createdAt, OffsetDateTime updatedAt) {
    }

    @Override
    public Statements statements() {
        return STATEMENTS;
    }

    @Override
    public LegacyConcept readSource(ResultSet rs) throws SQLException {
        return new LegacyConcept(rs.getString("id"), rs.getString("database_id"), rs.getString("cluster_id"),
                rs.getString("name"), rs.getString("description"), rs.getString("id_attributes"), rs.getString("conditions"),
                rs.getString("joins"), rs.getString("confirmed"), rs.getString("created_at"), rs.getString("updated_at"));
    }

    @Override
    public String sourceKey(LegacyConcept row) {
        return row.id();
    }

    @Override
    public Concept convert(LegacyConcept row) {
        return new Concept(required("id", row.id(), 100), required("database_id", row.databaseId(), 50),
                integer("cluster_id", row.clusterId()), required("name", row.name(), 255), row.description(),
                json("id_attributes", row.idAttributes()), json("conditions", row.conditions()), json("joins", row.joins()),
                bool("confirmed", row.confirmed()), requiredTime("created_at", row.createdAt()),
                requiredTime("updated_at", row.updatedAt()));
    }

    @Override
    public List<Reference> references(Concept row) {
        return List.of(new Reference("database_id", "databases", row.databaseId()));
    }

    @Override
    public Object key(Concept row) {
        return row.id();
    }

    @Override
    public Concept readTarget(ResultSet rs) throws SQLException {
        return new Concept(rs.getString("id"), rs.getString("database_id"), targetInteger(rs, "cluster_id"),
                rs.getString("name"), rs.getString("description"), targetJson(rs, "id_attributes"),
                targetJson(rs, "conditions"), targetJson(rs, "joins"), rs.getBoolean("confirmed"),
                targetTime(rs, "created_at"), targetTime(rs, "updated_at"));
    }

    @Override
    public SqlParameterSource parameters(Concept row) {
        return new MapSqlParameterSource()
                .addValue("id", row.id())
                .addValue("database_id", row.databaseId())
                .addValue("cluster_id", row.clusterId())
                .addValue("name", row.name())
                .addValue("description", row.description())
                .addValue("id_attributes", jsonText(row.idAttributes()))
                .addValue("conditions", jsonText(row.conditions()))
                .addValue("joins", jsonText(row.joins()))
                .addValue("confirmed", row.confirmed())
                .addValue("created_at", row.createdAt())
                .addValue("updated_at", row.updatedAt());
    }
}
