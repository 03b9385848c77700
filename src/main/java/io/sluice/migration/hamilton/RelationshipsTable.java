package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import static io.sluice.migration.hamilton.LegacyValues.bool;
import static io.sluice.migration.hamilton.LegacyValues.number;
import static io.sluice.migration.hamilton.LegacyValues.optional;
import static io.sluice.migration.hamilton.LegacyValues.required;
import static io.sluice.migration.hamilton.LegacyValues.requiredTime;
import static io.sluice.migration.hamilton.LegacyValues.targetDouble;
import static io.sluice.migration.hamilton.LegacyValues.targetTime;

/**
 * Hamilton's relationships between concepts. Hamilton wrote the confidence as a fraction or as a
 * percentage; it lands as a fraction: values above 1 up to 100 are divided by 100, anything
 * outside 0..100 is rejected. (1 itself reads as a fraction: 100 %.)
 */
final class RelationshipsTable implements HamiltonTable<RelationshipsTable.LegacyRelationship, RelationshipsTable.Relationship> {

    private static final String SELECT_SOURCE = """
            SELECT id, database_id, from_concept_id, to_concept_id, name, confidence, confirmed, created_at
            FROM relationships ORDER BY id
            """;
    private static final String SELECT_SOURCE_BY_ID = """
            SELECT id, database_id, from_concept_id, to_concept_id, name, confidence, confirmed, created_at
            FROM relationships WHERE id = ?
            """;
    private static final String SELECT_TARGET = """
            SELECT id, database_id, from_concept_id, to_concept_id, name, confidence, confirmed, created_at
            FROM relationships WHERE id IN (:ids)
            """;
    private static final String INSERT_TARGET = """
            INSERT INTO relationships (id, database_id, from_concept_id, to_concept_id, name, confidence, confirmed, created_at)
            VALUES (:id, :database_id, :from_concept_id, :to_concept_id, :name, :confidence, :confirmed, :created_at)
            """;
    private static final String UPDATE_TARGET = """
            UPDATE relationships SET database_id = :database_id, from_concept_id = :from_concept_id,
                   to_concept_id = :to_concept_id, name = :name, confidence = :confidence, confirmed = :confirmed,
                   created_at = :created_at
            WHERE id = :id
            """;
    private static final Statements STATEMENTS = new Statements("relationships", SELECT_SOURCE, SELECT_SOURCE_BY_ID, SELECT_TARGET,
            INSERT_TARGET, UPDATE_TARGET);

    record LegacyRelationship(String id, String databaseId, String fromConceptId, String toConceptId, String name,
                              String confidence, String confirmed, String createdAt) {
    }

    record Relationship(String id, String databaseId, String fromConceptId, String toConceptId, String name,
                        Double confidence, boolean confirmed, OffsetDateTime createdAt) {
    }

    @Override
    public Statements statements() {
        return STATEMENTS;
    }

    @Override
    public LegacyRelationship readSource(ResultSet rs) throws SQLException {
        return new LegacyRelationship(rs.getString("id"), rs.getString("database_id"), rs.getString("from_concept_id"),
                rs.getString("to_concept_id"), rs.getString("name"), rs.getString("confidence"), rs.getString("confirmed"),
                rs.getString("created_at"));
    }

    @Override
    public String sourceKey(LegacyRelationship row) {
        return row.id();
    }

    @Override
    public Relationship convert(LegacyRelationship row) {
        return new Relationship(required("id", row.id(), 100), required("database_id", row.databaseId(), 50),
                required("from_concept_id", row.fromConceptId(), 100), required("to_concept_id", row.toConceptId(), 100),
                optional("name", row.name(), 255), fraction(number("confidence", row.confidence())),
                bool("confirmed", row.confirmed()), requiredTime("created_at", row.createdAt()));
    }

    /** 0..1 as it is, 1..100 as a percentage; anything else is an error. */
    static Double fraction(Double confidence) {
        if (confidence == null) {
            return null;
        }
        if (confidence < 0 || confidence > 100) {
            throw new InvalidRecordException("confidence " + confidence + " is out of range (0..1, or 0..100 as a percentage)");
        }
        return confidence <= 1 ? confidence : confidence / 100.0;
    }

    @Override
    public List<Reference> references(Relationship row) {
        return List.of(new Reference("database_id", "databases", row.databaseId()),
                new Reference("from_concept_id", "concepts", row.fromConceptId()),
                new Reference("to_concept_id", "concepts", row.toConceptId()));
    }

    @Override
    public Object key(Relationship row) {
        return row.id();
    }

    @Override
    public Relationship readTarget(ResultSet rs) throws SQLException {
        return new Relationship(rs.getString("id"), rs.getString("database_id"), rs.getString("from_concept_id"),
                rs.getString("to_concept_id"), rs.getString("name"), targetDouble(rs, "confidence"), rs.getBoolean("confirmed"),
                targetTime(rs, "created_at"));
    }

    @Override
    public SqlParameterSource parameters(Relationship row) {
        return new MapSqlParameterSource()
                .addValue("id", row.id())
                .addValue("database_id", row.databaseId())
                .addValue("from_concept_id", row.fromConceptId())
                .addValue("to_concept_id", row.toConceptId())
                .addValue("name", row.name())
                .addValue("confidence", row.confidence())
                .addValue("confirmed", row.confirmed())
                .addValue("created_at", row.createdAt());
    }
}
