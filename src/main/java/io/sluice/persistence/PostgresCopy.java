package io.sluice.persistence;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Bulk inserts through PostgreSQL's {@code COPY ... FROM STDIN} on the given (transaction-bound)
 * connection: about twice as fast as batched INSERTs. Only for rows whose keys are known to be
 * absent; a conflict fails the whole copy.
 */
public final class PostgresCopy {

    private static final int BUFFER = 1 << 16;

    private final String sql;
    private final int columns;

    /** @param columns the columns, in the order of the values given to {@link #copy} */
    public PostgresCopy(String table, List<String> columns) {
        this.sql = "COPY " + table + " (" + String.join(", ", columns) + ") FROM STDIN WITH (FORMAT csv)";
        this.columns = columns.size();
    }

    /** Copies the rows; each row's values are strings, numbers, booleans, {@code java.time} values or null. */
    public long copy(Connection connection, Iterable<Object[]> rows) throws SQLException {
        CopyManager copyManager = connection.unwrap(PGConnection.class).getCopyAPI();
        CopyIn in = copyManager.copyIn(sql);
        try {
            StringBuilder csv = new StringBuilder(BUFFER + 4096);
            for (Object[] row : rows) {
                if (row.length != columns) {
                    throw new IllegalArgumentException("expected " + columns + " values, got " + row.length);
                }
                for (int i = 0; i < row.length; i++) {
                    if (i > 0) {
                        csv.append(',');
                    }
                    appendValue(csv, row[i]);
                }
                csv.append('\n');
                if (csv.length() >= BUFFER) {
                    flush(in, csv);
                }
            }
            flush(in, csv);
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void appendValue(StringBuilder csv, Object value) {
        if (value == null) {
            return; // an unquoted empty field is NULL in CSV format
        }
        String text = value.toString();
        csv.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                csv.append('"');
            }
            csv.append(c);
        }
        csv.append('"');
    }

    private static void flush(CopyIn in, StringBuilder csv) throws SQLException {
        if (csv.length() > 0) {
            byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
            in.writeToCopy(bytes, 0, bytes.length);
            csv.setLength(0);
        }
    }
}
