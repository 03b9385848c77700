package io.sluice.migration.datawrangler;

import io.sluice.batch.KeyedUpsert;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import tools.jackson.databind.ObjectMapper;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Writes datasets and their tags keyed by the legacy id. Per chunk the stored rows are read; an id
 * not stored is inserted; a stored one is merged with the entry by {@link DatasetMerge} and updated
 * only when the merge changed it, so that the index step merges into what the {@code datasets.json}
 * step wrote and a second migration changes nothing. A dataset's tags are replaced with its row.
 */
class DatasetItemWriter implements ItemWriter<Dataset> {

    private static final String SELECT_DATASETS = """
            SELECT id, name, description, file_path, source, meta_data, created_at, updated_at, indexed_at
            FROM datasets WHERE id IN (:ids)
            """;
    private static final String SELECT_DATASET_TAGS = """
            SELECT dt.dataset_id, t.name
            FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id
            WHERE dt.dataset_id IN (:ids)
            """;
    private static final String INSERT_DATASET = """
            INSERT INTO datasets (id, name, description, file_path, source, meta_data, created_at, updated_at, indexed_at)
            VALUES (:id, :name, :description, :file_path, :source, CAST(:meta_data AS jsonb), :created_at, :updated_at, :indexed_at)
            """;
    private static final String UPDATE_DATASET = """
            UPDATE datasets SET name = :name, description = :description, file_path = :file_path, source = :source,
                   meta_data = CAST(:meta_data AS jsonb), created_at = :created_at, updated_at = :updated_at,
                   indexed_at = :indexed_at
            WHERE id = :id
            """;
    private static final String SELECT_TAGS = """
            SELECT id, name FROM tags WHERE name IN (:names)
            """;
    private static final String INSERT_TAG = """
            INSERT INTO tags (name) VALUES (:name)
            """;
    private static final String DELETE_DATASET_TAGS = """
            DELETE FROM dataset_tags WHERE dataset_id IN (:ids)
            """;
    private static final String INSERT_DATASET_TAG = """
            INSERT INTO dataset_tags (dataset_id, tag_id) VALUES (:dataset_id, :tag_id)
            """;

    private final NamedParameterJdbcTemplate jdbc;
    private final TargetColumns columns;

    DatasetItemWriter(NamedParameterJdbcTemplate jdbc, ObjectMapper mapper) {
        this.jdbc = jdbc;
        this.columns = new TargetColumns(mapper);
    }

    @Override
    public void write(Chunk<? extends Dataset> chunk) {
        Map<String, Dataset> incoming = KeyedUpsert.byKey(chunk, Dataset::id, true);
        if (incoming.isEmpty()) {
            return;
        }
        Map<String, Dataset> stored = storedDatasets(KeyedUpsert.keys(incoming));
        KeyedUpsert.Sorted<Dataset> sorted = KeyedUpsert.sort(incoming, stored, Dataset::asRow, (dataset, current) -> {
            Dataset merged = DatasetMerge.merge(current, dataset);
            return merged.equals(current) ? null : merged;
        });
        List<Dataset> inserts = sorted.inserts();
        List<Dataset> updates = sorted.updates();
        List<Dataset> retagged = new ArrayList<>();
        inserts.stream().filter(dataset -> !dataset.tags().isEmpty()).forEach(retagged::add);
        updates.stream().filter(merged -> !merged.tags().equals(stored.get(merged.id()).tags())).forEach(retagged::add);
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate(INSERT_DATASET, inserts.stream().map(this::parameters).toArray(SqlParameterSource[]::new));
        }
        if (!updates.isEmpty()) {
            jdbc.batchUpdate(UPDATE_DATASET, updates.stream().map(this::parameters).toArray(SqlParameterSource[]::new));
        }
        writeTags(retagged);
        sorted.count();
    }

    private void writeTags(List<Dataset> datasets) {
        if (datasets.isEmpty()) {
            return;
        }
        TreeSet<String> names = new TreeSet<>();
        datasets.forEach(dataset -> names.addAll(dataset.tags()));
        Map<String, Long> ids = new HashMap<>();
        if (!names.isEmpty()) {
            ids.putAll(tagIds(names));
            List<SqlParameterSource> missing = names.stream().filter(name -> !ids.containsKey(name))
                    .map(name -> (SqlParameterSource) new MapSqlParameterSource("name", name)).toList();
            if (!missing.isEmpty()) {
                jdbc.batchUpdate(INSERT_TAG, missing.toArray(SqlParameterSource[]::new));
                ids.putAll(tagIds(names));
            }
        }
        jdbc.update(DELETE_DATASET_TAGS, Map.of("ids", datasets.stream().map(Dataset::id).toList()));
        List<SqlParameterSource> links = new ArrayList<>();
        datasets.forEach(dataset -> dataset.tags().forEach(tag -> links.add(new MapSqlParameterSource()
                .addValue("dataset_id", dataset.id())
                .addValue("tag_id", ids.get(tag)))));
        if (!links.isEmpty()) {
            jdbc.batchUpdate(INSERT_DATASET_TAG, links.toArray(SqlParameterSource[]::new));
        }
    }

    private Map<String, Long> tagIds(TreeSet<String> names) {
        Map<String, Long> ids = new HashMap<>();
        jdbc.query(SELECT_TAGS, Map.of("names", names), (ResultSet rs) -> {
            ids.put(rs.getString("name"), rs.getLong("id"));
        });
        return ids;
    }

    private Map<String, Dataset> storedDatasets(List<String> ids) {
        Map<String, TreeSet<String>> tags = new HashMap<>();
        jdbc.query(SELECT_DATASET_TAGS, Map.of("ids", ids), (ResultSet rs) -> {
            tags.computeIfAbsent(rs.getString("dataset_id"), id -> new TreeSet<>()).add(rs.getString("name"));
        });
        Map<String, Dataset> datasets = new HashMap<>();
        jdbc.query(SELECT_DATASETS, Map.of("ids", ids), (ResultSet rs) -> {
            String id = rs.getString("id");
            datasets.put(id, new Dataset(id, rs.getString("name"), rs.getString("description"), rs.getString("file_path"),
                    rs.getString("source"), columns.json(rs, "meta_data"), TargetColumns.time(rs, "created_at"),
                    TargetColumns.time(rs, "updated_at"), TargetColumns.time(rs, "indexed_at"),
                    List.copyOf(tags.getOrDefault(id, new TreeSet<>())), null));
        });
        return datasets;
    }

    private SqlParameterSource parameters(Dataset dataset) {
        return new MapSqlParameterSource()
                .addValue("id", dataset.id())
                .addValue("name", dataset.name())
                .addValue("description", dataset.description())
                .addValue("file_path", dataset.filePath())
                .addValue("source", dataset.source())
                .addValue("meta_data", columns.text(dataset.metadata()))
                .addValue("created_at", dataset.createdAt())
                .addValue("updated_at", dataset.updatedAt())
                .addValue("indexed_at", dataset.indexedAt());
    }
}
