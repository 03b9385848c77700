package io.sluice.workflow;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import io.sluice.batch.RejectFiles;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import org.springframework.batch.infrastructure.item.ItemStreamSupport;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The rows of a segment's source, in {@link RowBatch}es: the records of a CSV file converted to the
 * schema's types, or the rows a blocking node left in a {@link RowFile}. A CSV record with another
 * field count than the header, or a field that is not a value of its column's type, goes to the
 * execution's reject file with its file and line, and the others go on.
 *
 * <p>When {@code restartable}, the count of source records consumed is saved with each chunk and a
 * restart skips them; a segment that ends in an aggregate reads its source again from the start
 * instead (its groups live in memory).
 */
final class SegmentReader extends ItemStreamSupport implements ItemStreamReader<RowBatch> {

    private static final String CONSUMED = "consumed";

    private final CsvSource csv;
    private final Supplier<Path> rowFile;
    private final Schema schema;
    private final boolean restartable;
    private final RejectFiles rejectFiles;
    private CsvReader<CsvRecord> csvReader;
    private Iterator<CsvRecord> records;
    private RowFile.Reader rows;
    private long consumed;

    SegmentReader(String name, CsvSource csv, Supplier<Path> rowFile, Schema schema, boolean restartable, RejectFiles rejectFiles) {
        setName(name);
        this.csv = csv;
        this.rowFile = rowFile;
        this.schema = schema;
        this.restartable = restartable;
        this.rejectFiles = rejectFiles;
    }

    @Override
    public void open(ExecutionContext context) {
        long skip = restartable ? context.getLong(getExecutionContextKey(CONSUMED), 0L) : 0L;
        try {
            if (csv != null) {
                csvReader = CsvSource.reader(csv.file(), csv.delimiter(), csv.quote(), csv.charset());
                records = csvReader.iterator();
                if (records.hasNext()) {
                    records.next(); // the header
                }
                for (; consumed < skip && records.hasNext(); consumed++) {
                    records.next();
                }
            } else {
                rows = new RowFile.Reader(rowFile.get());
                for (; consumed < skip && rows.next() != null; consumed++) {
                    // skipped: committed before the restart
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new ItemStreamException("cannot read " + (csv != null ? csv.file() : rowFile.get()) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RowBatch read() throws IOException {
        List<Object[]> batch = new ArrayList<>(RowBatch.SIZE);
        if (csv != null) {
            while (batch.size() < RowBatch.SIZE && records.hasNext()) {
                CsvRecord record = records.next();
                consumed++;
                Object[] row = convert(record);
                if (row != null) {
                    batch.add(row);
                }
            }
        } else {
            while (batch.size() < RowBatch.SIZE) {
                Object[] row = rows.next();
                if (row == null) {
                    break;
                }
                consumed++;
                batch.add(row);
            }
        }
        return batch.isEmpty() && !hasMore() ? null : new RowBatch(batch);
    }

    private boolean hasMore() {
        return csv != null && records.hasNext();
    }

    private Object[] convert(CsvRecord record) {
        List<String> fields = record.getFields();
        if (fields.size() != schema.size()) {
            reject(record, "has " + fields.size() + " field" + (fields.size() == 1 ? "" : "s") + ", the header " + schema.size());
            return null;
        }
        Object[] row = new Object[fields.size()];
        for (int i = 0; i < row.length; i++) {
            try {
                row[i] = CsvSource.value(fields.get(i), schema.column(i).type());
            } catch (NumberFormatException e) {
                reject(record, "column " + schema.column(i).name() + ": " + e.getMessage() + " (the column holds "
                        + schema.column(i).type().label() + " values, inferred from its first " + CsvSource.SAMPLE + " rows)");
                return null;
            }
        }
        return row;
    }

    private void reject(CsvRecord record, String reason) {
        rejectFiles.current().reject(csv.file().toString(), "line " + record.getStartingLineNumber(), reason, String.join(String.valueOf(csv.delimiter()), record.getFields()));
    }

    @Override
    public void update(ExecutionContext context) {
        if (restartable) {
            context.putLong(getExecutionContextKey(CONSUMED), consumed);
        }
    }

    @Override
    public void close() {
        try {
            if (csvReader != null) {
                csvReader.close();
            }
            if (rows != null) {
                rows.close();
            }
        } catch (IOException e) {
            throw new ItemStreamException("cannot close " + (csv != null ? csv.file() : rowFile.get()), e);
        } finally {
            csvReader = null;
            rows = null;
        }
    }
}
