package io.sluice.migration.dynoai;

import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migration runs in a JVM of its own (the packaged jar), which is killed with SIGKILL part way;
 * the execution is then recovered and restarted, and the database must equal a clean run's.
 */
class DynoaiCrashIT {

    private static final int RUNS = 60_000;

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void a_migration_killed_mid_run_is_recovered_and_restarted_to_the_same_database_as_a_clean_run(TestDatabase database) throws Exception {
        // given a large store, and a clean run of it for reference
        Path store = aDynoaiStore().withIndexRuns(RUNS).writeTo(temp.resolve("store"));
        TestDatabase reference = database.isPostgres() ? TestDatabase.postgres() : TestDatabase.hsqldb();
        assertThat(new Sluice(reference).run("migrate", store.toString()).exitCode()).isZero();

        // when the migration is killed part way, while its execution is STARTED
        Process process = PackagedJar.start(database, temp.resolve("killed.log"), "migrate", store.toString(), "--chunk-size", "500");
        long id = awaitSomeRuns(database, process);
        process.destroyForcibly().waitFor();

        // then the next command waits for the killed process's lock on the embedded files (if any) by itself,
        // and recover and restart complete the execution
        Sluice sluice = new Sluice(database);
        Sluice.Result recovered = sluice.run("recover", Long.toString(id));
        assertThat(recovered.exitCode()).as(recovered.err()).isZero();
        Sluice.Result restarted = sluice.run("restart", Long.toString(id));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();

        assertThat(Rows.count(database, "runs")).isEqualTo(RUNS);
        assertThat(dump(database, "SELECT id, status, source, created_at, updated_at, progress_percent FROM runs ORDER BY id"))
                .isEqualTo(dump(reference, "SELECT id, status, source, created_at, updated_at, progress_percent FROM runs ORDER BY id"));
        assertThat(dump(database, "SELECT run_id, filename, file_type FROM run_files ORDER BY run_id, filename"))
                .isEqualTo(dump(reference, "SELECT run_id, filename, file_type FROM run_files ORDER BY run_id, filename"));
    }


    /**
     * Waits until the running process has committed a few chunks, reading through its loopback server on HSQLDB,
     * and returns the id of its execution, then STARTED.
     */
    private static long awaitSomeRuns(TestDatabase database, Process process) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("the migration ended before it could be killed").isTrue();
            try (Connection connection = database.connectWhileSluiceRuns(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("""
                         SELECT (SELECT count(*) FROM runs) AS n, e.JOB_EXECUTION_ID AS id, e.STATUS AS status
                         FROM BATCH_JOB_EXECUTION e
                         WHERE e.JOB_EXECUTION_ID = (SELECT max(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION)
                         """)) {
                if (rs.next() && rs.getLong("n") >= 5_000) {
                    assertThat(rs.getString("status")).isEqualTo("STARTED");
                    return rs.getLong("id");
                }
            } catch (Exception notYet) {
                // the schema or the server is not there yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no runs were committed within two minutes");
    }


    private static List<String> dump(TestDatabase database, String sql) throws Exception {
        return Rows.query(database, sql).stream().map(row -> row.values().toString()).toList();
    }
}
