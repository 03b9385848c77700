package io.sluice.migration.hamilton;

import io.sluice.batch.SourceRecord;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Converts one row of a Hamilton table, checks that every value of it can be stored as it is
 * ({@link HamiltonTable#convertStorable}) and that the rows it points at will be there.
 */
final class HamiltonRowProcessor<L, T> implements ItemProcessor<SourceRecord<StoreRow<L>>, T> {

    private final HamiltonTable<L, T> table;
    private final SourceReferences references;

    HamiltonRowProcessor(HamiltonTable<L, T> table, SourceReferences references) {
        this.table = table;
        this.references = references;
    }

    @Override
    public T process(SourceRecord<StoreRow<L>> record) {
        T row = table.convertStorable(record.value().row());
        references.requireValid(table.references(row));
        return row;
    }
}
