package io.sluice.runner;

import io.sluice.testing.DynoaiIndex;
import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two job-running processes on one embedded database: the second runs through the first one's loopback
 * server, and when the first exits, the second takes the files over and its job goes on to completion (a
 * statement cut off with the server counts as a lost connection, ridden out): no stack trace on its terminal,
 * no execution left STARTED, and the first's stopped one restartable to completion.
 */
class TwoProcessesIT {

    private static final int RUNS = 40_000;

    @TempDir
    Path temp;

    @Test
    void when_the_process_holding_the_embedded_database_exits_the_second_takes_it_over_and_nothing_is_left_started() throws Exception {
        // given a migration running in a process of its own, held back by a lock so that it cannot end first,
        // and a second one running through its server
        TestDatabase database = TestDatabase.hsqldb();
        Path first = DynoaiIndex.write(temp.resolve("first"), "first_", RUNS);
        Path second = DynoaiIndex.write(temp.resolve("second"), "second_", RUNS);
        Process holder = PackagedJar.start(database, temp.resolve("holder.log"), "migrate", first.toString(), "--chunk-size", "200");
        Path guestLog = temp.resolve("guest.log");
        Process guest;
        try (Connection lock = holdBackChunks(database, holder)) {
            guest = PackagedJar.start(database, guestLog, Map.of(), "migrate", second.toString(), "--chunk-size", "200");
            awaitRunsOf(database, guest, guestLog, "second_%", 1_000);

            // when the first process ends: asked to stop, it does so after the chunk the lock held back
            holder.destroy();
            lock.rollback();
        }
        assertThat(holder.waitFor(2, TimeUnit.MINUTES)).isTrue();

        // then the second one rides out the loss of the first one's server, takes the files over and completes,
        // with one-line messages only, and leaves nothing STARTED
        assertThat(guest.waitFor(3, TimeUnit.MINUTES)).as("the second process ends").isTrue();
        assertThat(guest.exitValue()).as(Files.readString(guestLog)).isZero();
        assertThat(Files.readString(guestLog)).doesNotContain("\tat ").doesNotContain("unexpected error");
        assertThat(((Number) Rows.query(database, "SELECT count(*) AS n FROM BATCH_JOB_EXECUTION WHERE STATUS = 'STARTED'")
                .get(0).get("n")).longValue()).isZero();

        // and every execution that did not complete restarts to completion
        Sluice sluice = new Sluice(database);
        for (var row : Rows.query(database, "SELECT JOB_EXECUTION_ID AS id FROM BATCH_JOB_EXECUTION WHERE STATUS <> 'COMPLETED'")) {
            Sluice.Result restarted = sluice.run("restart", row.get("id").toString());
            assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        }
        assertThat(Rows.count(database, "runs")).isEqualTo(2L * RUNS);
    }

    /**
     * Once {@code job} is loading, locks the row of its running partition's step execution in a transaction
     * of its own (through the job's server), so that the job's next chunk commit waits for that transaction:
     * the job stays alive, holding the database, whatever the speed of the machine. Roll the returned
     * connection back to let the job go on.
     */
    private static Connection holdBackChunks(TestDatabase database, Process job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            assertThat(job.isAlive()).as("the first job ended before it could be held back").isTrue();
            Connection connection = null;
            try {
                connection = database.connectWhileSluiceRuns();
                connection.setAutoCommit(false);
                try (Statement statement = connection.createStatement()) {
                    int locked = statement.executeUpdate("UPDATE BATCH_STEP_EXECUTION SET VERSION = VERSION"
                            + " WHERE STATUS = 'STARTED' AND STEP_NAME LIKE '%:part-%'");
                    if (locked > 0) {
                        return connection;
                    }
                }
                connection.rollback();
                connection.close();
            } catch (Exception notYet) {
                // the server, the schema or the step is not there yet
                if (connection != null) {
                    connection.close();
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first job started no load step within two minutes");
    }

    private static void awaitRunsOf(TestDatabase database, Process job, Path log, String idPattern, long runs) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            if (!job.isAlive()) {
                throw new AssertionError("the job ended too early, exit " + job.exitValue() + ":\n" + Files.readString(log));
            }
            try (Connection connection = database.connectWhileSluiceRuns(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) AS n FROM runs WHERE id LIKE '" + idPattern + "'")) {
                if (rs.next() && rs.getLong("n") >= runs) {
                    return;
                }
            } catch (Exception notYet) {
                // not there yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the second job committed no " + runs + " runs within two minutes");
    }
}
