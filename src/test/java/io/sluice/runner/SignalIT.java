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
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM to a process running a job: the job stops after its chunk, and the process exits with a stopped job's
 * documented code; a second SIGTERM, while a job cannot reach its chunk's end, ends the process at once.
 */
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

    @Test
    void a_second_sigterm_ends_a_process_whose_job_cannot_reach_the_end_of_its_chunk() throws Exception {
        // given a workflow whose database source answers its query only after ten minutes, running in a process of its own
        TestDatabase database = TestDatabase.postgres();
        Sluice sluice = new Sluice(database);
        String source = sluice.run("db", "add", "source", "--provider", "postgresql", "--url", database.jdbcUrl()).out().strip();
        Path workflow = Files.writeString(temp.resolve("slow.json"), """
                {"name": "slow", "nodes": [{"id": "s", "type": "data_source", "data": {"source_type": "database", "database_id": "%s",
                   "query": "SELECT 1 AS a, pg_sleep(600) AS slept"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(source, temp.resolve("out.csv")));
        Path log = temp.resolve("job.log");
        Process job = PackagedJar.start(database, log, "workflow", "run", "--file", workflow.toString());
        try {
            awaitSleepingQuery(database, job);

            // when it is asked to stop, says it stops after the current chunk, and is asked again
            job.destroy();
            awaitLog(log, "a second Ctrl-C or SIGTERM ends it at once", job);
            job.destroy();

            // then it ends at once with SIGTERM's code, leaving the execution for recover, which settles it
            assertThat(job.waitFor(1, TimeUnit.MINUTES)).as("the process ends").isTrue();
            assertThat(job.exitValue()).isEqualTo(143);
            assertThat(Files.readString(log)).contains("SIGTERM again: ending now");
            long id = (Long) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id");
            assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status"))
                    .isEqualTo("STARTED");
            Sluice.Result recovered = sluice.run("recover");
            assertThat(recovered.out()).contains("Execution " + id + " (workflow) was left").contains("STARTED");
            assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status"))
                    .isEqualTo("FAILED");
        } finally {
            job.destroyForcibly();
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT 1 AS a, pg_sleep(600)%'");
            }
        }
    }

    private static void awaitSleepingQuery(TestDatabase database, Process job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            assertThat(job.isAlive()).as("the job ended too early").isTrue();
            try (Connection connection = database.connect(); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE query LIKE 'SELECT 1 AS a, pg_sleep(600)%'")) {
                if (rs.next() && rs.getLong(1) > 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the workflow's query did not start within two minutes");
    }

    private static void awaitLog(Path log, String text, Process job) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (Instant.now().isBefore(deadline)) {
            if (Files.readString(log).contains(text)) {
                return;
            }
            assertThat(job.isAlive()).as("the process ended before saying: " + text).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("the process did not say within a minute: " + text);
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
