package io.sluice.migration.dynoai;

import io.sluice.batch.RejectFile;
import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static io.sluice.migration.dynoai.DynoaiStore.aDynoaiStore;
import static org.assertj.core.api.Assertions.assertThat;

/** A migration that fails part way (a database trigger refuses one run) restarts after its last committed chunk. */
class DynoaiRestartTest {

    private static final String POISONED_RUN = "run_00555";

    @TempDir
    Path temp;

    /** Each database, loading in file order (one partition) and in two partitions side by side. */
    static Stream<Arguments> databasesAndPartitions() {
        return Stream.of(1, 2).flatMap(partitions -> TestDatabase.both().map(database -> Arguments.of(database, partitions)));
    }

    @ParameterizedTest(name = "{0}, {1} partition(s)")
    @MethodSource("databasesAndPartitions")
    void a_failed_migration_restarts_after_its_last_committed_chunk_and_ends_with_every_run_once(TestDatabase database, int partitions) throws Exception {
        // given a database that refuses one run
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aDynoaiStore().writeTo(temp.resolve("empty")).toString()).exitCode()).isZero();
        poison(database, true);
        Path store = aDynoaiStore().withIndexRuns(1000).writeTo(temp.resolve("store"));

        // when
        Sluice.Result failed = sluice.run("migrate", store.toString(), "--chunk-size", "100", "--partitions", Integer.toString(partitions));

        // then the chunks before the failing one are committed (and the other partition's, which completed)
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        assertThat(failed.out().lines().filter(line -> line.startsWith("  failed in ")))
                .as("the summary names the step that failed and why, in one line").singleElement().asString()
                .startsWith("  failed in migrate.load-index-runs:part-").containsAnyOf("poisoned run", "45000", "Exception");
        long failedId = Executions.newest(database);
        assertThat(Executions.status(database, failedId)).isEqualTo("FAILED");
        long committed = Rows.count(database, "runs");
        if (partitions == 1) {
            assertThat(committed).as("the five chunks before " + POISONED_RUN).isEqualTo(500);
        } else {
            assertThat(committed).isBetween(1L, 999L);
        }

        // when the cause is gone and the execution restarted
        poison(database, false);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));

        // then it completes, reading only the rest, and every run is there once
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restartedId = Executions.newest(database);
        assertThat(Executions.status(database, restartedId)).isEqualTo("COMPLETED");
        assertThat(Rows.query(database, "SELECT READ_COUNT FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + restartedId
                + " AND STEP_NAME = 'migrate.load-index-runs'").get(0).get("read_count")).isEqualTo(1000 - committed);
        assertThat(Executions.total(database, restartedId).read()).isEqualTo(1000 - committed);
        String summary = "restart of execution " + failedId + ": inserted " + (1000 - committed) + ", updated 0, unchanged 0, rejected 0;"
                + " all attempts together: inserted 1000, updated 0, unchanged 0, rejected 0";
        assertThat(restarted.out()).as("the summary counts what the restart did").contains(summary);
        assertThat(Executions.exitDescription(database, restartedId)).isEqualTo(summary);
        assertThat(Rows.count(database, "runs")).isEqualTo(1000);
        assertThat(Rows.count(database, "run_files")).isEqualTo(2000);
        assertThat(sluice.run("restart", Long.toString(restartedId)).exitCode()).isEqualTo(5);
    }

    @ParameterizedTest(name = "{0}, {1} partition(s)")
    @MethodSource("databasesAndPartitions")
    void a_restart_after_dynoai_rewrote_its_index_reads_it_again_without_bogus_rejects(TestDatabase database, int partitions)
            throws Exception {
        // given a migration that failed part way, its committed chunks saved with their byte offsets
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aDynoaiStore().writeTo(temp.resolve("empty")).toString()).exitCode()).isZero();
        poison(database, true);
        Path store = aDynoaiStore().withIndexRuns(1000).writeTo(temp.resolve("store"));
        Sluice.Result failed = sluice.run("migrate", store.toString(), "--chunk-size", "100", "--partitions", Integer.toString(partitions));
        assertThat(failed.exitCode()).as(failed.out() + failed.err()).isEqualTo(1);
        long failedId = Executions.newest(database);
        long committed = Rows.count(database, "runs");
        boolean changedRunLanded = !Rows.query(database, "SELECT id FROM runs WHERE id = 'run_00100'").isEmpty();

        // when DynoAI rewrites its index as it does on a status change: newest first, one run's status
        // changed, one run added; and the migration is restarted once the cause of the failure is gone
        DynoaiStore rewritten = aDynoaiStore().withIndexEntry(DynoaiStore.run("run_01000", "pending", "2025-12-09T08:00:00.000Z", "a.csv", "b.txt"));
        for (int i = 999; i >= 0; i--) {
            rewritten.withIndexEntry(i == 100
                    ? DynoaiStore.run("run_00100", "error", "2025-12-09T07:00:00.000Z", "a.csv", "b.txt")
                    : DynoaiStore.run("run_%05d".formatted(i), "complete", "2025-12-08T06:18:43.578Z", "a.csv", "b.txt"));
        }
        rewritten.writeTo(temp.resolve("store"));
        poison(database, false);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failedId));

        // then it completes, having read the new index whole, with every run once and no reject
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restartedId = Executions.newest(database);
        assertThat(Executions.status(database, restartedId)).isEqualTo("COMPLETED");
        assertThat(Rows.count(database, "runs")).isEqualTo(1001);
        assertThat(Rows.count(database, "run_files")).isEqualTo(2002);
        assertThat(Rows.query(database, "SELECT status FROM runs WHERE id = 'run_00100'").get(0).get("status")).isEqualTo("error");
        assertThat(Files.exists(RejectFile.pathFor(database.dataDir(), restartedId))).as("no reject").isFalse();
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + restartedId
                + " AND STEP_NAME = 'migrate.verify-runs'").get(0).get("status")).isEqualTo("COMPLETED");

        // and it says so in one line, and its counts describe the new index once
        assertThat(restarted.out()).contains("index.json changed since the last commit: read again from the start");
        long updated = changedRunLanded ? 1 : 0;
        assertThat(restarted.out()).contains("inserted " + (1001 - committed) + ", updated " + updated
                + ", unchanged " + (committed - updated) + ", rejected 0");
        assertThat(Rows.query(database, "SELECT EXIT_MESSAGE FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + restartedId
                + " AND STEP_NAME LIKE 'migrate.load-index-runs%' AND EXIT_MESSAGE LIKE '%index.json changed%'")).isNotEmpty();
    }

    private static void poison(TestDatabase database, boolean on) throws Exception {
        if (on) {
            database.refuseInserts("runs", POISONED_RUN);
        } else {
            database.allowInserts("runs");
        }
    }
}
