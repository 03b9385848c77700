package io.sluice.persistence;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Bulk inserts through PostgreSQL's {@code COPY ... FROM STDIN} on the given (transaction-bound)
 * connection: about twice as fast as batched INSERTs. Only for rows whose keys are known to be
 * absent; a conflict fails the whole copy.
 *
 * <p>Rows go in COPY's binary format: the server then neither splits CSV nor parses numbers and
 * timestamps, and this side writes bytes instead of quoting text. Binary COPY needs each value in
 * exactly its column's type, so every column is declared with one.
 */
public final class PostgresCopy {

    /** The column types binary COPY is given here. */
    public enum Type {
        /** {@code varchar} or {@code text}, from any value's {@code toString()}. */
        TEXT,
        /** {@code integer}, from a {@link Number}. */
        INT4,
        /** {@code bigint}, from a {@link Number}. */
        INT8,
        /** {@code timestamptz}, from an {@link OffsetDateTime}; a finer part than a microsecond is dropped. */
        TIMESTAMPTZ,
        /** {@code jsonb}, from JSON text as a {@code String} or UTF-8 bytes. */
        JSONB
    }

    public record Column(String name, Type type) {
    }

    private static final byte[] SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};
    private static final byte JSONB_VERSION = 1;
    private static final long POSTGRES_EPOCH_SECOND = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond();
    private static final int FLUSH_AT = 1 << 16;

    private final String sql;
    private final Type[] types;

    /** @param columns the columns, in the order of the values given to {@link #copy} */
    public PostgresCopy(String table, List<Column> columns) {
        this.sql = "COPY " + table + " (" + columns.stream().map(Column::name).collect(Collectors.joining(", "))
                + ") FROM STDIN WITH (FORMAT binary)";
        this.types = columns.stream().map(Column::type).toArray(Type[]::new);
    }

    public static Column column(String name, Type type) {
        return new Column(name, type);
    }

    /** Copies the rows, each with one value (or null) per column, and returns how many were copied. */
    public long copy(Connection connection, Iterable<Object[]> rows) throws SQLException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
        try {
            Bytes out = new Bytes(FLUSH_AT + 4096);
            out.write(SIGNATURE);
            out.writeInt(0); // flags
            out.writeInt(0); // header extension length
            for (Object[] row : rows) {
                if (row.length != types.length) {
                    throw new IllegalArgumentException("expected " + types.length + " values, got " + row.length);
                }
                out.writeShort(types.length);
                for (int i = 0; i < row.length; i++) {
                    writeValue(out, types[i], row[i]);
                }
                if (out.length >= FLUSH_AT) {
                    out.flushTo(in);
                }
            }
            out.writeShort(-1); // trailer
            out.flushTo(in);
            return in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    private static void writeValue(Bytes out, Type type, Object value) throws SQLDataException {
        if (value == null) {
            out.writeInt(-1);
            return;
        }
        switch (type) {
            case TEXT -> out.writeField(value.toString().getBytes(StandardCharsets.UTF_8));
            case INT4 -> {
                out.writeInt(4);
                out.writeInt(((Number) value).intValue());
            }
            case INT8 -> {
                out.writeInt(8);
                out.writeLong(((Number) value).longValue());
            }
            case TIMESTAMPTZ -> {
                out.writeInt(8);
                out.writeLong(microsSincePostgresEpoch(((OffsetDateTime) value).toInstant()));
            }
            case JSONB -> {
                byte[] json = value instanceof byte[] bytes ? bytes : value.toString().getBytes(StandardCharsets.UTF_8);
                out.writeInt(json.length + 1);
                out.writeByte(JSONB_VERSION);
                out.write(json);
            }
        }
    }

    /**
     * What binary COPY takes for a {@code timestamptz}: microseconds since 2000-01-01 UTC, earlier ones
     * negative. A time too far off for that (hundreds of thousands of years) would wrap around to
     * another time: it is refused as PostgreSQL refuses one out of its range.
     */
    private static long microsSincePostgresEpoch(Instant instant) throws SQLDataException {
        try {
            return Math.addExact(Math.multiplyExact(instant.getEpochSecond() - POSTGRES_EPOCH_SECOND, 1_000_000L), instant.getNano() / 1000);
        } catch (ArithmeticException e) {
            throw new SQLDataException("timestamp out of range: \"" + instant + "\"", "22008");
        }
    }

    /** A growable big-endian byte buffer, sent to the server in pieces of about {@link #FLUSH_AT} bytes. */
    private static final class Bytes {

        private byte[] buffer;
        private int length;

        Bytes(int capacity) {
            buffer = new byte[capacity];
        }

        void writeField(byte[] bytes) {
            writeInt(bytes.length);
            write(bytes);
        }

        void write(byte[] bytes) {
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }

        void writeByte(int value) {
            ensure(1);
            buffer[length++] = (byte) value;
        }

        void writeShort(int value) {
            ensure(2);
            buffer[length++] = (byte) (value >>> 8);
            buffer[length++] = (byte) value;
        }

        void writeInt(int value) {
            ensure(4);
            for (int shift = 24; shift >= 0; shift -= 8) {
                buffer[length++] = (byte) (value >>> shift);
            }
        }

        void writeLong(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[length++] = (byte) (value >>> shift);
            }
        }

        void flushTo(CopyIn in) throws SQLException {
            if (length > 0) {
                in.writeToCopy(buffer, 0, length);
                length = 0;
            }
        }

        private void ensure(int more) {
            if (length + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
            }
        }
    }
}
