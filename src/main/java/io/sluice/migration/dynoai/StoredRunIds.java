package io.sluice.migration.dynoai;

import io.sluice.persistence.Dialect;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;

import java.util.List;
import java.util.Set;

/**
 * Which of some run ids are stored in {@code runs}: for the writer (which runs of a chunk exist) and
 * the verification (which runs of the store landed), looked up the database's fastest way
 * ({@link Dialect#keysAmong}).
 */
final class StoredRunIds {

    private final NamedParameterJdbcTemplate jdbc;
    private final Dialect dialect;

    StoredRunIds(NamedParameterJdbcTemplate jdbc, Dialect dialect) {
        this.jdbc = jdbc;
        this.dialect = dialect;
    }

    Set<String> among(List<String> ids) {
        return dialect.keysAmong(jdbc.getJdbcTemplate(), "runs", "id", ids);
    }
}
