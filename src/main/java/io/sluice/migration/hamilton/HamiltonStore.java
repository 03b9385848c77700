package io.sluice.migration.hamilton;

import io.sluice.SluiceException;
import io.sluice.batch.FileFingerprint;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hamilton's SQLite metadata file, opened read-only: SQLite is told to open the file without
 * creating it and without writing to it (no journal, no schema change), so that the migrated store
 * stays byte for byte as it was.
 */
final class HamiltonStore {

    static final List<String> MIGRATED = List.of("databases", "clustering_results", "concepts", "attributes", "relationships");
    private static final String JOBS = "jobs";

    private final Path file;
    private final DataSource dataSource;

    HamiltonStore(Path file) {
        this.file = file.toAbsolutePath().normalize();
        SQLiteConfig config = new SQLiteConfig();
        config.setOpenMode(SQLiteOpenMode.READONLY);
        config.setReadOnly(true);
        config.setBusyTimeout(5000);
        SQLiteDataSource sqlite = new SQLiteDataSource(config);
        sqlite.setUrl("jdbc:sqlite:" + this.file);
        this.dataSource = sqlite;
    }

    Path file() {
        return file;
    }

    /** The name rejects and messages use for the store. */
    String displayName() {
        return file.getFileName().toString();
    }

    DataSource dataSource() {
        return dataSource;
    }

    /**
     * A fingerprint of the store as it is now, which any commit to it changes: of the SQLite file
     * ({@link FileFingerprint#ofWhole}) and of its write-ahead log ({@code <file>-wal}, where a
     * WAL-mode store keeps its latest commits; an empty or missing one counts as none). A reader
     * saves it beside its row count, so that a restart can tell whether the rows before that count
     * are still the ones it read.
     *
     * @throws HamiltonStoreException when the file cannot be read
     */
    String fingerprint() {
        Path wal = file.resolveSibling(file.getFileName() + "-wal");
        try {
            String log;
            try {
                log = Files.size(wal) == 0 ? "none" : FileFingerprint.ofWhole(wal);
            } catch (NoSuchFileException e) {
                log = "none";
            }
            return FileFingerprint.ofWhole(file) + "; wal " + log;
        } catch (IOException e) {
            throw new HamiltonStoreException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** What the store holds: row counts of the migrated tables, of {@code jobs}, and other tables' names. */
    record Inventory(String file, Map<String, Long> counts, Long jobs, List<String> others) {

        /** One line for the step's exit description. */
        String describe() {
            List<String> parts = new ArrayList<>();
            counts.forEach((table, count) -> parts.add(table + " " + count));
            String description = file + ": " + String.join(", ", parts);
            if (jobs != null) {
                description += "; jobs: " + jobs + " rows not migrated, Hamilton's own job history";
            }
            if (!others.isEmpty()) {
                description += "; other tables not migrated: " + String.join(", ", others);
            }
            return description;
        }
    }

    /**
     * Checks that the file is a readable SQLite database (SQLite's quick check) with Hamilton's tables,
     * and counts their rows; a {@link HamiltonStoreException} naming the file otherwise.
     */
    Inventory inspect() {
        if (!Files.isRegularFile(file)) {
            throw new HamiltonStoreException(file + ": no such file", null);
        }
        requireReadable();
        Set<String> tables = new TreeSet<>();
        Map<String, Long> counts = new LinkedHashMap<>();
        Long jobs = null;
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equalsIgnoreCase(result)) {
                    throw new HamiltonStoreException(file + ": the SQLite file is damaged (" + firstLine(result)
                            + "); restore it from a backup, or repair a copy with sqlite3's .recover", null);
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString("name"));
                }
            }
            List<String> missing = MIGRATED.stream().filter(table -> !tables.contains(table)).toList();
            if (!missing.isEmpty()) {
                throw new HamiltonStoreException(file + ": not a Hamilton store: it has no table " + String.join(", ", missing), null);
            }
            for (String table : MIGRATED) {
                counts.put(table, count(statement, table));
            }
            if (tables.contains(JOBS)) {
                jobs = count(statement, JOBS);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
        List<String> others = tables.stream()
                .filter(table -> !MIGRATED.contains(table) && !table.equals(JOBS) && !table.startsWith("sqlite_"))
                .toList();
        return new Inventory(displayName(), counts, jobs, others);
    }

    /** Opens the file as a plain file first: a file sluice may not read says so, not that it is no SQLite file. */
    private void requireReadable() {
        try (InputStream in = Files.newInputStream(file)) {
            in.read();
        } catch (AccessDeniedException e) {
            throw new HamiltonStoreException(permissionDenied(file), e);
        } catch (IOException e) {
            throw new HamiltonStoreException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    static String permissionDenied(Path file) {
        return file + ": permission denied: the user running sluice may not read it";
    }

    /**
     * The one-line message for an error SQLite gave when opening or reading the store, by its result
     * code: locked by another process (exit code 6: try again when it is done), permission denied or
     * read-only where SQLite must write beside the file (exit code 2), or not a readable SQLite file
     * at all (exit code 2).
     */
    HamiltonStoreException failure(SQLException e) {
        SQLiteErrorCode code = e instanceof SQLiteException sqlite ? sqlite.getResultCode() : null;
        String name = code == null ? "" : code.name();
        if (name.startsWith("SQLITE_BUSY") || name.startsWith("SQLITE_LOCKED")) {
            return new HamiltonStoreException(SluiceException.Kind.UNAVAILABLE, file + ": the SQLite store is locked by another process"
                    + " that is writing to it (is Hamilton running?); try again when it has finished", e);
        }
        if (name.startsWith("SQLITE_PERM") || name.startsWith("SQLITE_AUTH")
                || name.startsWith("SQLITE_CANTOPEN") && !Files.isReadable(file)) {
            return new HamiltonStoreException(permissionDenied(file), e);
        }
        if (name.startsWith("SQLITE_READONLY") || name.startsWith("SQLITE_CANTOPEN") && !Files.isWritable(file.getParent())) {
            return new HamiltonStoreException(file + ": the SQLite store is read-only here, and SQLite must write beside it to"
                    + " read it (its -wal and -shm files: a WAL-mode store): copy it with its -wal file to a folder you may write"
                    + " to, and migrate the copy", e);
        }
        return new HamiltonStoreException(file + ": cannot read it as a SQLite database (" + firstLine(e.getMessage())
                + "); is it Hamilton's hamilton_metadata.db?", e);
    }

    private static long count(Statement statement, String table) throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT count(*) AS n FROM \"" + table + "\"")) {
            rs.next();
            return rs.getLong("n");
        }
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
    }
}
