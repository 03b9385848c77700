package io.sluice.migration.hamilton;

import io.sluice.batch.JsonValue;
import io.sluice.batch.WriteCounts;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
        Map<Object, T> incoming = new LinkedHashMap<>();
        chunk.forEach(row -> incoming.put(table.key(row), row));
        if (dryRunParents != null) {
            dryRunParents.insertMissing(table, incoming.values());
        }
        Map<Object, T> stored = new HashMap<>();
        jdbc.query(table.statements().selectTarget(), Map.of("ids", new ArrayList<>(incoming.keySet())), (ResultSet rs) -> {
            T row = table.readTarget(rs);
            stored.put(table.key(row), row);
        });
        List<SqlParameterSource> inserts = new ArrayList<>();
        List<SqlParameterSource> updates = new ArrayList<>();
        for (Map.Entry<Object, T> entry : incoming.entrySet()) {
            T current = stored.get(entry.getKey());
            if (current == null) {
                inserts.add(table.parameters(entry.getValue()));
            } else if (!same(current, entry.getValue())) {
                updates.add(table.parameters(entry.getValue()));
            }
        }
        if (!inserts.isEmpty()) {
            jdbc.batchUpdate(table.statements().insert(), inserts.toArray(SqlParameterSource[]::new));
        }
        if (!updates.isEmpty()) {
            jdbc.batchUpdate(table.statements().update(), updates.toArray(SqlParameterSource[]::new));
        }
        WriteCounts.addToCurrentStep(inserts.size(), updates.size(), incoming.size() - inserts.size() - updates.size());
    }

    /** JSON columns compare by meaning: jsonb gives back {@code 1e2} as {@code 100}, {@code -0.0} as {@code 0.0}. */
    private static boolean same(Object stored, Object incoming) {
        return stored instanceof Record a && incoming instanceof Record b ? JsonValue.sameRecords(a, b) : stored.equals(incoming);
    }
}
