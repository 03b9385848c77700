package io.sluice.schema;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What an analysis leaves in Hamilton's tables: {@code clustering_results} (the new one active, the
 * others not), and {@code concepts}, {@code attributes} and {@code relationships}. Concepts and
 * relationships a user confirmed ({@code confirmed}) are kept when the database is analysed again; the
 * others are replaced.
 */
@Component
class SchemaAnalyses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String DEACTIVATE = "UPDATE clustering_results SET is_active = false WHERE database_id = :database";
    private static final String INSERT_CLUSTERING = """
            INSERT INTO clustering_results (database_id, name, algorithm, parameters, applied_finetuning, cluster_count, clusters,
                                            is_active, created_at, ari, ami)
            VALUES (:database, :name, :algorithm, CAST(:parameters AS jsonb), false, :count, CAST(:clusters AS jsonb), :active, :now, :ari, :ami)
            """;
    private static final String DELETE_UNCONFIRMED_RELATIONSHIPS = "DELETE FROM relationships WHERE database_id = :database AND NOT confirmed";
    // a concept that a confirmed relationship joins stays (deleting it would take the relationship with it); derived again, it is updated in place
    private static final String DELETE_UNCONFIRMED_CONCEPTS = """
            DELETE FROM concepts WHERE database_id = :database AND NOT confirmed
              AND id NOT IN (SELECT from_concept_id FROM relationships WHERE database_id = :database AND confirmed)
              AND id NOT IN (SELECT to_concept_id FROM relationships WHERE database_id = :database AND confirmed)
            """;
    private static final String CONCEPT_STATE = "SELECT confirmed FROM concepts WHERE id = :id";
    private static final String UPDATE_CONCEPT = """
            UPDATE concepts SET cluster_id = :cluster, name = :name, description = :description, id_attributes = CAST(:idAttributes AS jsonb),
                   conditions = CAST(:conditions AS jsonb), joins = CAST(:joins AS jsonb), confidence = :confidence, updated_at = :now
            WHERE id = :id
            """;
    private static final String DELETE_ATTRIBUTES = "DELETE FROM attributes WHERE concept_id = :concept";
    private static final String INSERT_CONCEPT = """
            INSERT INTO concepts (id, database_id, cluster_id, name, description, id_attributes, conditions, joins, confirmed, confidence,
                                  created_at, updated_at)
            VALUES (:id, :database, :cluster, :name, :description, CAST(:idAttributes AS jsonb), CAST(:conditions AS jsonb),
                    CAST(:joins AS jsonb), false, :confidence, :now, :now)
            """;
    private static final String INSERT_ATTRIBUTE = """
            INSERT INTO attributes (id, concept_id, name, column_name, table_name, data_type, is_required, created_at)
            VALUES (:id, :concept, :name, :column, :table, :dataType, :required, :now)
            """;
    private static final String EXISTS_RELATIONSHIP = "SELECT count(*) FROM relationships WHERE id = :id";
    private static final String INSERT_RELATIONSHIP = """
            INSERT INTO relationships (id, database_id, from_concept_id, to_concept_id, name, confidence, confirmed, created_at)
            VALUES (:id, :database, :from, :to, :name, :confidence, false, :now)
            """;
    private static final String COUNT_CONCEPTS = "SELECT count(*) FROM concepts WHERE database_id = :database";
    private static final String LAST_CLUSTERING = "SELECT max(id) FROM clustering_results WHERE database_id = :database";
    private static final String CLUSTERS = "SELECT clusters FROM clustering_results WHERE id = :id";
    private static final String EXISTING_CONCEPTS = "SELECT id FROM concepts WHERE database_id = :database";

    private final JdbcClient jdbc;

    SchemaAnalyses(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Stores a clustering; an active one makes every other of the database inactive.
     *
     * @return its id
     * @param ari null without a ground truth
     */
    long saveClustering(String databaseId, String name, String algorithm, Map<String, Object> parameters, List<TableClustering.Cluster> clusters,
                        boolean active, Double ari, Double ami) {
        if (active) {
            jdbc.sql(DEACTIVATE).param("database", databaseId).update();
        }
        jdbc.sql(INSERT_CLUSTERING).param("database", databaseId).param("name", name).param("algorithm", algorithm)
                .param("parameters", JSON.writeValueAsString(parameters)).param("count", clusters.size())
                .param("clusters", JSON.writeValueAsString(clusters)).param("active", active)
                .param("now", Timestamp.from(Instant.now())).param("ari", ari, java.sql.Types.DOUBLE).param("ami", ami, java.sql.Types.DOUBLE)
                .update();
        return jdbc.sql(LAST_CLUSTERING).param("database", databaseId).query(Long.class).single();
    }

    /** Drops the database's concepts and relationships that no user confirmed, before they are derived again. */
    void dropUnconfirmed(String databaseId) {
        jdbc.sql(DELETE_UNCONFIRMED_RELATIONSHIPS).param("database", databaseId).update();
        jdbc.sql(DELETE_UNCONFIRMED_CONCEPTS).param("database", databaseId).update();
    }

    /**
     * Stores concepts with their attributes: new ones added, those of the same id (a restarted chunk's, or one a
     * confirmed relationship kept) updated in place with their attributes replaced; a concept a user confirmed is
     * left as it is.
     */
    void saveConcepts(String databaseId, List<? extends Concepts.Concept> concepts) {
        Timestamp now = Timestamp.from(Instant.now());
        for (Concepts.Concept concept : concepts) {
            List<Boolean> state = jdbc.sql(CONCEPT_STATE).param("id", concept.id()).query(Boolean.class).list();
            if (!state.isEmpty() && Boolean.TRUE.equals(state.get(0))) {
                continue;
            }
            jdbc.sql(state.isEmpty() ? INSERT_CONCEPT : UPDATE_CONCEPT).param("id", concept.id()).param("database", databaseId)
                    .param("cluster", concept.clusterId()).param("name", concept.name()).param("description", concept.description())
                    .param("idAttributes", JSON.writeValueAsString(concept.idAttributes()))
                    .param("conditions", JSON.writeValueAsString(concept.conditions()))
                    .param("joins", JSON.writeValueAsString(concept.joins()))
                    .param("confidence", concept.confidence()).param("now", now).update();
            jdbc.sql(DELETE_ATTRIBUTES).param("concept", concept.id()).update();
            for (Concepts.Attribute attribute : concept.attributes()) {
                jdbc.sql(INSERT_ATTRIBUTE).param("id", attribute.id()).param("concept", concept.id()).param("name", attribute.name())
                        .param("column", attribute.column()).param("table", attribute.table())
                        .param("dataType", attribute.dataType() == null ? "unknown" : attribute.dataType())
                        .param("required", attribute.required()).param("now", now).update();
            }
        }
    }

    /** The ids of the database's concepts. */
    List<String> conceptIds(String databaseId) {
        return jdbc.sql(EXISTING_CONCEPTS).param("database", databaseId).query(String.class).list();
    }

    /** Stores relationships whose two concepts exist, each once. */
    int saveRelationships(String databaseId, List<Concepts.Relationship> relationships) {
        java.util.Set<String> concepts = new java.util.HashSet<>(conceptIds(databaseId));
        Timestamp now = Timestamp.from(Instant.now());
        int saved = 0;
        for (Concepts.Relationship relationship : relationships) {
            if (!concepts.contains(relationship.fromConcept()) || !concepts.contains(relationship.toConcept())
                    || jdbc.sql(EXISTS_RELATIONSHIP).param("id", relationship.id()).query(Long.class).single() > 0) {
                continue;
            }
            jdbc.sql(INSERT_RELATIONSHIP).param("id", relationship.id()).param("database", databaseId).param("from", relationship.fromConcept())
                    .param("to", relationship.toConcept()).param("name", relationship.name()).param("confidence", relationship.confidence())
                    .param("now", now).update();
            saved++;
        }
        return saved;
    }

    /** The clusters of a stored clustering; none when there is no such clustering. */
    List<TableClustering.Cluster> clusters(long clusteringId) {
        return jdbc.sql(CLUSTERS).param("id", clusteringId).query(String.class).list().stream().findFirst()
                .map(json -> List.of(JSON.readValue(json, TableClustering.Cluster[].class))).orElse(List.of());
    }

    long conceptCount(String databaseId) {
        return jdbc.sql(COUNT_CONCEPTS).param("database", databaseId).query(Long.class).single();
    }
}
