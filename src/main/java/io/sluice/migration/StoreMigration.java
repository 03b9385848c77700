package io.sluice.migration;

import org.springframework.batch.core.job.flow.Flow;

/** The steps that migrate one kind of legacy store: its load steps, then its verification. */
public interface StoreMigration {

    /**
     * The key under which a step may leave one line in its execution context for the migration's
     * summary (the job's exit description adds it after the counts): something the user must know
     * about what landed, never a secret.
     */
    String SUMMARY_NOTE = "sluice.summary-note";

    StoreKind kind();

    Flow flow(MigrationParameters parameters);

    /** The tables of sluice's schema this migration writes, for the lineage of its executions. */
    java.util.List<String> tables();

    /** Whether the migration loads in {@link MigrationParameters#partitions()} partitions; else it ignores them. */
    default boolean partitioned() {
        return false;
    }
}
