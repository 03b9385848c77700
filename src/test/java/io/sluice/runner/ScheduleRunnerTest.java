package io.sluice.runner;

import io.sluice.execution.ExecutionService;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.jdbc.core.simple.JdbcClient;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The schedule policies of {@code serve}, on both databases, with a clock the test moves (never a sleep):
 * missed fire times skipped or run once, a paused schedule left alone, a failed fire restarted as its
 * retry policy says and no more.
 */
class ScheduleRunnerTest {

    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void missed_fires_are_skipped_or_run_once_a_paused_schedule_waits_and_a_failed_fire_is_restarted_as_its_policy_says(TestDatabase database)
            throws Exception {
        // given hourly schedules: one skipping missed fires, one running them once, one paused, and one whose job fails, retried once
        Path good = workflow("good", "a,b\n1,2\n");
        Path bad = workflow("bad", "a,b\n1,2\n3\n");
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Files.writeString(jobs.resolve("skip.yml"), definition("skip", good, "misfire: skip"));
        Files.writeString(jobs.resolve("once.yml"), definition("once", good, "misfire: run-once"));
        Files.writeString(jobs.resolve("paused.yml"), definition("paused", good, "paused: true"));
        Files.writeString(jobs.resolve("retried.yml"), definition("retried", bad, "retry: {restarts: 1, backoff: 1m}"));
        MovableClock clock = new MovableClock(T0);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        SluiceCommand.SPRING_ARGUMENTS.clear();
        SluiceCommand.SPRING_ARGUMENTS.addAll(database.arguments());
        try (BootContext boot = BootContext.start();
             ScheduleRunner runner = new ScheduleRunner(boot.bean(ExecutionService.class), boot.bean(JobSchedules.class), boot.bean(JdbcClient.class),
                     jobs, clock, new PrintStream(said, true, StandardCharsets.UTF_8))) {

            // when the first tick reads the definitions, and the next comes five hours later (as after a serve that did not run)
            runner.tick();
            clock.now = T0.plus(Duration.ofHours(5));
            runner.tick();
            awaitIdle(runner);
            // and the retried fire's backoff has passed, twice
            clock.now = clock.now.plus(Duration.ofMinutes(2));
            runner.tick();
            awaitIdle(runner);
            clock.now = clock.now.plus(Duration.ofMinutes(5));
            runner.tick();
            awaitIdle(runner);
        } finally {
            SluiceCommand.SPRING_ARGUMENTS.clear();
        }

        // then
        assertThat(Rows.query(database, "SELECT name, fire_at, restarts FROM schedule_fires ORDER BY name"))
                .extracting(r -> r.get("name") + " " + instant(r.get("fire_at")) + " " + r.get("restarts"))
                .containsExactly("once 2030-01-01T01:00:00Z 0", "retried 2030-01-01T01:00:00Z 1");
        assertThat(Rows.query(database, "SELECT name, paused, next_fire_at FROM job_schedules ORDER BY name"))
                .extracting(r -> r.get("name") + " " + r.get("paused") + " " + instant(r.get("next_fire_at")))
                .containsExactly("once false 2030-01-01T06:00:00Z", "paused true 2030-01-01T01:00:00Z", "retried false 2030-01-01T06:00:00Z",
                        "skip false 2030-01-01T06:00:00Z");
        assertThat(Rows.query(database, "SELECT STATUS AS status FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID"))
                .extracting(r -> r.get("status")).containsExactlyInAnyOrder("COMPLETED", "FAILED", "FAILED");
        assertThat(said.toString(StandardCharsets.UTF_8)).contains("firing once (2030-01-01T01:00:00Z), a missed fire run once",
                "restarting retried's execution");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_failed_fire_waits_for_its_backoff_after_its_end_before_it_is_restarted_and_no_more_than_its_policy_allows(TestDatabase database)
            throws Exception {
        // given a fire at one date whose job fails, one restart allowed ten hours after its end; the clock starts now, as the ends do
        Instant start = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Path bad = workflow("bad", "a,b\n1,2\n3\n");
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Files.writeString(jobs.resolve("later.yml"), "name: later\nfamily: workflow\nparameters:\n  file: " + bad
                + "\nschedule:\n  at: " + start.plusSeconds(60) + "\n  retry: {restarts: 1, backoff: 10h}\n");
        MovableClock clock = new MovableClock(start);
        SluiceCommand.SPRING_ARGUMENTS.clear();
        SluiceCommand.SPRING_ARGUMENTS.addAll(database.arguments());
        try (BootContext boot = BootContext.start();
             ScheduleRunner runner = new ScheduleRunner(boot.bean(ExecutionService.class), boot.bean(JobSchedules.class), boot.bean(JdbcClient.class),
                     jobs, clock, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            runner.tick();
            clock.now = start.plusSeconds(61);
            runner.tick();
            awaitIdle(runner);

            // when two hours pass, then eleven, then thirty
            clock.now = start.plus(Duration.ofHours(2));
            runner.tick();
            awaitIdle(runner);
            long beforeBackoff = executions(database);
            clock.now = start.plus(Duration.ofHours(11));
            runner.tick();
            awaitIdle(runner);
            long afterBackoff = executions(database);
            clock.now = start.plus(Duration.ofHours(30));
            runner.tick();
            awaitIdle(runner);

            // then the restart came after the backoff only, once
            assertThat(beforeBackoff).isEqualTo(1);
            assertThat(afterBackoff).isEqualTo(2);
            assertThat(executions(database)).isEqualTo(2);
            assertThat(Rows.query(database, "SELECT restarts FROM schedule_fires")).extracting(r -> r.get("restarts")).containsExactly(1);
        } finally {
            SluiceCommand.SPRING_ARGUMENTS.clear();
        }
    }

    private static long executions(TestDatabase database) throws java.sql.SQLException {
        return ((Number) Rows.query(database, "SELECT count(*) AS n FROM BATCH_JOB_EXECUTION").get(0).get("n")).longValue();
    }

    /** Waits until the jobs the runner started have ended (each runs on a thread of its own). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void executions_that_ended_longer_ago_than_the_retention_are_purged_and_the_others_kept(TestDatabase database) throws Exception {
        // given two ended executions, one of them recorded as ending 40 days from now
        Path good = workflow("good", "a,b\n1,2\n");
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Instant start = Instant.now();
        MovableClock clock = new MovableClock(start);
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        SluiceCommand.SPRING_ARGUMENTS.clear();
        SluiceCommand.SPRING_ARGUMENTS.addAll(database.arguments());
        try (BootContext boot = BootContext.start();
             ScheduleRunner runner = new ScheduleRunner(boot.bean(ExecutionService.class), boot.bean(JobSchedules.class), boot.bean(JdbcClient.class),
                     jobs, clock, new PrintStream(said, true, StandardCharsets.UTF_8))) {
            ExecutionService executions = boot.bean(ExecutionService.class);
            long old = executions.launch("workflow", java.util.Map.of("file", good.toString()), new org.springframework.batch.core.listener.JobExecutionListener() {
            }).getId();
            long kept = executions.launch("workflow", java.util.Map.of("file", good.toString()), new org.springframework.batch.core.listener.JobExecutionListener() {
            }).getId();
            boot.bean(JdbcClient.class).sql("UPDATE BATCH_JOB_EXECUTION SET END_TIME = :end WHERE JOB_EXECUTION_ID = :id")
                    .param("end", java.sql.Timestamp.valueOf(java.time.LocalDateTime.now().plusDays(40))).param("id", kept).update();

            // when serve keeps 30 days of history and ticks 35 days from now
            runner.retain(Duration.ofDays(30), database.dataDir());
            clock.now = start.plus(Duration.ofDays(35));
            runner.tick();

            // then the execution that ended 35 days before is gone, and the other stays
            assertThat(Rows.query(database, "SELECT JOB_EXECUTION_ID AS id FROM BATCH_JOB_EXECUTION")).extracting(r -> ((Number) r.get("id")).longValue())
                    .containsExactly(kept).doesNotContain(old);
            assertThat(said.toString(StandardCharsets.UTF_8)).contains("purged 1 execution that ended more than 30 days ago");
        } finally {
            SluiceCommand.SPRING_ARGUMENTS.clear();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void webhooks_are_told_of_success_failure_and_lateness_once_signed_and_tried_again_after_a_refusal(TestDatabase database) throws Exception {
        // given a local receiver that refuses its first request, and definitions telling it of a success (signed) and of a failure
        // and a lateness of one minute (unsigned), and of the failure signed with a key this serve lacks
        java.util.List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch delivered = new java.util.concurrent.CountDownLatch(3);
        com.sun.net.httpserver.HttpServer receiver = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            boolean refuse = requests.incrementAndGet() == 1;
            if (!refuse) {
                received.add(exchange.getRequestHeaders().getFirst("X-Sluice-Event") + " " + exchange.getRequestHeaders().getFirst("X-Sluice-Signature-256")
                        + " " + new String(body, StandardCharsets.UTF_8));
                delivered.countDown();
            }
            exchange.sendResponseHeaders(refuse ? 503 : 204, -1);
            exchange.close();
        });
        receiver.start();
        String url = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hooks";
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Files.writeString(jobs.resolve("good.yml"), "name: good\nfamily: workflow\nparameters:\n  file: " + workflow("good", "a,b\n1,2\n")
                + "\nnotifications:\n  - {on: success, url: \"" + url + "\", secret-env: HOOK_KEY}\n  - {on: failure, url: \"" + url + "\"}\n");
        Files.writeString(jobs.resolve("bad.yml"), "name: bad\nfamily: workflow\nparameters:\n  file: " + workflow("bad", "a,b\n1,2\n3\n")
                + "\nnotifications:\n  - {on: failure, url: \"" + url + "\"}\n  - {on: late, after: 1m, url: \"" + url + "\"}\n"
                + "  - {on: failure, url: \"" + url + "/signed\", secret-env: NO_SUCH_KEY}\n");
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("jobs", "run", "good", "--jobs-dir", jobs.toString()).exitCode()).isZero();
        assertThat(sluice.run("jobs", "run", "bad", "--jobs-dir", jobs.toString()).exitCode()).isNotZero();
        MovableClock clock = new MovableClock(Instant.now().plus(Duration.ofMinutes(2)));
        SluiceCommand.SPRING_ARGUMENTS.clear();
        SluiceCommand.SPRING_ARGUMENTS.addAll(database.arguments());
        try (BootContext boot = BootContext.start();
             ScheduleRunner runner = new ScheduleRunner(boot.bean(ExecutionService.class), boot.bean(JobSchedules.class), boot.bean(JdbcClient.class),
                     jobs, clock, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                     name -> name.equals("HOOK_KEY") ? "k3y" : null)) {
            // when serve ticks twice, two minutes after the runs
            runner.tick();
            assertThat(delivered.await(2, java.util.concurrent.TimeUnit.MINUTES)).as("three deliveries").isTrue();
            runner.tick();
            assertThat(runner.awaitNotifications(Duration.ofMinutes(1))).isTrue();
        } finally {
            SluiceCommand.SPRING_ARGUMENTS.clear();
            receiver.stop(0);
        }

        // then each event was told once: the success signed with the key over the body, the refused one again
        assertThat(received).hasSize(3);
        String success = received.stream().filter(r -> r.startsWith("success ")).findFirst().orElseThrow();
        String body = success.substring(success.indexOf('{'));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec("k3y".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        assertThat(success).startsWith("success sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8))) + " ");
        assertThat(body).contains("\"definition\":\"good\"", "\"status\":\"COMPLETED\"");
        assertThat(received).filteredOn(r -> r.startsWith("failure null ")).singleElement().asString().contains("\"definition\":\"bad\"", "\"status\":\"FAILED\"");
        assertThat(received).filteredOn(r -> r.startsWith("late null ")).singleElement().asString().contains("\"definition\":\"bad\"");
        assertThat(Rows.query(database, "SELECT name, event, attempts, delivered_at FROM job_notifications WHERE url = '" + url + "' ORDER BY name, event"))
                .extracting(r -> r.get("name") + " " + r.get("event") + " " + (r.get("delivered_at") != null))
                .containsExactly("bad failure true", "bad late true", "good success true");
        assertThat(Rows.query(database, "SELECT SUM(attempts) AS n FROM job_notifications WHERE url = '" + url + "'").get(0).get("n"))
                .satisfies(n -> assertThat(((Number) n).intValue()).isEqualTo(4));
        // and the one whose key this serve lacks was never sent unsigned, nor claimed: a serve that has the key tells it
        assertThat(Rows.query(database, "SELECT name FROM job_notifications WHERE url = '" + url + "/signed'")).isEmpty();
    }

    private static void awaitIdle(ScheduleRunner runner) throws InterruptedException {
        assertThat(runner.awaitSubmitted(Duration.ofMinutes(2))).as("the fired jobs ended").isTrue();
    }

    /** A timestamptz column's value as the driver gives it (a Timestamp from PostgreSQL's, an OffsetDateTime from HSQLDB's). */
    private static Instant instant(Object value) {
        return value instanceof java.time.OffsetDateTime time ? time.toInstant() : ((java.sql.Timestamp) value).toInstant();
    }

    private static String definition(String name, Path workflow, String policy) {
        return "name: " + name + "\nfamily: workflow\nparameters:\n  file: " + workflow + "\nschedule:\n  every: 1h\n  " + policy + "\n";
    }

    /** A workflow copying a CSV file; a record of the wrong field count fails it (no rejects allowed). */
    private Path workflow(String name, String csv) throws Exception {
        Path input = Files.writeString(temp.resolve(name + ".csv"), csv);
        return Files.writeString(temp.resolve(name + ".json"), """
                {"name": "%s", "max_rejects": 0, "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(name, input, temp.resolve(name + "-out.csv")));
    }

    /** A clock the test sets. */
    private static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
