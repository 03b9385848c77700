package io.sluice.migration.hamilton;

import io.sluice.batch.JsonValue;
import io.sluice.batch.KeyedUpsert;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes a chunk of one Hamilton table keyed by the legacy ids: the stored versions of the chunk's
 * rows are read back (passwords decrypted), a row not stored is inserted, a stored row that differs
 * is updated, and an equal one is left alone, so that a second run changes nothing. Encryption uses
 * a random nonce, so passwords are compared decrypted, never as stored.
 */
final class UpsertItemWriter<T> implements ItemWriter<T> {

    private final HamiltonTable<?, T> table;
    private final NamedParameterJdbcTemplate jdbc;
    private final DryRunParents dryRunParents;

    /** @param dryRunParents on a dry run, inserts the parents the rolled-back earlier steps would have written; else null */
    UpsertItemWriter(HamiltonTable<?, T> table, NamedParameterJdbcTemplate jdbc, DryRunParents dryRunParents) {
        this.table = table;
        this.jdbc = jdbc;
        this.dryRunParents = dryRunParents;
    }

    @Override
    public void write(Chunk<? extends T> chunk) {
        Map<Object, T> incoming = KeyedUpsert.byKey(chunk, table::key, false);
        if (dryRunParents != null) {
            dryRunParents.insertMissing(table, incoming.values());
        }
        Map<Object, T> stored = new HashMap<>();
        jdbc.query(table.statements().selectTarget(), Map.of("ids", KeyedUpsert.keys(incoming)), (ResultSet rs) -> {
            T row = table.readTarget(rs);
            stored.put(table.key(row), row);
        });
        KeyedUpsert.Sorted<T> sorted = KeyedUpsert.sort(incoming, stored, row -> row,
                (row, current) -> same(current, row) ? null : row);
        if (!sorted.inserts().isEmpty()) {
            jdbc.batchUpdate(table.statements().insert(), sorted.inserts().stream().map(table::parameters).toArray(SqlParameterSource[]::new));
        }
        if (!sorted.updates().isEmpty()) {
            jdbc.batchUpdate(table.statements().update(), sorted.updates().stream().map(table::parameters).toArray(SqlParameterSource[]::new));
        }
        sorted.count();
    }

    /** JSON columns compare by meaning: jsonb gives back {@code 1e2} as {@code 100}, {@code -0.0} as {@code 0.0}. */
    private static boolean same(Object stored, Object incoming) {
        return stored instanceof Record a && incoming instanceof Record b ? JsonValue.sameRecords(a, b) : stored.equals(incoming);
    }
}
