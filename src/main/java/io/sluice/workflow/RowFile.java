package io.sluice.workflow;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.PriorityQueue;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows a blocking node (an aggregate) hands to the steps after it, on disk between steps: a
 * file of its own format, the schema first (column count, then each name and type), then each row
 * as one tagged value per column (0 null, 1 text, 2 whole number, 3 float,
 * 4 boolean, 5 decimal as its scale and unscaled bytes, 6 date as its epoch day, 7 timestamp as its
 * epoch second in UTC and nanosecond; every value is read back equal, a decimal's scale included). Written to a
 * temporary file and moved into place when complete, so a half-written file is never read.
 */
final class RowFile {

    private RowFile() {
    }

    /** Writes {@code rows} of {@code schema} to {@code file}, replacing it. */
    static void write(Path file, Schema schema, Iterable<Object[]> rows) throws IOException {
        try (Writer writer = new Writer(file, schema)) {
            for (Object[] row : rows) {
                writer.append(row);
            }
            writer.commit();
        }
    }

    /** A row file being written: rows appended one at a time, in place once {@link #commit} is called. */
    static final class Writer implements AutoCloseable {

        private final Path file;
        private final Path temporary;
        private final DataOutputStream out;
        private boolean committed;

        Writer(Path file, Schema schema) throws IOException {
            Files.createDirectories(file.toAbsolutePath().getParent());
            this.file = file;
            this.temporary = file.resolveSibling(file.getFileName() + ".tmp");
            this.out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16));
            out.writeInt(schema.size());
            for (Schema.Column column : schema.columns()) {
                out.writeUTF(column.name());
                out.writeUTF(column.type().name());
            }
        }

        void append(Object[] row) throws IOException {
            for (Object value : row) {
                writeValue(out, value);
            }
        }

        /** Closes the file and moves it into place. */
        void commit() throws IOException {
            out.close();
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
        }

        /** Without {@link #commit}: drops what was written. */
        @Override
        public void close() throws IOException {
            if (!committed) {
                out.close();
                Files.deleteIfExists(temporary);
            }
        }
    }

    private static void writeValue(DataOutputStream out, Object value) throws IOException {
        if (value == null) {
            out.writeByte(0);
        } else if (value instanceof String text) {
            out.writeByte(1);
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(bytes.length);
            out.write(bytes);
        } else if (value instanceof Long number) {
            out.writeByte(2);
            out.writeLong(number);
        } else if (value instanceof Double number) {
            out.writeByte(3);
            out.writeDouble(number);
        } else if (value instanceof Boolean b) {
            out.writeByte(4);
            out.writeBoolean(b);
        } else if (value instanceof java.math.BigDecimal number) {
            out.writeByte(5);
            out.writeInt(number.scale());
            byte[] unscaled = number.unscaledValue().toByteArray();
            out.writeInt(unscaled.length);
            out.write(unscaled);
        } else if (value instanceof java.time.LocalDate date) {
            out.writeByte(6);
            out.writeLong(date.toEpochDay());
        } else if (value instanceof java.time.LocalDateTime time) {
            out.writeByte(7);
            out.writeLong(time.toEpochSecond(java.time.ZoneOffset.UTC));
            out.writeInt(time.getNano());
        } else {
            throw new IllegalArgumentException("a row file holds no " + value.getClass().getSimpleName() + " value: " + value);
        }
    }

    /** An open row file, read one row at a time. */
    static final class Reader implements SourceRecords {

        private final DataInputStream in;
        private final Schema schema;
        private long rows;

        Reader(Path file) throws IOException {
            this.in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            int count = in.readInt();
            List<Schema.Column> columns = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                columns.add(new Schema.Column(in.readUTF(), ColumnType.valueOf(in.readUTF())));
            }
            this.schema = new Schema(columns);
        }

        Schema schema() {
            return schema;
        }

        @Override
        public long line() {
            return rows;
        }

        /** The next row, or null at the end. */
        @Override
        public Object[] next() throws IOException {
            Object[] row = new Object[schema.size()];
            for (int i = 0; i < row.length; i++) {
                int tag;
                try {
                    tag = in.readByte();
                } catch (EOFException end) {
                    if (i == 0) {
                        return null;
                    }
                    throw end;
                }
                row[i] = switch (tag) {
                    case 0 -> null;
                    case 1 -> {
                        byte[] bytes = new byte[in.readInt()];
                        in.readFully(bytes);
                        yield new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
                    }
                    case 2 -> in.readLong();
                    case 3 -> in.readDouble();
                    case 4 -> in.readBoolean();
                    case 5 -> {
                        int scale = in.readInt();
                        byte[] unscaled = new byte[in.readInt()];
                        in.readFully(unscaled);
                        yield new java.math.BigDecimal(new java.math.BigInteger(unscaled), scale);
                    }
                    case 6 -> java.time.LocalDate.ofEpochDay(in.readLong());
                    case 7 -> java.time.LocalDateTime.ofEpochSecond(in.readLong(), in.readInt(), java.time.ZoneOffset.UTC);
                    default -> throw new IOException("not a row file value tag: " + tag + " (a damaged row file)");
                };
            }
            rows++;
            return row;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Where {@link #merge} hands each row. */
    @FunctionalInterface
    interface RowSink {
        void accept(Object[] row) throws IOException;
    }

    /**
     * A k-way merge: the rows of {@code files}, each already in {@code order}, handed to {@code sink} in that
     * order, equal rows from the earlier file first (so a merge of stable runs is stable); then the files are
     * deleted. Holds one row a file.
     *
     * @return how many rows it handed on
     */
    static long merge(List<Path> files, Comparator<Object[]> order, RowSink sink) throws IOException {
        record Head(Object[] row, int file) {
        }
        List<Reader> readers = new ArrayList<>();
        PriorityQueue<Head> heads = new PriorityQueue<>(Math.max(1, files.size()), (a, b) -> {
            int c = order.compare(a.row(), b.row());
            return c != 0 ? c : Integer.compare(a.file(), b.file());
        });
        long count = 0;
        try {
            for (int i = 0; i < files.size(); i++) {
                Reader reader = new Reader(files.get(i));
                readers.add(reader);
                Object[] row = reader.next();
                if (row != null) {
                    heads.add(new Head(row, i));
                }
            }
            while (!heads.isEmpty()) {
                Head head = heads.poll();
                sink.accept(head.row());
                count++;
                Object[] row = readers.get(head.file()).next();
                if (row != null) {
                    heads.add(new Head(row, head.file()));
                }
            }
        } finally {
            for (Reader reader : readers) {
                reader.close();
            }
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        return count;
    }
}
