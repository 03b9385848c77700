package io.sluice.migration.hamilton;

import io.sluice.batch.RejectFile;
import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Hamilton migration that fails part way (a database trigger refuses one concept) restarts after its last committed
 * chunk, or, when Hamilton changed the store since, reads its tables again from the start.
 */
class HamiltonRestartTest {

    private static final int CONCEPTS = 1000;
    private static final String POISONED_CONCEPT = "c_00555";

    @TempDir
    Path folder;

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_failed_migration_restarts_after_its_last_committed_chunk_and_ends_with_every_row_once(TestDatabase db) throws Exception {
        // given a database that refuses one concept, and a store of 1000 concepts with an attribute each
        Sluice sluice = new Sluice(db);
        HamiltonStoreBuilder empty = aHamiltonStore(folder.resolve("empty.db"));
        assertThat(sluice.run("migrate", empty.file().toString()).exitCode()).isZero();
        poison(db, true);
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", "s3cr3t", Map.of())
                .conceptsWithAttributes("db_a1b2c3d4e5", CONCEPTS);

        // when
        Sluice.Result failed = sluice.run("migrate", store.file().toString(), "--chunk-size", "100");

        // then the chunks before the failing one are committed, and the steps after it did not run
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        long failedId = newestExecution(db);
        assertThat(status(db, failedId)).isEqualTo("FAILED");
        assertThat(stepStatus(db, failedId, "migrate.load-databases")).isEqualTo("COMPLETED");
        assertThat(stepStatus(db, failedId, "migrate.load-concepts")).isEqualTo("FAILED");
        assertThat(stepCount(db, failedId, "migrate.load-concepts", "write_count")).isEqualTo(500);
        assertThat(Rows.count(db, "concepts")).as("the five chunks before " + POISONED_CONCEPT).isEqualTo(500);
        assertThat(Rows.count(db, "attributes")).isZero();

        // when the cause is gone and the execution restarted
        poison(db, false);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));

        // then it completes, reading only the rest, and every row is there once
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restartedId = newestExecution(db);
        assertThat(status(db, restartedId)).isEqualTo("COMPLETED");
        assertThat(stepCount(db, restartedId, "migrate.load-concepts", "read_count")).isEqualTo(CONCEPTS - 500);
        assertThat(stepCount(db, restartedId, "migrate.load-concepts", "write_count")).isEqualTo(CONCEPTS - 500);
        assertThat(stepCount(db, restartedId, "migrate.load-attributes", "write_count")).isEqualTo(CONCEPTS);
        assertThat(stepCount(db, restartedId, "migrate.load-databases", "read_count"))
                .as("a completed load step runs again from where it ended, and reads nothing").isZero();
        assertThat(Rows.count(db, "concepts")).isEqualTo(CONCEPTS);
        assertThat(Rows.count(db, "attributes")).isEqualTo(CONCEPTS);
        assertThat(((Number) Rows.query(db, "SELECT count(DISTINCT id) AS n FROM concepts").get(0).get("n")).longValue())
                .as("no duplicates").isEqualTo(CONCEPTS);
        assertThat(stepStatus(db, restartedId, "migrate.verify-hamilton")).isEqualTo("COMPLETED");
        assertThat(sluice.run("restart", Long.toString(restartedId)).exitCode()).isEqualTo(5);
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_restart_after_hamilton_changed_its_store_reads_the_tables_again_and_ends_with_every_row_without_bogus_rejects(TestDatabase db)
            throws Exception {
        // given a migration that failed in the concepts after committing 500 of them
        Sluice sluice = new Sluice(db);
        assertThat(sluice.run("migrate", aHamiltonStore(folder.resolve("empty.db")).file().toString()).exitCode()).isZero();
        poison(db, true);
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", "s3cr3t", Map.of())
                .conceptsWithAttributes("db_a1b2c3d4e5", CONCEPTS);
        Sluice.Result failed = sluice.run("migrate", store.file().toString(), "--chunk-size", "100");
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        long failedId = newestExecution(db);
        assertThat(Rows.count(db, "concepts")).isEqualTo(500);

        // when Hamilton changed the store since: a database and three concepts with their attributes added before the
        // saved positions (one concept of the new database), and a concept that had landed removed with its attribute
        store.database("db_0000000000", "n3wpa55", Map.of());
        for (String concept : List.of("c_00010a", "c_00020a", "c_00030a")) {
            store.concept(concept, concept.equals("c_00010a") ? "db_0000000000" : "db_a1b2c3d4e5", Map.of())
                    .attribute("a" + concept.substring(1), concept, Map.of());
        }
        store.without("attributes", "a_00100").without("concepts", "c_00100");
        poison(db, false);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));

        // then it completes with every row the store holds now, and no reject
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restartedId = newestExecution(db);
        assertThat(status(db, restartedId)).isEqualTo("COMPLETED");
        assertThat(Files.exists(RejectFile.pathFor(db.dataDir(), restartedId))).as("no reject").isFalse();
        List<String> concepts = new ArrayList<>(store.ids("concepts"));
        concepts.add("c_00100"); // it had landed before Hamilton removed it, and a migration deletes nothing
        assertThat(Rows.query(db, "SELECT id FROM concepts")).extracting(row -> row.get("id")).containsExactlyInAnyOrderElementsOf(concepts);
        assertThat(Rows.query(db, "SELECT id FROM attributes")).extracting(row -> row.get("id"))
                .containsExactlyInAnyOrderElementsOf(store.ids("attributes"));
        assertThat(Rows.query(db, "SELECT id FROM databases")).extracting(row -> row.get("id"))
                .containsExactlyInAnyOrder("db_0000000000", "db_a1b2c3d4e5");
        assertThat(stepStatus(db, restartedId, "migrate.verify-hamilton")).isEqualTo("COMPLETED");

        // and the steps that had saved a position in the changed store read their tables again from the start, counting them once
        assertThat(stepCount(db, restartedId, "migrate.load-databases", "read_count")).isEqualTo(2);
        assertThat(stepCount(db, restartedId, "migrate.load-concepts", "read_count")).isEqualTo(CONCEPTS + 2);
        Executions.StepCounts loadConcepts = Executions.steps(db, restartedId).stream()
                .filter(step -> step.name().equals("migrate.load-concepts")).findFirst().orElseThrow();
        assertThat(List.of(loadConcepts.inserted(), loadConcepts.updated(), loadConcepts.unchanged(), loadConcepts.rejected()))
                .as("inserted, updated, unchanged, rejected").containsExactly(503L, 0L, 499L, 0L);
        String notice = "hamilton_metadata.db changed since the last commit: read again from the start";
        assertThat(Rows.query(db, "SELECT STEP_NAME FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + restartedId
                + " AND EXIT_MESSAGE LIKE '%" + notice + "%'")).extracting(row -> row.get("step_name"))
                .containsExactlyInAnyOrder("migrate.load-databases", "migrate.load-concepts");
        assertThat(restarted.out()).as("said once").containsOnlyOnce(notice);
    }

    private static void poison(TestDatabase db, boolean on) throws Exception {
        if (on) {
            db.refuseInserts("concepts", POISONED_CONCEPT);
        } else {
            db.allowInserts("concepts");
        }
    }

    private static long newestExecution(TestDatabase db) throws Exception {
        return ((Number) Rows.query(db, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }

    private static String status(TestDatabase db, long id) throws Exception {
        return (String) Rows.query(db, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }

    private static String stepStatus(TestDatabase db, long id, String step) throws Exception {
        return (String) Rows.query(db, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id
                + " AND STEP_NAME = '" + step + "'").get(0).get("status");
    }

    private static long stepCount(TestDatabase db, long id, String step, String column) throws Exception {
        return ((Number) Rows.query(db, "SELECT " + column + " FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id
                + " AND STEP_NAME = '" + step + "'").get(0).get(column)).longValue();
    }
}
