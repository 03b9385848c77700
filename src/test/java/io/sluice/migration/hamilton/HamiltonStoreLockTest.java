package io.sluice.migration.hamilton;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/** A store another process is writing to (it holds SQLite's exclusive lock) is refused in one line, to be tried again. */
class HamiltonStoreLockTest {

    @TempDir
    Path folder;

    @Test
    void a_store_locked_by_another_process_says_so_and_migrates_once_the_lock_is_gone() throws Exception {
        // given a store whose writer holds an exclusive lock, as Hamilton does while it saves
        TestDatabase db = TestDatabase.hsqldb();
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", "s3cr3t", Map.of())
                .concept("c_paper", "db_a1b2c3d4e5", Map.of());
        Sluice sluice = new Sluice(db);
        Sluice.Result locked;
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + store.file());
             Statement statement = writer.createStatement()) {
            statement.execute("BEGIN EXCLUSIVE");
            statement.execute("UPDATE concepts SET name = 'being written' WHERE id = 'c_paper'");

            // when
            locked = sluice.run("migrate", store.file().toString());

            statement.execute("ROLLBACK");
        }
        Sluice.Result afterwards = sluice.run("migrate", store.file().toString());

        // then
        assertThat(locked.exitCode()).as(locked.out() + locked.err()).isEqualTo(6);
        assertThat(locked.err()).doesNotContain("\tat ", "Hamilton's hamilton_metadata.db");
        assertThat(locked.err().strip().lines().reduce((first, last) -> last).orElseThrow()).isEqualTo("sluice: " + store.file().toAbsolutePath().normalize()
                + ": the SQLite store is locked by another process that is writing to it (is Hamilton running?);"
                + " try again when it has finished");
        assertThat(afterwards.exitCode()).as(afterwards.out() + afterwards.err()).isZero();
        assertThat(Rows.query(db, "SELECT name FROM concepts").get(0).get("name")).isEqualTo("Paper c_paper");
    }
}
