package io.sluice.runner;

import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code sluice serve} processes (the packaged jar) on one PostgreSQL repository and one jobs folder,
 * with a schedule firing every two seconds: each fire time is fired by one of them and runs exactly once,
 * none is skipped, and SIGTERM ends both cleanly.
 */
class ServeIT {

    private static final int FIRES = 6;

    @TempDir
    Path temp;

    @Test
    void two_serve_processes_fire_each_fire_time_of_a_schedule_exactly_once() throws Exception {
        // given a jobs folder with a workflow every two seconds, and two serve processes on one PostgreSQL
        TestDatabase database = TestDatabase.postgres();
        Path csv = Files.writeString(temp.resolve("in.csv"), "a,b\n1,2\n");
        Path workflow = Files.writeString(temp.resolve("copy.json"), """
                {"name": "copy", "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(csv, temp.resolve("out.csv")));
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Files.writeString(jobs.resolve("copy.yml"), "name: copy\nfamily: workflow\nparameters:\n  file: " + workflow + "\nschedule:\n  every: 2s\n");
        List<Process> serves = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            serves.add(PackagedJar.start(database, temp.resolve("serve-" + i + ".log"), java.util.Map.of("SERVER_PORT", "0"), "serve", "--jobs-dir", jobs.toString()));
        }

        // when they have fired six times, and are then ended by SIGTERM
        try {
            PackagedJar.awaitCount(database, serves.get(0), """
                    SELECT count(*) FROM schedule_fires f JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = f.execution_id
                    WHERE e.STATUS = 'COMPLETED'""", FIRES, Duration.ofMinutes(3));
        } finally {
            for (Process serve : serves) {
                serve.destroy();
            }
        }
        List<Integer> exits = new ArrayList<>();
        for (Process serve : serves) {
            exits.add(serve.waitFor());
        }

        // then every fire ran once, the fire times two seconds apart with none missing, and both ended cleanly
        assertThat(exits).containsOnly(0);
        List<Map<String, Object>> fires = Rows.query(database, "SELECT fire_at, execution_id FROM schedule_fires ORDER BY fire_at");
        long executions = (Long) Rows.query(database, "SELECT count(*) AS n FROM BATCH_JOB_EXECUTION").get(0).get("n");
        assertThat(fires.size()).isGreaterThanOrEqualTo(FIRES);
        assertThat(executions).as("one execution a fire, never two").isEqualTo(fires.size());
        assertThat(fires).extracting(f -> f.get("execution_id")).doesNotContainNull().doesNotHaveDuplicates();
        for (int i = 1; i < fires.size(); i++) {
            Instant previous = ((Timestamp) fires.get(i - 1).get("fire_at")).toInstant();
            Instant fire = ((Timestamp) fires.get(i).get("fire_at")).toInstant();
            assertThat(Duration.between(previous, fire)).as("fire %d after fire %d", i, i - 1).isEqualTo(Duration.ofSeconds(2));
        }
        for (int i = 0; i < 2; i++) {
            assertThat(Files.readString(temp.resolve("serve-" + i + ".log"))).contains("sluice serve: stopped");
        }
    }

    @Test
    void a_serve_killed_mid_job_leaves_its_execution_to_another_that_recovers_and_restarts_it() throws Exception {
        // given a workflow reading a registered database through a function that waits on an advisory lock the test holds,
        // on a schedule firing once, with one restart allowed
        TestDatabase database = TestDatabase.postgres();
        String source = "sluice_serve_src_" + Long.toHexString(System.nanoTime());
        try (java.sql.Connection admin = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
             java.sql.Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + source);
        }
        String url = "jdbc:postgresql://127.0.0.1:5432/" + source + "?user=postgres";
        try (java.sql.Connection connection = java.sql.DriverManager.getConnection(url); java.sql.Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id int PRIMARY KEY)");
            statement.execute("INSERT INTO t SELECT generate_series(1, 10)");
            statement.execute("CREATE FUNCTION gate() RETURNS int AS $$ BEGIN PERFORM pg_advisory_lock(4242); PERFORM pg_advisory_unlock(4242);"
                    + " RETURN 1; END $$ LANGUAGE plpgsql");
        }
        try {
            io.sluice.testing.Sluice sluice = new io.sluice.testing.Sluice(database);
            String id = sluice.run("db", "add", "source", "--provider", "postgresql", "--url", url).out().strip();
            Path out = temp.resolve("out.csv");
            Path workflow = Files.writeString(temp.resolve("gated.json"), """
                    {"name": "gated", "nodes": [{"id": "s", "type": "data_source", "data": {"source_type": "database", "database_id": "%s",
                       "query": "SELECT id, gate() AS g FROM t ORDER BY id"}},
                      {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                     "edges": [{"source": "s", "target": "o"}]}
                    """.formatted(id, out));
            Path jobs = Files.createDirectories(temp.resolve("jobs"));
            Files.writeString(jobs.resolve("gated.yml"), "name: gated\nfamily: workflow\nparameters:\n  file: " + workflow
                    + "\nschedule:\n  at: " + Instant.now().plusSeconds(8).truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
                    + "\n  retry: {restarts: 1, backoff: 1s}\n");

            // when the first serve is killed while its job waits at the gate
            try (java.sql.Connection holder = java.sql.DriverManager.getConnection(url); java.sql.Statement lock = holder.createStatement()) {
                lock.execute("SELECT pg_advisory_lock(4242)");
                Process first = PackagedJar.start(database, temp.resolve("first.log"), Map.of("SERVER_PORT", "0"), "serve", "--jobs-dir", jobs.toString());
                try {
                    awaitWaitingAtTheGate(source, first);
                } finally {
                    first.destroyForcibly().waitFor();
                }
                lock.execute("SELECT pg_advisory_unlock(4242)");
            }
            // and a second serve starts
            Process second = PackagedJar.start(database, temp.resolve("second.log"), Map.of("SERVER_PORT", "0"), "serve", "--jobs-dir", jobs.toString());
            try {
                PackagedJar.awaitCount(database, second, """
                        SELECT count(*) FROM schedule_fires f JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = f.execution_id
                        WHERE e.STATUS = 'COMPLETED'""", 1, Duration.ofMinutes(3));
            } finally {
                second.destroy();
            }
            assertThat(second.waitFor()).isZero();

            // then the second recovered the killed execution and restarted it to completion, once
            assertThat(Rows.query(database, "SELECT restarts FROM schedule_fires")).extracting(r -> r.get("restarts")).containsExactly(1);
            assertThat(Rows.query(database, "SELECT STATUS AS status, EXIT_MESSAGE AS message FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID"))
                    .extracting(r -> (String) r.get("status")).containsExactly("FAILED", "COMPLETED");
            assertThat(Files.readAllLines(out)).hasSize(11);
            assertThat(Files.readString(temp.resolve("second.log"))).contains("recovered execution", "restarting gated's execution");
        } finally {
            try (java.sql.Connection admin = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
                 java.sql.Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + source + " WITH (FORCE)");
            }
        }
    }

    /** Waits, while {@code process} runs, until a session of {@code database} waits on an advisory lock. */
    private static void awaitWaitingAtTheGate(String database, Process process) throws Exception {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        try (java.sql.Connection admin = java.sql.DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres")) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new AssertionError("the serve process ended (exit " + process.exitValue() + ") before its job reached the gate");
                }
                try (java.sql.Statement statement = admin.createStatement(); java.sql.ResultSet rows = statement.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = '" + database + "' AND wait_event = 'advisory'")) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("no job waited at the gate within two minutes");
    }
}
