package io.sluice.migration.hamilton;

import io.sluice.migration.SourceRecord;
import io.sluice.migration.StorableValues;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Converts one row of a Hamilton table, checks that every value of it can be stored as it is
 * ({@link StorableValues}) and that the rows it points at will be there.
 */
final class HamiltonRowProcessor<L, T> implements ItemProcessor<SourceRecord<L>, T> {

    private final HamiltonTable<L, T> table;
    private final SourceReferences references;

    HamiltonRowProcessor(HamiltonTable<L, T> table, SourceReferences references) {
        this.table = table;
        this.references = references;
    }

    @Override
    public T process(SourceRecord<L> record) {
        T row = table.convert(record.value());
        if (row instanceof Record values) {
            StorableValues.requireStorable(values);
        }
        references.requireValid(table.references(row));
        return row;
    }
}
