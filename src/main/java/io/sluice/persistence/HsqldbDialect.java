package io.sluice.persistence;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The embedded HSQLDB: batched {@code INSERT}s, keys looked up in {@code IN} lists of 1,000, one
 * partition (it writes one chunk at a time), identities that move past explicit values by themselves.
 */
final class HsqldbDialect implements Dialect {

    private static final String KEYS_AMONG = "SELECT %2$s AS k FROM %1$s WHERE %2$s IN (:keys)";

    @Override
    public DatabaseSettings.Vendor vendor() {
        return DatabaseSettings.Vendor.HSQLDB;
    }

    @Override
    public boolean copiesInBulk() {
        return false;
    }

    @Override
    public int defaultPartitions() {
        return 1;
    }

    @Override
    public int keyLookupBatch() {
        return 1000;
    }

    @Override
    public Set<String> keysAmong(JdbcTemplate jdbc, String table, String column, List<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        return new HashSet<>(new NamedParameterJdbcTemplate(jdbc)
                .queryForList(KEYS_AMONG.formatted(table, column), Map.of("keys", keys), String.class));
    }

    @Override
    public void advanceIdentity(JdbcTemplate jdbc, String table, String column) {
        // HSQLDB's identity already moved past the explicit values
    }
}
