package io.sluice.persistence;

import org.postgresql.PGStatement;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * PostgreSQL: new rows by binary {@code COPY}, keys looked up as one array parameter (a short
 * statement prepared once instead of an {@code IN} list parsed per call), two partitions.
 */
final class PostgresDialect implements Dialect {

    private static final String KEYS_AMONG = "SELECT %2$s AS k FROM %1$s WHERE %2$s = ANY(?)";
    private static final String IDENTITY_SEQUENCE = "SELECT pg_get_serial_sequence('%1$s', '%2$s')";
    /** The sequence's next value, called or not: the value after last_value once called, last_value itself before. */
    private static final String NEXT_OF_SEQUENCE = "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM %s";
    private static final String ADVANCE_IDENTITY = """
            SELECT setval('%3$s', max(%2$s)) FROM %1$s HAVING max(%2$s) IS NOT NULL AND max(%2$s) >= %4$d
            """;

    @Override
    public DatabaseSettings.Vendor vendor() {
        return DatabaseSettings.Vendor.POSTGRESQL;
    }

    @Override
    public boolean copiesInBulk() {
        return true;
    }

    @Override
    public int defaultPartitions() {
        return 2;
    }

    @Override
    public int keyLookupBatch() {
        return 10_000;
    }

    /**
     * One statement with the keys as an array parameter, planned at each call (never a server-side
     * prepared statement) as a generic plan: the planner then assumes a few keys, as a chunk's
     * look-up has, and probes the key's index however many keys the array holds. (A prepared
     * statement's cached plan, made while the table was still empty, was a sequential scan that grew
     * with the table: 0.5 to 2.4 s a call at 45,000 runs. A custom plan, made for the actual array,
     * turns to a sequential scan above a few thousand keys: 175 ms for 10,000 keys among 1,000,000
     * runs, against 42 ms by the index.)
     */
    @Override
    public Set<String> keysAmong(JdbcTemplate jdbc, String table, String column, List<String> keys) {
        if (keys.isEmpty()) {
            return Set.of();
        }
        String sql = KEYS_AMONG.formatted(table, column);
        return jdbc.execute((ConnectionCallback<Set<String>>) connection -> {
            try (Statement setting = connection.createStatement()) {
                setting.execute("SET plan_cache_mode = force_generic_plan");
            }
            boolean reset = true;
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.unwrap(PGStatement.class).setPrepareThreshold(0);
                statement.setArray(1, connection.createArrayOf("varchar", keys.toArray()));
                Set<String> found = new HashSet<>();
                try (ResultSet rs = statement.executeQuery()) {
                    while (rs.next()) {
                        found.add(rs.getString(1));
                    }
                }
                return found;
            } catch (SQLException e) {
                // in a transaction, now aborted, its rollback undoes the setting; the statement would fail
                reset = connection.getAutoCommit();
                throw e;
            } finally {
                if (reset) {
                    try (Statement setting = connection.createStatement()) {
                        setting.execute("RESET plan_cache_mode");
                    }
                }
            }
        });
    }

    @Override
    public void advanceIdentity(JdbcTemplate jdbc, String table, String column) {
        String sequence = jdbc.queryForObject(IDENTITY_SEQUENCE.formatted(table, column), String.class);
        Long next = jdbc.queryForObject(NEXT_OF_SEQUENCE.formatted(sequence), Long.class); // the server's own name for it, quoted as needed
        jdbc.query(ADVANCE_IDENTITY.formatted(table, column, sequence, next), rs -> { }); // never moves it back
    }
}
