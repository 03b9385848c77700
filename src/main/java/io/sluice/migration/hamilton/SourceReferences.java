package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.sql.DataSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decides whether the rows a row points at will be in the target: they must be in the store, and
 * valid themselves, with their own references (a concept's attributes dangle when the concept's
 * database was rejected). Asks the store, not the target, so that a dry run (where nothing was
 * kept) and a restart decide alike. Answers are cached, in a bounded cache.
 */
final class SourceReferences {

    private static final int CACHE_SIZE = 10_000;
    private static final String VALID = "";

    private final JdbcTemplate store;
    private final Map<String, HamiltonTable<?, ?>> tables;
    private final Map<String, String> problems = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    SourceReferences(DataSource store, List<HamiltonTable<?, ?>> tables) {
        this.store = new JdbcTemplate(store);
        this.tables = new LinkedHashMap<>();
        tables.forEach(table -> this.tables.put(table.statements().table(), table));
    }

    /** Throws an {@link InvalidRecordException} naming the first reference that will dangle. */
    void requireValid(List<HamiltonTable.Reference> references) {
        for (HamiltonTable.Reference reference : references) {
            String problem = problem(reference.table(), reference.key());
            if (problem != null) {
                throw new InvalidRecordException("dangling reference: " + reference.column() + " '" + reference.key() + "' " + problem);
            }
        }
    }

    /** The row of the store's table with the key, converted as its load step converts it; null when not in the store. */
    <L, T> T converted(HamiltonTable<L, T> table, String key) {
        List<L> rows = store.query(table.statements().selectSourceById(), (rs, n) -> table.readSource(rs), key);
        return rows.isEmpty() ? null : table.convertStorable(rows.get(0));
    }

    private String problem(String table, String key) {
        String cacheKey = table + '\0' + key;
        String cached = problems.get(cacheKey);
        if (cached == null) {
            cached = check(tables.get(table), key);
            problems.put(cacheKey, cached);
        }
        return cached.equals(VALID) ? null : cached;
    }

    private <L, T> String check(HamiltonTable<L, T> table, String key) {
        List<L> rows = store.query(table.statements().selectSourceById(), (rs, n) -> table.readSource(rs), key);
        if (rows.isEmpty()) {
            return "is not in the store's " + table.statements().table();
        }
        try {
            T row = table.convertStorable(rows.get(0));
            for (HamiltonTable.Reference reference : table.references(row)) {
                String problem = problem(reference.table(), reference.key());
                if (problem != null) {
                    return "points at a row of " + table.statements().table() + " whose " + reference.column() + " '" + reference.key() + "' " + problem;
                }
            }
            return VALID;
        } catch (InvalidRecordException e) {
            return "points at a row of " + table.statements().table() + " that is rejected (" + e.getMessage() + ")";
        }
    }
}
