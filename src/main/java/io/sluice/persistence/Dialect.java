package io.sluice.persistence;

import org.springframework.jdbc.core.JdbcTemplate;

import java.util.List;
import java.util.Set;

/**
 * What differs between the databases sluice writes to, in one object that steps, writers and
 * tasklets are given instead of asking which database this is. One implementation per vendor:
 * {@link PostgresDialect} and {@link HsqldbDialect}; the process's one is a bean.
 */
public interface Dialect {

    /** The dialect of a vendor. */
    static Dialect of(DatabaseSettings.Vendor vendor) {
        return switch (vendor) {
            case POSTGRESQL -> new PostgresDialect();
            case HSQLDB -> new HsqldbDialect();
        };
    }

    /** The vendor this dialect speaks for. */
    DatabaseSettings.Vendor vendor();

    /**
     * Whether new rows should go in by PostgreSQL's {@code COPY} ({@link PostgresCopy}) rather than
     * batched {@code INSERT}s.
     */
    boolean copiesInBulk();

    /**
     * How many partitions load one large file side by side by default: as many as the database can
     * write chunks at once with profit (PostgreSQL: 2, one per core of a small machine; HSQLDB writes
     * one chunk at a time, so 1).
     */
    int defaultPartitions();

    /** How many keys one {@link #keysAmong} call should be given at most, for the fastest look-up. */
    int keyLookupBatch();

    /**
     * Which of {@code keys} a text key column holds.
     *
     * @param table  the table, a trusted identifier (never user input)
     * @param column its text key column, a trusted identifier
     * @param keys   at most {@link #keyLookupBatch()} keys
     * @return the keys found, in no order
     */
    Set<String> keysAmong(JdbcTemplate jdbc, String table, String column, List<String> keys);

    /**
     * Moves a table's identity column past the largest value written into it explicitly, so that
     * the next generated value does not collide with a migrated id (HSQLDB does this by itself); never
     * back, when it is past them already.
     *
     * @param table  the table, a trusted identifier
     * @param column its identity column, a trusted identifier
     */
    void advanceIdentity(JdbcTemplate jdbc, String table, String column);
}
