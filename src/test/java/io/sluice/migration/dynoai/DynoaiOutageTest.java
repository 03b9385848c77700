package io.sluice.migration.dynoai;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A migration that loses its PostgreSQL connections part way rides the loss out when the database
 * comes back within the outage timeout; when it does not, the execution fails (never UNKNOWN) and
 * a restart completes it. Either way every run lands once.
 */
class DynoaiOutageTest {

    private static final int RUNS = 20_000;

    @TempDir
    Path temp;

    @Test
    void aMigrationWhoseConnectionsAreKilledPartWayRidesItOutAndLandsEveryRunOnce() throws Exception {
        // given a migration running in two partitions
        TestDatabase database = TestDatabase.postgres();
        Sluice sluice = new Sluice(database);
        Path store = aDynoaiStore().withIndexRuns(RUNS).writeTo(temp.resolve("store"));
        CompletableFuture<Sluice.Result> migration = CompletableFuture.supplyAsync(() ->
                sluice.run("migrate", store.toString(), "--chunk-size", "100", "--partitions", "2"));

        // when its connections are killed once chunks have committed, while it still runs
        awaitCommittedRuns(database, migration);
        assertThat(runningExecutionStatus(database)).isEqualTo("STARTED");
        assertThat(database.terminateConnections()).isPositive();
        Sluice.Result result = migration.get(10, TimeUnit.MINUTES);

        // then the same execution goes on and completes, with every run and file once
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.query(database, "SELECT STATUS, EXIT_CODE FROM BATCH_JOB_EXECUTION"))
                .containsExactly(Map.of("status", "COMPLETED", "exit_code", "COMPLETED"));
        List<Map<String, Object>> partitions = Rows.query(database, """
                SELECT STATUS, READ_COUNT, ROLLBACK_COUNT FROM BATCH_STEP_EXECUTION
                WHERE STEP_NAME LIKE 'migrate.load-index-runs:%'""");
        assertThat(partitions).extracting(row -> row.get("status")).containsOnly("COMPLETED");
        assertThat(partitions.stream().mapToLong(row -> ((Number) row.get("read_count")).longValue()).sum())
                .as("each run read once in the end").isEqualTo(RUNS);
        assertThat(partitions.stream().mapToLong(row -> ((Number) row.get("rollback_count")).longValue()).sum())
                .as("a chunk was lost and done again").isPositive();
        assertThat(Rows.count(database, "runs")).isEqualTo(RUNS);
        assertThat(Rows.count(database, "run_files")).isEqualTo(2L * RUNS);
    }

    @Test
    void aMigrationThatLosesItsDatabaseLongerThanTheOutageTimeoutFailsAndARestartCompletesIt() throws Exception {
        // given a migration that waits 2 s for a lost database
        TestDatabase database = TestDatabase.postgres();
        Sluice sluice = new Sluice(database);
        Path store = aDynoaiStore().withIndexRuns(RUNS).writeTo(temp.resolve("store"));
        CompletableFuture<Sluice.Result> migration = CompletableFuture.supplyAsync(() ->
                sluice.run("migrate", store.toString(), "--chunk-size", "100", "--partitions", "2",
                        "--sluice.database.outage-timeout=2s", "--sluice.database.pool.pool-timeout=1s"));

        // when the database refuses every connection from a point where chunks have committed until the migration ended
        awaitCommittedRuns(database, migration);
        Sluice.Result failed;
        try {
            allowConnections(database, false);
            assertThat(database.terminateConnections()).isPositive();
            failed = migration.get(10, TimeUnit.MINUTES);
        } finally {
            allowConnections(database, true);
        }

        // then it failed, and a restart completes it with every run and file once
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        long failedId = newestExecution(database);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        assertThat(Rows.query(database, "SELECT JOB_EXECUTION_ID AS id, STATUS FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID"))
                .extracting(row -> row.get("status")).containsExactly("FAILED", "COMPLETED");
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + failedId))
                .extracting(row -> row.get("status")).isNotEmpty().doesNotContain("UNKNOWN", "STARTED");
        assertThat(Rows.count(database, "runs")).isEqualTo(RUNS);
        assertThat(Rows.count(database, "run_files")).isEqualTo(2L * RUNS);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void recoverTurnsAnExecutionLeftUnknownIntoOneThatRestartCompletes(TestDatabase database) throws Exception {
        // given an execution whose job and load step were left UNKNOWN (as sluice before issue 10 left them), its process gone
        Sluice sluice = new Sluice(database);
        Path store = aDynoaiStore().withIndexRuns(300).writeTo(temp.resolve("store"));
        assertThat(sluice.run("migrate", store.toString(), "--chunk-size", "100").exitCode()).isZero();
        long id = newestExecution(database);
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE BATCH_JOB_EXECUTION SET STATUS = 'UNKNOWN', EXIT_CODE = 'UNKNOWN' WHERE JOB_EXECUTION_ID = " + id);
            statement.executeUpdate("UPDATE BATCH_STEP_EXECUTION SET STATUS = 'UNKNOWN', EXIT_CODE = 'UNKNOWN' WHERE JOB_EXECUTION_ID = "
                    + id + " AND STEP_NAME = 'migrate.load-index-runs'");
        }

        // when
        Sluice.Result recovered = sluice.run("recover", Long.toString(id));

        // then the execution and its step are FAILED, and a restart completes it with every run once
        assertThat(recovered.exitCode()).as(recovered.out() + recovered.err()).isZero();
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id))
                .extracting(row -> row.get("status")).containsExactly("FAILED");
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id
                + " AND STEP_NAME = 'migrate.load-index-runs'")).extracting(row -> row.get("status")).containsExactly("FAILED");
        Sluice.Result restarted = sluice.run("restart", Long.toString(id));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID"))
                .extracting(row -> row.get("status")).containsExactly("FAILED", "COMPLETED");
        assertThat(Rows.count(database, "runs")).isEqualTo(300);
        assertThat(Rows.count(database, "run_files")).isEqualTo(600);
    }

    /** Waits until runs are committed (checked from a connection of the test's own); fails if the migration ended first. */
    private static void awaitCommittedRuns(TestDatabase database, CompletableFuture<Sluice.Result> migration) throws Exception {
        while (committedRuns(database) == 0) {
            assertThat(migration).as("the migration still runs").isNotDone();
            Thread.sleep(10);
        }
    }

    private static long committedRuns(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) AS n FROM runs")) {
            rs.next();
            return rs.getLong("n");
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // Flyway has not made the table yet
            }
            throw e;
        }
    }

    private static String runningExecutionStatus(TestDatabase database) throws SQLException {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION").get(0).get("status");
    }

    private static void allowConnections(TestDatabase database, boolean allow) throws SQLException {
        try (Connection connection = database.connectAsAdmin(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER DATABASE " + database.postgresName() + " ALLOW_CONNECTIONS " + allow);
        }
    }

    private static long newestExecution(TestDatabase database) throws SQLException {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }
}
