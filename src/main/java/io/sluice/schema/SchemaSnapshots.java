package io.sluice.schema;

import io.sluice.persistence.SchemaJson;
import io.sluice.persistence.TableSchema;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The snapshots of registered databases' schemas ({@code schema_snapshots}, {@code schema_snapshot_tables})
 * and the cached {@code schema_json} of {@code databases}. A snapshot belongs to one job instance: its
 * tables are listed once, then described a chunk at a time (a table not yet described has no
 * {@code table_json}), then the snapshot is complete.
 */
@Component
class SchemaSnapshots {

    private static final String OF_INSTANCE = "SELECT id FROM schema_snapshots WHERE job_instance_id = :instance";
    private static final String INSERT = """
            INSERT INTO schema_snapshots (database_id, job_instance_id, status, table_count, created_at)
            VALUES (:database, :instance, 'extracting', :tables, :now)
            """;
    private static final String INSERT_TABLE = """
            INSERT INTO schema_snapshot_tables (snapshot_id, position, schema_name, table_name) VALUES (?, ?, ?, ?)
            """;
    private static final String PENDING = """
            SELECT position, schema_name, table_name FROM schema_snapshot_tables
            WHERE snapshot_id = :snapshot AND table_json IS NULL ORDER BY position
            """;
    private static final String DESCRIBE = "UPDATE schema_snapshot_tables SET table_json = ? WHERE snapshot_id = ? AND position = ?";
    private static final String DROPPED = "DELETE FROM schema_snapshot_tables WHERE snapshot_id = ? AND position = ?";
    private static final String TABLES = """
            SELECT table_json FROM schema_snapshot_tables WHERE snapshot_id = :snapshot AND table_json IS NOT NULL ORDER BY position
            """;
    private static final String COUNT = "SELECT count(*) FROM schema_snapshot_tables WHERE snapshot_id = :snapshot";
    private static final String PREVIOUS = """
            SELECT id FROM schema_snapshots WHERE database_id = :database AND status = 'complete' AND id < :snapshot ORDER BY id DESC
            """;
    private static final String COMPLETE = """
            UPDATE schema_snapshots SET status = 'complete', table_count = :tables, changes = :changes, completed_at = :now WHERE id = :snapshot
            """;
    private static final String CACHE = """
            UPDATE databases SET schema_json = CAST(:schema AS jsonb), table_count = :tables, updated_at = :now WHERE id = :database
            """;
    private static final String DATABASE_OF = "SELECT database_id FROM schema_snapshots WHERE id = :snapshot";

    private final JdbcClient jdbc;
    /** For the batches, which JdbcClient has not. */
    private final JdbcTemplate template;

    SchemaSnapshots(JdbcClient jdbc, JdbcTemplate template) {
        this.jdbc = jdbc;
        this.template = template;
    }

    /** A listed table not yet described: its position in the snapshot (from 0) and its name. */
    record PendingTable(int position, TableSchema.Name name) {
    }

    /** The snapshot a job instance made, if it listed its tables already. */
    Optional<Long> ofInstance(long jobInstanceId) {
        return jdbc.sql(OF_INSTANCE).param("instance", jobInstanceId).query(Long.class).optional();
    }

    /** Starts a job instance's snapshot of {@code databaseId} with its listed tables, none described yet. */
    long create(String databaseId, long jobInstanceId, List<TableSchema.Name> tables) {
        jdbc.sql(INSERT).param("database", databaseId).param("instance", jobInstanceId).param("tables", tables.size())
                .param("now", Timestamp.from(Instant.now())).update();
        long snapshot = ofInstance(jobInstanceId).orElseThrow();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            rows.add(new Object[] {snapshot, i, tables.get(i).schema(), tables.get(i).name()});
        }
        batch(INSERT_TABLE, rows);
        return snapshot;
    }

    /** The tables still to describe, in order. */
    List<PendingTable> pending(long snapshot) {
        return jdbc.sql(PENDING).param("snapshot", snapshot).query((rs, row) -> new PendingTable(rs.getInt("position"),
                new TableSchema.Name(rs.getString("schema_name"), rs.getString("table_name")))).list();
    }

    /** How many tables the snapshot lists. */
    int size(long snapshot) {
        return jdbc.sql(COUNT).param("snapshot", snapshot).query(Integer.class).single();
    }

    /**
     * Keeps the descriptions of a chunk of listed tables; a listed table without one (dropped since it was
     * listed) leaves the snapshot.
     */
    void described(long snapshot, List<PendingTable> chunk, List<TableSchema> descriptions) {
        List<Object[]> described = new ArrayList<>();
        List<Object[]> dropped = new ArrayList<>();
        for (PendingTable table : chunk) {
            Optional<TableSchema> description = descriptions.stream().filter(d -> d.tableName().equals(table.name())).findFirst();
            if (description.isPresent()) {
                described.add(new Object[] {SchemaJson.table(description.get()), snapshot, table.position()});
            } else {
                dropped.add(new Object[] {snapshot, table.position()});
            }
        }
        batch(DESCRIBE, described);
        batch(DROPPED, dropped);
    }

    /** The described tables of a snapshot, in order. */
    List<TableSchema> tables(long snapshot) {
        return jdbc.sql(TABLES).param("snapshot", snapshot).query((rs, row) -> SchemaJson.table(rs.getString("table_json"))).list();
    }

    /** The database's last complete snapshot before {@code snapshot}, if any. */
    Optional<Long> previous(String databaseId, long snapshot) {
        return jdbc.sql(PREVIOUS).param("database", databaseId).param("snapshot", snapshot).query(Long.class).list().stream().findFirst();
    }

    String databaseOf(long snapshot) {
        return jdbc.sql(DATABASE_OF).param("snapshot", snapshot).query(String.class).single();
    }

    /** Marks the snapshot complete with what changed since the previous one, and caches its schema in {@code databases}. */
    void complete(long snapshot, List<TableSchema> tables, String changesJson) {
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql(COMPLETE).param("snapshot", snapshot).param("tables", tables.size()).param("changes", changesJson).param("now", now).update();
        jdbc.sql(CACHE).param("database", databaseOf(snapshot)).param("schema", SchemaJson.hamilton(tables)).param("tables", tables.size())
                .param("now", now).update();
    }

    private void batch(String sql, List<Object[]> rows) {
        if (!rows.isEmpty()) {
            template.batchUpdate(sql, rows);
        }
    }
}
