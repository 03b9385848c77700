package io.sluice.migration.hamilton;

import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Hamilton migration runs in a JVM of its own (the packaged jar), which is killed with SIGKILL
 * part way; the execution is then recovered and restarted, and the database must equal a clean
 * run's, with every load step's rows written once over the two executions.
 */
class HamiltonCrashIT {

    private static final int CONCEPTS = 20_000;
    private static final Map<String, Long> ROWS_PER_STEP = Map.of("migrate.load-databases", 1L,
            "migrate.load-clustering-results", 0L, "migrate.load-concepts", (long) CONCEPTS,
            "migrate.load-attributes", (long) CONCEPTS, "migrate.load-relationships", 0L);

    @TempDir
    Path temp;

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_migration_killed_mid_run_is_recovered_and_restarted_to_the_same_database_as_a_clean_run(TestDatabase database) throws Exception {
        // given a large store, and a clean run of it for reference
        Path store = aHamiltonStore(temp.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", "s3cr3t pw", Map.of())
                .conceptsWithAttributes("db_a1b2c3d4e5", CONCEPTS)
                .file();
        TestDatabase reference = database.isPostgres() ? TestDatabase.postgres() : TestDatabase.hsqldb();
        assertThat(new Sluice(reference).run("migrate", store.toString()).exitCode()).isZero();

        // when the migration is killed part way
        Process process = PackagedJar.start(database, temp.resolve("killed.log"), "migrate", store.toString(), "--chunk-size", "500");
        PackagedJar.awaitCount(database, process, "SELECT count(*) FROM concepts", 2_500, Duration.ofMinutes(2));
        process.destroyForcibly().waitFor();

        // then the execution is left running; recover and restart complete it
        Sluice sluice = new Sluice(database);
        long killed = newestExecution(database);
        assertThat(status(database, killed)).isEqualTo("STARTED");
        Sluice.Result recovered = sluice.run("recover", Long.toString(killed));
        assertThat(recovered.exitCode()).as(recovered.err()).isZero();
        Sluice.Result restarted = sluice.run("restart", Long.toString(killed));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restart = newestExecution(database);
        assertThat(status(database, restart)).isEqualTo("COMPLETED");

        ROWS_PER_STEP.forEach((step, rows) -> assertThat(written(database, killed, step) + written(database, restart, step))
                .as("rows %s wrote over both executions", step).isEqualTo(rows));
        assertThat(Rows.count(database, "concepts")).isEqualTo(CONCEPTS);
        assertThat(Rows.count(database, "attributes")).isEqualTo(CONCEPTS);
        for (String sql : List.of(
                "SELECT id, name, provider, host, port, database_name, username, connection_string, status FROM databases ORDER BY id",
                "SELECT id, database_id, cluster_id, name, description, confirmed, created_at, updated_at FROM concepts ORDER BY id",
                "SELECT id, concept_id, name, column_name, table_name, data_type, is_required, created_at FROM attributes ORDER BY id")) {
            assertThat(dump(database, sql)).as(sql).isEqualTo(dump(reference, sql));
        }
    }

    private static long newestExecution(TestDatabase database) throws Exception {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }

    private static String status(TestDatabase database, long id) throws Exception {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }

    /** The rows a step of the execution committed (0 when it did not run in it). */
    private static long written(TestDatabase database, long id, String step) {
        try {
            return Rows.query(database, "SELECT WRITE_COUNT FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id
                    + " AND STEP_NAME = '" + step + "'").stream().mapToLong(row -> ((Number) row.get("write_count")).longValue()).sum();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> dump(TestDatabase database, String sql) throws Exception {
        return Rows.query(database, sql).stream().map(row -> row.values().toString()).toList();
    }
}
