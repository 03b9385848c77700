package io.sluice.migration;

import org.springframework.batch.core.job.flow.Flow;

/** The steps that migrate one kind of legacy store: its load steps, then its verification. */
public interface StoreMigration {

    StoreKind kind();

    Flow flow(MigrationParameters parameters);

    /** Whether the migration loads in {@link MigrationParameters#partitions()} partitions; else it ignores them. */
    default boolean partitioned() {
        return false;
    }
}
