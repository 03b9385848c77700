package io.sluice.migration.hamilton;

import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The migration's tasklet steps that talk to the database ride out the loss of their connections as
 * the load steps do, in the same execution. To kill the connections while such a step runs, and not
 * before or after it, the test holds the step's commit: a trigger on the job repository's step table
 * makes the step's commit wait for an advisory lock the test holds; once a backend waits for it, every
 * connection to the database (the lock holder's included) is killed.
 */
class HamiltonOutageTest {

    private static final int CONCEPTS = 50;
    private static final long LOCK = 4242;

    @TempDir
    Path folder;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"migrate.inspect-hamilton-store", "migrate.verify-hamilton", "migrate.advance-clustering-ids",
            "migrate.archive-store"})
    void a_tasklet_step_whose_connections_are_killed_as_it_commits_rides_it_out_and_the_migration_completes(String step) throws Exception {
        // given a store with clustering results, concepts and attributes, to migrate and archive on PostgreSQL
        TestDatabase database = TestDatabase.postgres();
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aHamiltonStore(folder.resolve("empty.db")).file().toString()).exitCode()).isZero();
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", "s3cr3t", Map.of())
                .clusteringResult(1, "db_a1b2c3d4e5", Map.of())
                .clusteringResult(7, "db_a1b2c3d4e5", Map.of())
                .conceptsWithAttributes("db_a1b2c3d4e5", CONCEPTS);
        Path archive = folder.resolve("archive");
        Sluice.Result result;
        try (Connection holder = database.connect()) {
            holdCommitsOf(holder, step);
            CompletableFuture<Sluice.Result> migration = CompletableFuture.supplyAsync(() ->
                    sluice.run("migrate", store.file().toString(), "--archive", archive.toString()));

            // when the step's commit waits, and every connection is killed
            awaitHeldCommit(database, migration);
            assertThat(database.terminateConnections()).isPositive();
            result = migration.get(10, TimeUnit.MINUTES);
        }

        // then the same execution went on and completed, the step in one step execution
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        long id = Executions.newest(database);
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID"))
                .extracting(row -> row.get("status")).as("the empty store's, then this one, never restarted").containsExactly("COMPLETED", "COMPLETED");
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id
                + " AND STEP_NAME = '" + step + "'")).extracting(row -> row.get("status")).containsExactly("COMPLETED");

        // and everything landed once, the identity moved past the largest id, and the store is in the archive
        assertThat(Rows.count(database, "concepts")).isEqualTo(CONCEPTS);
        assertThat(Rows.count(database, "attributes")).isEqualTo(CONCEPTS);
        assertThat(Rows.count(database, "clustering_results")).isEqualTo(2);
        assertThat(((Number) Rows.query(database, "SELECT nextval(pg_get_serial_sequence('clustering_results', 'id')) AS next")
                .get(0).get("next")).longValue()).as("past the largest migrated id (7), in sluice's own range (V10)").isEqualTo(1_000_000_000L);
        assertThat(Files.exists(archive.resolve("hamilton_metadata.db"))).isTrue();
        assertThat(Files.exists(store.file())).isFalse();
    }

    /**
     * From now on, a commit of {@code step} (its step execution updated with one commit more) waits while
     * {@code holder} holds the advisory lock it takes here; killing {@code holder} lets it go.
     */
    private static void holdCommitsOf(Connection holder, String step) throws SQLException {
        try (Statement statement = holder.createStatement()) {
            statement.execute("""
                    CREATE FUNCTION hold_step_commit() RETURNS trigger AS $$
                    BEGIN
                      IF NEW.step_name = '%s' AND NEW.commit_count > OLD.commit_count THEN
                        PERFORM pg_advisory_lock_shared(%d);
                        PERFORM pg_advisory_unlock_shared(%d);
                      END IF;
                      RETURN NEW;
                    END $$ LANGUAGE plpgsql""".formatted(step, LOCK, LOCK));
            statement.execute("CREATE TRIGGER hold_step_commit BEFORE UPDATE ON batch_step_execution FOR EACH ROW"
                    + " EXECUTE FUNCTION hold_step_commit()");
            statement.execute("SELECT pg_advisory_lock(" + LOCK + ")");
        }
    }

    /** Waits until a backend waits for the held lock; fails if the migration ended first. */
    private static void awaitHeldCommit(TestDatabase database, CompletableFuture<Sluice.Result> migration) throws Exception {
        while (!commitHeld(database)) {
            assertThat(migration).as("the migration still runs").isNotDone();
            Thread.sleep(10);
        }
    }

    private static boolean commitHeld(TestDatabase database) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                     + " AND objid = " + LOCK + " AND objsubid = 1")) {
            rs.next();
            return rs.getLong("n") > 0;
        }
    }
}
