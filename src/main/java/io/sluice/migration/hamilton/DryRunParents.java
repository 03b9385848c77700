package io.sluice.migration.hamilton;

import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * On a dry run, the earlier load steps rolled their rows back, so a child row (a concept) would
 * fail its foreign key for want of its parent (its database). Before a dry-run chunk is written,
 * this inserts the parents that are not in the target, converted from the store as the earlier
 * step would have written them, inside the same savepoint, which is then rolled back with the
 * chunk. The foreign keys are thus checked against what a real run would have written.
 */
final class DryRunParents {

    private final NamedParameterJdbcTemplate jdbc;
    private final SourceReferences source;
    private final Map<String, HamiltonTable<?, ?>> tables = new LinkedHashMap<>();

    DryRunParents(NamedParameterJdbcTemplate jdbc, SourceReferences source, List<HamiltonTable<?, ?>> tables) {
        this.jdbc = jdbc;
        this.source = source;
        tables.forEach(table -> this.tables.put(table.statements().table(), table));
    }

    /** Inserts the missing parents of the rows, and theirs, once each. */
    <T> void insertMissing(HamiltonTable<?, T> table, Iterable<? extends T> rows) {
        Set<String> done = new HashSet<>();
        for (T row : rows) {
            for (HamiltonTable.Reference reference : table.references(row)) {
                insertIfMissing(tables.get(reference.table()), reference.key(), done);
            }
        }
    }

    private <P> void insertIfMissing(HamiltonTable<?, P> table, String key, Set<String> done) {
        if (!done.add(table.statements().table() + '\0' + key)) {
            return;
        }
        boolean present = !jdbc.query(table.statements().selectTarget(), Map.of("ids", List.of(key)), (rs, n) -> n).isEmpty();
        if (present) {
            return;
        }
        P parent = source.converted(table, key);
        if (parent == null) {
            return; // not in the store: the processor rejected the child already
        }
        for (HamiltonTable.Reference reference : table.references(parent)) {
            insertIfMissing(tables.get(reference.table()), reference.key(), done);
        }
        jdbc.update(table.statements().insert(), table.parameters(parent));
    }
}
