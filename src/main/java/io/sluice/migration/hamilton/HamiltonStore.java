package io.sluice.migration.hamilton;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteOpenMode;

import javax.sql.DataSource;
import java.nio.file.Path;

/**
 * Hamilton's SQLite metadata file, opened read-only: SQLite is told to open the file without
 * creating it and without writing to it (no journal, no schema change), so that the migrated store
 * stays byte for byte as it was.
 */
final class HamiltonStore {

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
}
