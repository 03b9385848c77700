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
            serves.add(PackagedJar.start(database, temp.resolve("serve-" + i + ".log"), "serve", "--jobs-dir", jobs.toString()));
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
}
