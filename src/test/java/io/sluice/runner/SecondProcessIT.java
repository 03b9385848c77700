package io.sluice.runner;

import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * While a job runs in a process of its own on the embedded database (which HSQLDB's file mode
 * gives to one process only), status and stop work from a second process, and the stopped
 * execution restarts to completion.
 */
class SecondProcessIT {

    private static final Pattern WRITTEN_SOME = Pattern.compile("\"written\" : [1-9]");

    @TempDir
    Path temp;

    @Test
    void status_and_stop_work_from_a_second_process_while_a_job_holds_the_embedded_database() throws Exception {
        // given a migration running in its own JVM on the embedded database
        TestDatabase database = TestDatabase.hsqldb();
        Path store = bigStore(temp.resolve("store"), 60_000);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", Path.of("target", "sluice.jar").toAbsolutePath().toString(), "migrate", store.toString(), "--chunk-size", "200"));
        command.addAll(database.arguments());
        Process job = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(temp.resolve("job.log").toFile()).start();
        Sluice second = new Sluice(database);
        awaitRunning(second, job);

        // when
        Sluice.Result status = second.run("status", "--json");
        Sluice.Result stop = second.run("stop", "0");

        // then
        assertThat(status.out()).contains("\"status\" : \"STARTED\"");
        assertThat(stop.exitCode()).as(stop.err()).isZero();
        assertThat(job.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(job.exitValue()).isEqualTo(1);
        assertThat(Executions.status(database, 0)).isEqualTo("STOPPED");
        Sluice.Result restart = second.run("restart", "0");
        assertThat(restart.exitCode()).as(restart.out() + restart.err()).isZero();
        assertThat(Executions.status(database, 1)).isEqualTo("COMPLETED");
        assertThat(Rows.count(database, "runs")).isEqualTo(60_000);
    }

    private static void awaitRunning(Sluice second, Process job) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
        while (Instant.now().isBefore(deadline)) {
            assertThat(job.isAlive()).as("the job ended before the second process could see it").isTrue();
            Sluice.Result status = second.run("status", "--json");
            if (status.exitCode() == 0 && status.out().contains("\"status\" : \"STARTED\"") && WRITTEN_SOME.matcher(status.out()).find()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the job never showed as running");
    }

    private static Path bigStore(Path root, int runs) throws Exception {
        Path folder = Files.createDirectories(root.resolve("runs"));
        StringBuilder index = new StringBuilder("{\"runs\": [\n");
        for (int i = 0; i < runs; i++) {
            index.append(i == 0 ? "" : ",\n").append("{\"run_id\": \"run_").append(i)
                    .append("\", \"status\": \"complete\", \"source\": \"jetstream\", \"created_at\": \"2025-12-05T11:52:20Z\"}");
        }
        Files.writeString(folder.resolve("index.json"), index.append("\n]}\n"));
        return folder;
    }
}
