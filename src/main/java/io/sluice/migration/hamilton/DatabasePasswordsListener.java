package io.sluice.migration.hamilton;

import io.sluice.batch.InvalidRecordException;
import io.sluice.migration.StoreMigration;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * After the {@code databases} load step completed, says in its exit description and in the
 * migration's summary where the passwords went, when the store did not simply hold one password per
 * row in the {@code password} column: the rows whose password was recovered from the connection
 * string (the column empty), and the rows whose column and connection string disagree (both kept,
 * encrypted). It names rows by id, never a password.
 */
final class DatabasePasswordsListener implements StepExecutionListener {

    private static final int NAMED = 5;

    private final HamiltonStore store;
    private final DatabasesTable table;

    DatabasePasswordsListener(HamiltonStore store, DatabasesTable table) {
        this.store = store;
        this.table = table;
    }

    @Override
    public ExitStatus afterStep(StepExecution stepExecution) {
        if (stepExecution.getStatus() != BatchStatus.COMPLETED) {
            return null;
        }
        List<String> recovered = new ArrayList<>();
        List<String> disagree = new ArrayList<>();
        new JdbcTemplate(store.dataSource()).query(table.statements().selectSource(), (RowCallbackHandler) rs -> {
            DatabasesTable.LegacyDatabase row = table.readSource(rs);
            try {
                table.convert(row);
            } catch (InvalidRecordException rejected) {
                return; // in the reject file, with its reason
            }
            DatabasesTable.Passwords passwords = DatabasesTable.passwords(row);
            if (passwords.recovered()) {
                recovered.add(row.id());
            }
            if (passwords.disagree()) {
                disagree.add(row.id());
            }
        });
        String note = note(recovered, disagree);
        if (note == null) {
            return null;
        }
        stepExecution.getExecutionContext().putString(StoreMigration.SUMMARY_NOTE, note);
        return stepExecution.getExitStatus().addExitDescription(note);
    }

    /** One line, or null when every password came from the {@code password} column alone. */
    static String note(List<String> recovered, List<String> disagree) {
        List<String> parts = new ArrayList<>();
        if (!recovered.isEmpty()) {
            parts.add(recovered.size() + " password(s) found only in connection_string (" + named(recovered)
                    + "): recovered and stored encrypted in password_encrypted");
        }
        if (!disagree.isEmpty()) {
            parts.add(disagree.size() + " row(s) whose password column and connection_string hold different passwords ("
                    + named(disagree) + "): password_encrypted holds the password column's, connection_password_encrypted"
                    + " the connection string's, both encrypted");
        }
        return parts.isEmpty() ? null : "databases: " + String.join("; ", parts);
    }

    private static String named(List<String> ids) {
        return ids.size() <= NAMED ? String.join(", ", ids)
                : String.join(", ", ids.subList(0, NAMED)) + " and " + (ids.size() - NAMED) + " more";
    }
}
