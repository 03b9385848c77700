package io.sluice.migration.dynoai;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static io.sluice.migration.dynoai.DynoaiStore.run;
import static org.assertj.core.api.Assertions.assertThat;

class DynoaiArchiveTest {

    @TempDir
    Path temp;

    @Test
    void the_store_is_moved_into_the_archive_only_after_verification_passed() throws Exception {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Path store = aDynoaiStore().withIndexEntry(run("run_a", "complete", "2025-12-08T06:18:43.578Z", "a.csv")).writeTo(temp.resolve("store"));
        Path archive = temp.resolve("archive");

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString(), "--archive", archive.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(store).doesNotExist();
        assertThat(archive.resolve("runs").resolve("index.json")).exists();
        assertThat(Rows.count(database, "runs")).isEqualTo(1);
    }

    @Test
    void a_row_lost_in_the_target_fails_verification_and_the_store_stays_where_it_was() throws Exception {
        // given a target that silently loses one run after inserting it
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aDynoaiStore().writeTo(temp.resolve("empty")).toString()).exitCode()).isZero();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TRIGGER lose_run AFTER INSERT ON runs REFERENCING NEW ROW AS n FOR EACH ROW "
                    + "WHEN (n.id = 'run_b') BEGIN ATOMIC DELETE FROM runs WHERE id = n.id; END");
        }
        Path store = aDynoaiStore()
                .withIndexEntry(run("run_a", "complete", "2025-12-08T06:18:43.578Z"))
                .withIndexEntry(run("run_b", "complete", "2025-12-08T06:18:43.578Z"))
                .writeTo(temp.resolve("store"));

        // when
        Sluice.Result result = sluice.run("migrate", store.toString(), "--archive", temp.resolve("archive").toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.out()).contains("FAILED", "verification failed");
        assertThat(store.resolve("index.json")).exists();
        assertThat(temp.resolve("archive")).doesNotExist();
    }

    @Test
    void a_dry_run_never_archives() throws Exception {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Path store = aDynoaiStore().withIndexRuns(3).writeTo(temp.resolve("store"));
        Path archive = temp.resolve("archive");

        // when
        Sluice.Result result = new Sluice(database).run("migrate", store.toString(), "--dry-run", "--archive", archive.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(store.resolve("index.json")).exists();
        assertThat(Files.exists(archive.resolve("runs"))).isFalse();
    }
}
