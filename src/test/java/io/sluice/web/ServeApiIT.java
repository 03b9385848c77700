package io.sluice.web;

import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice serve}'s REST API on a PostgreSQL repository, driven over HTTP against the packaged jar:
 * jobs started by definition and by family, executions listed with each filter and paged, one shown with
 * its steps and a sample of its rejects, live progress, and stop, restart and abandon with the statuses
 * that refuse them; its errors as problem details; its OpenAPI description; a cross-site action refused.
 */
class ServeApiIT {

    @TempDir
    Path temp;

    @Test
    void the_api_starts_lists_filters_pages_shows_and_acts_on_executions() throws Exception {
        // given a PostgreSQL repository, a definition of a workflow copying a CSV with one bad line, and a serve process
        TestDatabase database = TestDatabase.postgres();
        Path csv = Files.writeString(temp.resolve("in.csv"), "a,b\n1,2\n3\n5,6\n");
        Path copy = workflowFile("copy", "{\"source_path\": \"" + csv + "\"}", temp.resolve("out.csv"));
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Files.writeString(jobs.resolve("copy.yml"), "name: copy\nfamily: workflow\nparameters:\n  file: " + copy + "\n");
        try (ServeProcess serve = ServeProcess.start(database, jobs, temp.resolve("serve.log"), Map.of())) {
            // when the definition is started, and the same workflow twice by family
            serve.await("/api/jobs", jobs1 -> jobs1.size() == 1);
            HttpResponse<String> started = serve.post("/api/jobs/copy/start", null);
            assertThat(started.statusCode()).isEqualTo(202);
            long first = ServeProcess.json(started).get("id").asLong();
            assertThat(started.headers().firstValue("Location")).hasValue("/api/executions/" + first);
            JsonNode detail = serve.await("/api/executions/" + first, e -> e.get("execution").get("status").asString().equals("COMPLETED"));
            List<Long> ids = new ArrayList<>(List.of(first));
            for (int i = 0; i < 2; i++) {
                HttpResponse<String> byFamily = serve.post("/api/executions", "{\"job\": \"workflow\", \"parameters\": {\"file\": \"" + copy + "\"}}");
                assertThat(byFamily.statusCode()).as(byFamily.body()).isEqualTo(202);
                long id = ServeProcess.json(byFamily).get("id").asLong();
                serve.await("/api/executions/" + id, e -> e.get("execution").get("status").asString().equals("COMPLETED"));
                ids.add(id);
            }

            // then the definition shows its last execution, and the execution its steps, parameters and rejected line
            JsonNode job = ServeProcess.json(serve.get("/api/jobs/copy"));
            assertThat(job.get("lastExecutionId").asLong()).isEqualTo(first);
            assertThat(job.get("lastStatus").asString()).isEqualTo("COMPLETED");
            JsonNode execution = detail.get("execution");
            assertThat(execution.get("job").asString()).isEqualTo("workflow");
            assertThat(execution.get("parameters").get("file").asString()).isEqualTo(copy.toString());
            assertThat(execution.get("steps").size()).isPositive();
            assertThat(execution.get("read").asLong()).isEqualTo(2);
            assertThat(execution.get("rejectCount").asLong()).isEqualTo(1);
            assertThat(detail.get("rejects").size()).isEqualTo(1);
            assertThat(detail.get("rejects").get(0).get("location").asString()).isEqualTo("line 3");
            JsonNode progress = ServeProcess.json(serve.get("/api/executions/" + first + "/progress"));
            assertThat(progress.get("status").asString()).isEqualTo("COMPLETED");
            assertThat(progress.get("read").asLong()).isEqualTo(2);

            // and the list filters on job, status, parameter and time, newest first, one page at a time
            assertThat(ids(serve.get("/api/executions"))).containsExactly(ids.get(2), ids.get(1), ids.get(0));
            assertThat(ids(serve.get("/api/executions?job=workflow&status=COMPLETED"))).hasSize(3);
            assertThat(ids(serve.get("/api/executions?job=migrate"))).isEmpty();
            assertThat(ids(serve.get("/api/executions?status=failed"))).isEmpty();
            assertThat(ids(serve.get("/api/executions?parameter=file=" + copy))).hasSize(3);
            assertThat(ids(serve.get("/api/executions?parameter=file=" + copy + "x"))).isEmpty();
            assertThat(ids(serve.get("/api/executions?since=1h&until=2999-01-01"))).hasSize(3);
            assertThat(ids(serve.get("/api/executions?until=2000-01-01"))).isEmpty();
            JsonNode page2 = ServeProcess.json(serve.get("/api/executions?size=1&page=2"));
            assertThat(page2.get("executions").get(0).get("id").asLong()).isEqualTo(ids.get(1));
            assertThat(page2.get("hasNext").asBoolean()).isTrue();
            assertThat(ServeProcess.json(serve.get("/api/executions?size=1&page=3")).get("hasNext").asBoolean()).isFalse();
            // and by keyset: each page's nextBefore gives the next, the same as by number
            JsonNode page1 = ServeProcess.json(serve.get("/api/executions?size=1"));
            JsonNode keyset2 = ServeProcess.json(serve.get("/api/executions?size=1&before=" + page1.get("nextBefore").asLong()));
            assertThat(keyset2.get("executions").get(0).get("id").asLong()).isEqualTo(ids.get(1));
            JsonNode keyset3 = ServeProcess.json(serve.get("/api/executions?size=1&before=" + keyset2.get("nextBefore").asLong()));
            assertThat(keyset3.get("executions").get(0).get("id").asLong()).isEqualTo(ids.get(0));
            assertThat(keyset3.get("hasNext").asBoolean()).isFalse();
            assertThat(keyset3.get("nextBefore").isNull()).isTrue();

            // and Prometheus reads Spring Batch's job, step and chunk timers of those executions, but no per-item ones
            String metrics = serve.get("/actuator/prometheus").body();
            assertThat(metrics)
                    .containsPattern("spring_batch_job_seconds_count\\{[^}]*spring_batch_job_name=\"workflow\",spring_batch_job_status=\"COMPLETED\"} 3")
                    .containsPattern("spring_batch_step_seconds_count\\{[^}]*spring_batch_step_job_name=\"workflow\"")
                    .containsPattern("spring_batch_chunk_write_seconds_count\\{[^}]*spring_batch_chunk_write_job_name=\"workflow\"")
                    .doesNotContain("spring_batch_item_");
            assertThat(ServeProcess.json(serve.get("/actuator/health")).get("status").asString()).isEqualTo("UP");

            // and errors are problem details with the status of their kind
            assertProblem(serve.get("/api/executions/99999999"), 404, "no execution 99999999");
            assertProblem(serve.get("/api/jobs/nosuch"), 404, "no job definition named 'nosuch'");
            assertProblem(serve.post("/api/executions/" + first + "/restart", null), 409, "already COMPLETED");
            assertProblem(serve.post("/api/executions/" + first + "/abandon", null), 409, "COMPLETED");
            assertProblem(serve.post("/api/executions", "{\"job\": \"nosuch\"}"), 404, "no job named 'nosuch'");
            assertProblem(serve.post("/api/executions", "{\"job\": \"workflow\"}"), 400, "file or id is missing");
            assertProblem(serve.post("/api/executions", "{not json"), 400, "not the JSON");
            assertProblem(serve.get("/api/executions?status=DONE"), 400, "status 'DONE' is none of");
            assertProblem(serve.get("/api/executions?since=yesterday"), 400, "since 'yesterday'");
            assertProblem(serve.get("/api/executions?size=1000"), 400, "size 1000");
            assertProblem(serve.get("/api/executions?page=2&before=5"), 400, "give page or before, not both");
            assertProblem(serve.get("/api/executions/abc"), 400, "id 'abc' is not a whole number");
            assertProblem(serve.get("/api/nosuch"), 404, "nothing at this address");
            assertProblem(serve.get("/error"), 404, "nothing at this address");
            assertProblem(serve.get("/nosuch", "Accept", "application/json, text/html;q=0.1"), 404, "nothing at this address");
            assertThat(serve.get("/nosuch", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8").body()).contains("<h2>Not Found</h2>");
            assertProblem(serve.get("/api/executions?since=1h&before=5"), 400, "pages by id, which a time range");
            assertProblem(serve.delete("/api/executions"), 405, "does not take that method");
            assertProblem(serve.post("/api/executions", "job=workflow", "Content-Type", "text/plain"), 415, "application/json");

            // and the OpenAPI description names the endpoints; a browser's cross-site action is refused
            JsonNode openApi = ServeProcess.json(serve.get("/api/openapi.json"));
            assertThat(openApi.get("info").get("title").asString()).isEqualTo("sluice REST API");
            JsonNode restartResponses = openApi.get("paths").get("/api/executions/{id}/restart").get("post").get("responses");
            assertThat(restartResponses.has("202")).isTrue();
            assertThat(restartResponses.get("default").get("content").has("application/problem+json")).isTrue();
            assertThat(serve.post("/api/jobs/copy/start", null, "Origin", "http://evil.example").statusCode()).isEqualTo(403);
            assertThat(serve.post("/api/jobs/copy/start", null, "Sec-Fetch-Site", "cross-site").statusCode()).isEqualTo(403);
        }
    }

    @Test
    void a_running_execution_is_stopped_abandoned_and_a_failed_one_restarted_through_the_api() throws Exception {
        // given a registered PostgreSQL source whose first row waits at a gate the test holds, and fails while `ok` is empty
        TestDatabase database = TestDatabase.postgres();
        try (GatedSource source = GatedSource.create(50000)) {
            String url = source.url;
            String id = new Sluice(database).run("db", "add", "source", "--provider", "postgresql", "--url", url).out().strip();
            Path gated = workflowFile("gated", "{\"source_type\": \"database\", \"database_id\": \"" + id + "\", \"query\":"
                    + " \"SELECT id, CASE WHEN id = 1 THEN gate() ELSE 1 END AS g FROM t ORDER BY id\"}", temp.resolve("gated.csv"));
            String start = "{\"job\": \"workflow\", \"parameters\": {\"file\": \"" + gated + "\"}}";
            try (ServeProcess serve = ServeProcess.start(database, Files.createDirectories(temp.resolve("jobs")), temp.resolve("serve.log"), Map.of())) {
                // when a run fails at the closed gate, the gate opens, and it is restarted
                long failed = ServeProcess.json(serve.post("/api/executions", start)).get("id").asLong();
                JsonNode ended = serve.await("/api/executions/" + failed, e -> !running(e.get("execution")));
                assertThat(ended.get("execution").get("status").asString()).isEqualTo("FAILED");
                source.open();
                HttpResponse<String> restarted = serve.post("/api/executions/" + failed + "/restart", null);
                assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(202);
                long restart = ServeProcess.json(restarted).get("id").asLong();
                JsonNode completed = serve.await("/api/executions/" + restart, e -> !running(e.get("execution")));

                // then the restart completed, as the restart of the failed one, which cannot be restarted again
                assertThat(completed.get("execution").get("status").asString()).isEqualTo("COMPLETED");
                assertThat(completed.get("execution").get("restartOf").asLong()).isEqualTo(failed);
                assertProblem(serve.post("/api/executions/" + failed + "/restart", null), 409, "already restarted");

                // when a run waits at the gate: it is running, cannot be abandoned, and is asked to stop before the gate opens
                try (Connection holder = DriverManager.getConnection(url); Statement lock = holder.createStatement()) {
                    lock.execute("SELECT pg_advisory_lock(" + GatedSource.LOCK + ")");
                    long running = ServeProcess.json(serve.post("/api/executions", start)).get("id").asLong();
                    serve.await("/api/executions/" + running + "/progress", p -> p.get("status").asString().equals("STARTED") && !p.get("step").isNull());
                    assertProblem(serve.post("/api/executions/" + running + "/abandon", null), 409, "stop it");
                    HttpResponse<String> stop = serve.post("/api/executions/" + running + "/stop", null);
                    assertThat(stop.statusCode()).isEqualTo(202);
                    lock.execute("SELECT pg_advisory_unlock(" + GatedSource.LOCK + ")");
                    JsonNode stopped = serve.await("/api/executions/" + running, e -> !running(e.get("execution")));

                    // then it stopped after a chunk, and once abandoned it is never restarted
                    assertThat(stopped.get("execution").get("status").asString()).isEqualTo("STOPPED");
                    HttpResponse<String> abandoned = serve.post("/api/executions/" + running + "/abandon", null);
                    assertThat(ServeProcess.json(abandoned).get("status").asString()).isEqualTo("ABANDONED");
                    assertProblem(serve.post("/api/executions/" + running + "/restart", null), 409, "abandoned");
                }
            }
        }
    }

    @Test
    void bound_beyond_loopback_it_needs_users_and_gives_each_role_its_rights() throws Exception {
        // given serve bound to every address, without users
        TestDatabase database = TestDatabase.hsqldb();
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Process refused = io.sluice.testing.PackagedJar.start(database, temp.resolve("refused.log"),
                Map.of("SERVER_ADDRESS", "0.0.0.0", "SERVER_PORT", "0"), "serve", "--jobs-dir", jobs.toString());

        // then it refuses to start, saying why
        assertThat(refused.waitFor()).isEqualTo(2);
        assertThat(Files.readString(temp.resolve("refused.log")))
                .contains("serve is bound to 0.0.0.0, beyond this machine, without users").doesNotContain("Exception");

        // when it has a viewer and an operator, with their passwords hashed, and a definition
        Files.writeString(jobs.resolve("copy.yml"), "name: copy\nfamily: workflow\nparameters:\n  file: "
                + workflowFile("copy", "{\"source_path\": \"" + Files.writeString(temp.resolve("in.csv"), "a\n1\n") + "\"}", temp.resolve("out.csv")) + "\n");
        String hash = new String(new ProcessBuilder(java(), "-jar", Path.of("target", "sluice.jar").toAbsolutePath().toString(), "serve", "--hash-password")
                .redirectInput(ProcessBuilder.Redirect.from(Files.writeString(temp.resolve("pw"), "s3cret\n").toFile())).start()
                .getInputStream().readAllBytes()).strip();
        assertThat(hash).startsWith("{bcrypt}$2");
        try (ServeProcess serve = ServeProcess.start(database, jobs, temp.resolve("serve.log"), Map.of("SERVER_ADDRESS", "0.0.0.0"),
                "--sluice.serve.users[0].name=viewer", "--sluice.serve.users[0].password=" + hash, "--sluice.serve.users[0].role=viewer",
                "--sluice.serve.users[1].name=ops", "--sluice.serve.users[1].password=" + hash, "--sluice.serve.users[1].role=operator")) {
            // then requests without credentials or with a wrong password are refused, the viewer reads, only the operator acts
            assertProblem(serve.get("/api/executions"), 401, "this needs a user");
            assertThat(serve.get("/api/executions").headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(serve.get("/").statusCode()).isEqualTo(401);
            assertThat(serve.get("/actuator/prometheus").statusCode()).isEqualTo(401);
            assertThat(serve.get("/actuator/health").statusCode()).isEqualTo(200); // for probes: it tells nothing more than UP
            assertThat(serve.as("ops", "wrong").get("/api/executions").statusCode()).isEqualTo(401);
            assertThat(serve.as("viewer", "s3cret").get("/api/executions").statusCode()).isEqualTo(200);
            serve.await("/api/jobs", definitions -> definitions.size() == 1);
            assertThat(serve.get("/").body()).as("a viewer is offered no action").contains("copy").doesNotContain("Run now");
            assertProblem(serve.post("/api/executions", "{\"job\": \"nosuch\"}"), 403, "actions need an operator");
            assertThat(serve.as("ops", "s3cret").post("/api/executions", "{\"job\": \"nosuch\"}").statusCode()).isEqualTo(404);
            assertThat(serve.get("/").body()).contains("Run now");
        }
        assertThat(Files.readString(temp.resolve("serve.log"))).doesNotContain("s3cret").doesNotContain(hash);
    }

    private static boolean running(JsonNode execution) {
        return List.of("STARTING", "STARTED", "STOPPING").contains(execution.get("status").asString());
    }

    private static List<Long> ids(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<Long> ids = new ArrayList<>();
        ServeProcess.json(response).get("executions").forEach(e -> ids.add(e.get("id").asLong()));
        return ids;
    }

    private static void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = ServeProcess.json(response);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asString()).contains(detail);
    }

    private Path workflowFile(String name, String source, Path out) throws Exception {
        return Files.writeString(temp.resolve(name + ".json"), """
                {"name": "%s", "nodes": [{"id": "s", "type": "data_source", "data": %s},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(name, source, out));
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
