package io.sluice.runner;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice jobs}: the definitions of a jobs folder checked with every problem at once (file and line),
 * listed with their schedules, run by hand, paused and resumed, on both databases.
 */
class JobsCommandTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void validate_reports_every_problem_of_every_file_with_its_line(TestDatabase database) throws Exception {
        // given a valid definition, one with four problems, one of the same name as the first, and one of a family that is none
        Path jobs = folder();
        Files.writeString(jobs.resolve("bad.yml"), """
                name: Bad Name
                family: workflow
                parameters:
                  file: %s
                schedule:
                  cron: "0 61 * * *"
                  zone: Mars/Olympus
                  colour: red
                """.formatted(workflow()));
        Files.writeString(jobs.resolve("copy.yaml"), """
                name: nightly-sales
                family: workflow
                parameters: {file: %s}
                """.formatted(workflow()));
        Files.writeString(jobs.resolve("nosuch.yml"), "name: other\nfamily: nosuch\n");

        // when
        Sluice.Result validated = new Sluice(database).run("jobs", "validate", "--jobs-dir", jobs.toString());

        // then
        assertThat(validated.exitCode()).isEqualTo(ExitCode.USAGE.code());
        java.util.List<String> lines = validated.out().lines().toList();
        assertThat(lines).hasSize(6);
        assertThat(lines.get(0)).isEqualTo(jobs.resolve("bad.yml") + " line 1: name 'Bad Name' is not kebab-case (nightly-sales) of at most 100 characters");
        assertThat(lines.get(1)).startsWith(jobs.resolve("bad.yml") + " line 6: cron '0 61 * * *': ");
        assertThat(lines.subList(2, 6)).containsExactly(
                jobs.resolve("bad.yml") + " line 7: zone 'Mars/Olympus' is not a time zone (Europe/Paris, UTC)",
                jobs.resolve("bad.yml") + " line 8: unknown key colour (known: at, cron, every, misfire, paused, retry, when-running, zone)",
                jobs.resolve("copy.yaml") + " line 1: name nightly-sales is the name of a-nightly.yml too",
                jobs.resolve("nosuch.yml") + ": family nosuch is not a job sluice runs (analyze-schema, migrate, workflow, workflow-import)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void definitions_are_listed_run_by_hand_paused_and_resumed(TestDatabase database) throws Exception {
        // given a scheduled definition and one run by hand only
        Path jobs = folder();
        Files.writeString(jobs.resolve("by-hand.yml"), "name: by-hand\nfamily: workflow\nparameters:\n  file: " + workflow() + "\n");
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result listed = sluice.run("jobs", "list", "--jobs-dir", jobs.toString());
        Sluice.Result ran = sluice.run("jobs", "run", "by-hand", "--jobs-dir", jobs.toString());
        Sluice.Result paused = sluice.run("jobs", "pause", "nightly-sales", "--jobs-dir", jobs.toString());
        Sluice.Result pausedByHand = sluice.run("jobs", "pause", "by-hand", "--jobs-dir", jobs.toString());
        Sluice.Result afterwards = sluice.run("jobs", "list", "--jobs-dir", jobs.toString());
        // a pause that spans fire times: its next fire was due two days ago
        execute(database, "UPDATE job_schedules SET next_fire_at = CURRENT_TIMESTAMP - INTERVAL '2' DAY WHERE name = 'nightly-sales'");
        Sluice.Result resumed = sluice.run("jobs", "resume", "nightly-sales", "--jobs-dir", jobs.toString());

        // then
        assertThat(listed.exitCode()).as(listed.err()).isZero();
        assertThat(listed.out().lines().skip(1)).hasSize(2)
                .anySatisfy(line -> assertThat(line).startsWith("by-hand").contains("workflow", "by hand"))
                .anySatisfy(line -> assertThat(line).startsWith("nightly-sales").contains("cron 30 2 * * * Europe/Paris", "active"));
        assertThat(ran.exitCode()).as(ran.out() + ran.err()).isZero();
        assertThat(paused.exitCode()).isZero();
        assertThat(pausedByHand.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(pausedByHand.err()).contains("job definition by-hand has no schedule to pause");
        assertThat(afterwards.out().lines().filter(l -> l.startsWith("by-hand"))).singleElement().asString().contains("COMPLETED (");
        assertThat(afterwards.out().lines().filter(l -> l.startsWith("nightly-sales"))).singleElement().asString().contains("paused");
        assertThat(resumed.exitCode()).isZero();
        assertThat(resumed.out()).startsWith("Resumed nightly-sales; next fire ");
        assertThat(Rows.query(database, "SELECT name, paused, next_fire_at FROM job_schedules ORDER BY name"))
                .extracting(r -> r.get("name") + " " + r.get("paused") + " " + (r.get("next_fire_at") != null))
                .containsExactly("by-hand false false", "nightly-sales false true");
        // and the fires of the paused time are not made up for: the next is the schedule's first after now
        assertThat(Rows.query(database, "SELECT count(*) AS n FROM job_schedules WHERE name = 'nightly-sales' AND next_fire_at > CURRENT_TIMESTAMP")
                .get(0).get("n").toString()).isEqualTo("1");
    }

    /** A jobs folder holding {@code a-nightly.yml}: a workflow on a cron schedule in a zone. */
    @org.junit.jupiter.api.Test
    void notifications_with_a_problem_are_each_reported_with_their_line() throws Exception {
        // given a definition whose notifications have six problems, and a valid one
        Path jobs = Files.createDirectories(temp.resolve("hooks"));
        Files.writeString(jobs.resolve("hooked.yml"), """
                name: hooked
                family: workflow
                parameters: {file: %s}
                notifications:
                  - {on: crash, url: "https://hooks.example/a"}
                  - {on: failure, url: "ftp://hooks.example/a"}
                  - {on: long, url: "https://hooks.example/a"}
                  - {on: success, after: 1h, url: "https://hooks.example/a"}
                  - {on: failure, url: "https://hooks.example/a", secret-env: "s3cret value"}
                  - {on: late, after: 30m}
                  - {on: failure, url: "https://hooks.example/ok", secret-env: HOOK_KEY}
                """.formatted(workflow()));

        // when
        Sluice.Result validated = new Sluice(TestDatabase.hsqldb()).run("jobs", "validate", "--jobs-dir", jobs.toString());

        // then
        assertThat(validated.exitCode()).isEqualTo(ExitCode.USAGE.code());
        String file = jobs.resolve("hooked.yml").toString();
        assertThat(validated.out().lines().toList()).containsExactly(
                file + " line 5: on 'crash' is none of failure, success, long, late",
                file + " line 6: url 'ftp://hooks.example/a' is not an http:// or https:// URL of at most 2,000 characters",
                file + " line 7: a notification on long needs after: (a duration like 2h)",
                file + " line 8: after applies to long and late notifications only",
                file + " line 9: secret-env 's3cret value' is not an environment variable's name (the key itself never goes in the file)",
                file + " line 10: a notification needs a url");
    }

    private Path folder() throws Exception {
        Path jobs = Files.createDirectories(temp.resolve("jobs"));
        Files.writeString(jobs.resolve("a-nightly.yml"), """
                # the sales summary, every night
                name: nightly-sales
                family: workflow
                parameters:
                  file: %s
                schedule:
                  cron: "30 2 * * *"
                  zone: Europe/Paris
                  misfire: skip
                  retry: {restarts: 2, backoff: 5m}
                """.formatted(workflow()));
        return jobs;
    }

    private Path workflow() throws Exception {
        Path csv = temp.resolve("in.csv");
        if (!Files.exists(csv)) {
            Files.writeString(csv, "a,b\n1,2\n");
        }
        Path workflow = temp.resolve("copy.workflow.json");
        if (!Files.exists(workflow)) {
            Files.writeString(workflow, """
                    {"name": "copy", "nodes": [{"id": "s", "type": "data_source", "data": {"source_path": "%s"}},
                      {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                     "edges": [{"source": "s", "target": "o"}]}
                    """.formatted(csv, temp.resolve("out.csv")));
        }
        return workflow;
    }

    @org.junit.jupiter.api.Test
    void validate_only_reads_and_refuses_a_folder_that_is_not_there() throws Exception {
        // given the definitions of one folder in the table, and another folder with a definition of the same name
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        Path live = folder();
        assertThat(sluice.run("jobs", "list", "--jobs-dir", live.toString()).exitCode()).isZero();
        Path other = Files.createDirectories(temp.resolve("other"));
        Files.writeString(other.resolve("same.yml"), "name: nightly-sales\nfamily: workflow\nparameters:\n  file: " + workflow() + "\n");
        Object before = Rows.query(database, "SELECT source_file, schedule FROM job_schedules WHERE name = 'nightly-sales'");

        // when the other folder is validated, and a folder that does not exist
        Sluice.Result validated = sluice.run("jobs", "validate", "--jobs-dir", other.toString());
        Sluice.Result missing = sluice.run("jobs", "validate", "--jobs-dir", temp.resolve("nowhere").toString());

        // then the live definition is as it was, and the missing folder is a usage error
        assertThat(validated.exitCode()).as(validated.out() + validated.err()).isZero();
        assertThat(validated.out()).contains("are valid (1)");
        assertThat(Rows.query(database, "SELECT source_file, schedule FROM job_schedules WHERE name = 'nightly-sales'")).isEqualTo(before);
        assertThat(missing.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(missing.err()).contains("nowhere is no folder of job definitions: it does not exist");
    }

    private static void execute(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate(sql)).as(sql).isEqualTo(1);
        }
    }
}
