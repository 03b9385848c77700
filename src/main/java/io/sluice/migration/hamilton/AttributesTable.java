package io.sluice.migration.hamilton;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import tools.jackson.databind.JsonNode;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import static io.sluice.migration.hamilton.LegacyValues.bool;
import static io.sluice.migration.hamilton.LegacyValues.json;
import static io.sluice.migration.hamilton.LegacyValues.jsonText;
import static io.sluice.migration.hamilton.LegacyValues.optional;
import static io.sluice.migration.hamilton.LegacyValues.required;
import static io.sluice.migration.hamilton.LegacyValues.requiredTime;
import static io.sluice.migration.hamilton.LegacyValues.targetJson;
import static io.sluice.migration.hamilton.LegacyValues.targetTime;

/** Hamilton's concept attributes; its columns {@code "column"} and {@code "table"} land as {@code column_name}, {@code table_name}. */
final class AttributesTable implements HamiltonTable<AttributesTable.LegacyAttribute, AttributesTable.Attribute> {

    private static final String SELECT_SOURCE = """
            SELECT id, concept_id, name, "column" AS column_name, "table" AS table_name, data_type, is_required,
                   static_value, joins, created_at
            FROM attributes ORDER BY id
            """;
    private static final String SELECT_SOURCE_BY_ID = """
            SELECT id, concept_id, name, "column" AS column_name, "table" AS table_name, data_type, is_required,
                   static_value, joins, created_at
            FROM attributes WHERE id = ?
            """;
    private static final String SELECT_TARGET = """
            SELECT id, concept_id, name, column_name, table_name, data_type, is_required, static_value, joins, created_at
            FROM attributes WHERE id IN (:ids)
            """;
    private static final String INSERT_TARGET = """
            INSERT INTO attributes (id, concept_id, name, column_name, table_name, data_type, is_required, static_value,
                                    joins, created_at)
            VALUES (:id, :concept_id, :name, :column_name, :table_name, :data_type, :is_required, :static_value,
                    CAST(:joins AS jsonb), :created_at)
            """;
    private static final String UPDATE_TARGET = """
            UPDATE attributes SET concept_id = :concept_id, name = :name, column_name = :column_name,
                   table_name = :table_name, data_type = :data_type, is_required = :is_required,
                   static_value = :static_value, joins = CAST(:joins AS jsonb), created_at = :created_at
            WHERE id = :id
            """;
    private static final Statements STATEMENTS = new Statements("attributes", SELECT_SOURCE, SELECT_SOURCE_BY_ID, SELECT_TARGET,
            INSERT_TARGET, UPDATE_TARGET);

    record LegacyAttribute(String id, String conceptId, String name, String column, String table, String dataType,
                           String isRequired, String staticValue, String joins, String createdAt) {
    }

    record Attribute(String id, String conceptId, String name, String columnName, String tableName, String dataType,
                     boolean isRequired, String staticValue, JsonNode joins, OffsetDateTime createdAt) {
    }

    @Override
    public Statements statements() {
        return STATEMENTS;
    }

    @Override
    public LegacyAttribute readSource(ResultSet rs) throws SQLException {
        return new LegacyAttribute(rs.getString("id"), rs.getString("concept_id"), rs.getString("name"),
                rs.getString("column_name"), rs.getString("table_name"), rs.getString("data_type"),
                rs.getString("is_required"), rs.getString("static_value"), rs.getString("joins"), rs.getString("created_at"));
    }

    @Override
    public String sourceKey(LegacyAttribute row) {
        return row.id();
    }

    @Override
    public Attribute convert(LegacyAttribute row) {
        return new Attribute(required("id", row.id(), 100), required("concept_id", row.conceptId(), 100),
                required("name", row.name(), 255), optional("column", row.column(), 255), optional("table", row.table(), 255),
                required("data_type", row.dataType(), 50), bool("is_required", row.isRequired()), row.staticValue(),
                json("joins", row.joins()), requiredTime("created_at", row.createdAt()));
    }

    @Override
    public List<Reference> references(Attribute row) {
        return List.of(new Reference("concept_id", "concepts", row.conceptId()));
    }

    @Override
    public Object key(Attribute row) {
        return row.id();
    }

    @Override
    public Attribute readTarget(ResultSet rs) throws SQLException {
        return new Attribute(rs.getString("id"), rs.getString("concept_id"), rs.getString("name"),
                rs.getString("column_name"), rs.getString("table_name"), rs.getString("data_type"),
                rs.getBoolean("is_required"), rs.getString("static_value"), targetJson(rs, "joins"), targetTime(rs, "created_at"));
    }

    @Override
    public SqlParameterSource parameters(Attribute row) {
        return new MapSqlParameterSource()
                .addValue("id", row.id())
                .addValue("concept_id", row.conceptId())
                .addValue("name", row.name())
                .addValue("column_name", row.columnName())
                .addValue("table_name", row.tableName())
                .addValue("data_type", row.dataType())
                .addValue("is_required", row.isRequired())
                .addValue("static_value", row.staticValue())
                .addValue("joins", jsonText(row.joins()))
                .addValue("created_at", row.createdAt());
    }
}
