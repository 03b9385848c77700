package io.sluice.execution;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OpenLineage run events, on both databases: a migration's and a workflow's START and COMPLETE, a failed
 * workflow's FAIL with its error, each valid against the RunEvent's schema, with the store, the files and the
 * tables each read and wrote; to a file and to a local HTTP endpoint.
 */
class LineageEventsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path SAMPLE = Path.of("jobs", "samples", "dynoai", "runs");

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void each_execution_sends_a_start_and_an_end_event_with_what_it_read_and_wrote(TestDatabase database) throws Exception {
        // given a lineage file and a local lineage endpoint
        Path file = temp.resolve("lineage").resolve("events.jsonl");
        List<String> posted = new CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer endpoint = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        endpoint.createContext("/api/v1/lineage", exchange -> {
            posted.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(201, -1);
            exchange.close();
        });
        endpoint.start();
        String url = "http://127.0.0.1:" + endpoint.getAddress().getPort() + "/api/v1/lineage";
        Sluice sluice = new Sluice(database);
        Path csv = Files.writeString(temp.resolve("in.csv"), "a,b\n1,2\n");
        Path good = workflow("good", csv);
        Path bad = workflow("bad", Files.writeString(temp.resolve("bad.csv"), "a,b\n1,2\n3\n"));
        try {
            // when a migration writes its events to the file, and two workflows post theirs, one failing
            assertThat(sluice.run("migrate", SAMPLE.toString(), "--sluice.lineage.file=" + file).exitCode()).isZero();
            assertThat(sluice.run("workflow", "run", "--file", good.toString(), "--sluice.lineage.url=" + url).exitCode()).isZero();
            assertThat(sluice.run("workflow", "run", "--file", bad.toString(), "--sluice.lineage.url=" + url).exitCode()).isNotZero();
        } finally {
            endpoint.stop(0);
        }

        // then every event is a valid RunEvent, two a run with one run id
        List<JsonNode> migration = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            migration.add(JSON.readTree(line));
        }
        List<JsonNode> workflows = posted.stream().map(JSON::readTree).toList();
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(LineageEventsTest.class.getResourceAsStream("/openlineage/run-event.schema.json"));
        for (JsonNode event : Stream.concat(migration.stream(), workflows.stream()).toList()) {
            assertThat(schema.validate(event, context -> context.executionConfig(config -> config.formatAssertionsEnabled(true))))
                    .as(event.toString()).isEmpty();
        }
        assertThat(migration).extracting(e -> e.get("eventType").asString()).containsExactly("START", "COMPLETE");
        assertThat(migration.get(0).get("run").get("runId")).isEqualTo(migration.get(1).get("run").get("runId"));
        assertThat(migration.get(1).get("job").get("name").asString()).isEqualTo("migrate");
        assertThat(migration.get(1).get("inputs").get(0).get("name").asString()).isEqualTo(SAMPLE.toAbsolutePath().normalize().toString());
        List<String> tables = new ArrayList<>();
        migration.get(1).get("outputs").forEach(output -> tables.add(output.get("name").asString()));
        assertThat(tables).hasSize(2).allSatisfy(name -> assertThat(name).matches("(?i).*\\.(runs|run_files)$"));
        String namespace = migration.get(1).get("outputs").get(0).get("namespace").asString();
        assertThat(namespace).startsWith(database.toString().equals("postgresql") ? "postgres://127.0.0.1:5432" : "hsqldb:file:");

        assertThat(workflows).extracting(e -> e.get("eventType").asString()).containsExactly("START", "COMPLETE", "START", "FAIL");
        assertThat(workflows.get(1).get("job").get("name").asString()).isEqualTo("workflow.good");
        assertThat(workflows.get(3).get("job").get("name").asString()).isEqualTo("workflow.bad");
        assertThat(workflows.get(1).get("inputs").get(0).get("name").asString()).isEqualTo(csv.toAbsolutePath().toString());
        assertThat(workflows.get(1).get("outputs").get(0).get("name").asString()).isEqualTo(temp.resolve("good-out.csv").toAbsolutePath().toString());
        assertThat(workflows.get(3).get("run").get("facets").get("errorMessage").get("message").asString()).isNotBlank();
        assertThat(workflows.get(2).get("run").get("runId")).isEqualTo(workflows.get(3).get("run").get("runId"))
                .isNotEqualTo(workflows.get(1).get("run").get("runId"));
    }

    private Path workflow(String name, Path input) throws Exception {
        return Files.writeString(temp.resolve(name + ".json"), """
                {"name": "%s", "max_rejects": 0, "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(name, input, temp.resolve(name + "-out.csv")));
    }
}
