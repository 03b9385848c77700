package io.sluice.migration.hamilton;

import io.sluice.batch.StorableValues;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One Hamilton table and its target table: how its rows are read from the SQLite store ({@code L},
 * as stored), validated and converted ({@code T}, as it lands), and written and read back in the
 * target database. The load step, the reference checks and the verification all go through it, so
 * that they agree on what a valid row is.
 *
 * @param <L> the row as read from the store (its {@code toString()} goes to the reject file: no secrets)
 * @param <T> the row as stored in the target (its {@code toString()} too)
 */
interface HamiltonTable<L, T> {

    /** The SQL that reads and writes the table, in the store and in the target. */
    Statements statements();

    L readSource(ResultSet rs) throws SQLException;

    /** The legacy key of a row as read, for its location in the reject file. */
    String sourceKey(L row);

    /** The text the reject file shows of a row as read: its {@code toString()}, unless the table masks it. */
    default String describe(L row) {
        return String.valueOf(row);
    }

    /** The row as it lands, or an {@code InvalidRecordException} saying why it cannot. */
    T convert(L row);

    /**
     * {@link #convert}, and every text and JSON value of the result checked to be storable as it is
     * ({@link StorableValues}): what the load step, the reference checks and the verification all use.
     */
    default T convertStorable(L row) {
        T converted = convert(row);
        if (converted instanceof Record values) {
            StorableValues.requireStorable(values);
        }
        return converted;
    }

    /** The key of a target row: a String, or a Long for clustering results. */
    Object key(T row);

    T readTarget(ResultSet rs) throws SQLException;

    SqlParameterSource parameters(T row);

    /** The rows of other tables this row points at; each must be in the store and valid. */
    default List<Reference> references(T row) {
        return List.of();
    }

    /**
     * The SQL of a table, written once per table as text blocks at the top of its class.
     *
     * @param table            the table's name, in the store and in the target
     * @param selectSource     every row of the store's table, in key order (a restart counts rows)
     * @param selectSourceById one row of the store's table by its key (one {@code ?} parameter)
     * @param selectTarget     target rows by key ({@code :ids})
     * @param insert           inserts one target row from {@link HamiltonTable#parameters}
     * @param update           updates one target row, by key, from {@link HamiltonTable#parameters}
     */
    record Statements(String table, String selectSource, String selectSourceById, String selectTarget, String insert,
                      String update) {
    }

    /** A foreign key of a row: its column, the table it points into, and the key there. */
    record Reference(String column, String table, String key) {
    }
}
