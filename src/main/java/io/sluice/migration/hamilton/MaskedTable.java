package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A table whose converted rows hold no password of the store in any spelling: every text and JSON
 * column of the row as it lands is masked with the store's {@link PasswordMask}, and so is the
 * reason a row is rejected for. The load step, the reference checks and the verification all use
 * the masked table, so that they agree on what lands. Reading and writing are the table's own.
 */
final class MaskedTable<L, T> implements HamiltonTable<L, T> {

    private final HamiltonTable<L, T> table;
    private final PasswordMask mask;

    private MaskedTable(HamiltonTable<L, T> table, PasswordMask mask) {
        this.table = table;
        this.mask = mask;
    }

    static <L, T> HamiltonTable<L, T> masked(HamiltonTable<L, T> table, PasswordMask mask) {
        return new MaskedTable<>(table, mask);
    }

    /** The text form of a row as read, masked. */
    @Override
    public String describe(L row) {
        return mask.text(String.valueOf(row));
    }

    @Override
    public Statements statements() {
        return table.statements();
    }

    @Override
    public L readSource(ResultSet rs) throws SQLException {
        return table.readSource(rs);
    }

    @Override
    public String sourceKey(L row) {
        return table.sourceKey(row);
    }

    @Override
    public T convert(L row) {
        try {
            return mask.row(table.convert(row));
        } catch (InvalidRecordException e) {
            String reason = mask.text(e.getMessage());
            throw reason.equals(e.getMessage()) ? e : new InvalidRecordException(reason);
        }
    }

    @Override
    public Object key(T row) {
        return table.key(row);
    }

    @Override
    public T readTarget(ResultSet rs) throws SQLException {
        return table.readTarget(rs);
    }

    @Override
    public SqlParameterSource parameters(T row) {
        return table.parameters(row);
    }

    @Override
    public List<Reference> references(T row) {
        return table.references(row);
    }
}
