package io.sluice.runner;

import io.sluice.testing.DynoaiIndex;
import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** SIGTERM to a process running a job: the job stops after its chunk, and the process exits with a stopped job's documented code. */
class SignalIT {

    private static final int RUNS = 60_000;

    @TempDir
    Path temp;

    @Test
    void sigterm_stops_the_job_after_its_chunk_and_the_process_exits_1_as_a_stopped_job_does() throws Exception {
        // given a migration running in a process of its own
        TestDatabase database = TestDatabase.hsqldb();
        Path store = DynoaiIndex.write(temp.resolve("store"), RUNS);
        Process job = PackagedJar.start(database, temp.resolve("job.log"), "migrate", store.toString(), "--chunk-size", "200");
        long id = awaitCommittedRuns(database, job, 2_000);

        // when
        job.destroy(); // SIGTERM

        // then
        assertThat(job.waitFor(2, TimeUnit.MINUTES)).as("the process ends").isTrue();
        assertThat(job.exitValue()).isEqualTo(1);
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status"))
                .isEqualTo("STOPPED");
        Sluice.Result restarted = new Sluice(database).run("restart", Long.toString(id));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        assertThat(Rows.count(database, "runs")).isEqualTo(RUNS);
    }

    /** Waits until the job's process has committed at least {@code runs} runs, and returns its execution's id. */
    static long awaitCommittedRuns(TestDatabase database, Process job, long runs) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            assertThat(job.isAlive()).as("the job ended too early").isTrue();
            try (Connection connection = database.connectWhileSluiceRuns(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("""
                         SELECT (SELECT count(*) FROM runs) AS n, max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION WHERE STATUS = 'STARTED'
                         """)) {
                if (rs.next() && rs.getLong("n") >= runs) {
                    return rs.getLong("id");
                }
            } catch (Exception notYet) {
                // the server, the schema or the execution is not there yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job committed no " + runs + " runs within two minutes");
    }
}
