package io.sluice.runner;

import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a script sees it: exit codes, one-line errors, status and show in text and JSON. */
class CommandLineTest {

    private static final Path SAMPLE = Path.of("jobs", "samples", "dynoai", "runs");
    /** ISO-8601 with an offset, to the millisecond. */
    private static final String ISO_WITH_OFFSET = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2})";

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void status_and_show_describe_each_execution_for_people_and_for_scripts(TestDatabase database) throws Exception {
        // given
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();
        assertThat(sluice.run("migrate", SAMPLE.toString(), "--dry-run").exitCode()).isZero();

        // when
        Sluice.Result table = sluice.run("status");
        Sluice.Result json = sluice.run("status", "--json", "--status", "completed", "--job", "migrate", "--since", "1h", "--limit", "1");
        Sluice.Result none = sluice.run("status", "--status", "FAILED");
        Sluice.Result noneJson = sluice.run("status", "--status", "FAILED", "--json");
        String dryRunId = Long.toString(Executions.newest(database));
        Sluice.Result show = sluice.run("show", dryRunId);
        Sluice.Result showJson = sluice.run("show", dryRunId, "--json");

        // then
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("ID", "JOB", "STATUS", "STARTED (", "migrate", "COMPLETED", SAMPLE.toAbsolutePath().toString());
        assertThat(table.out().lines().count()).isEqualTo(3);
        assertThat(json.out()).contains("\"status\" : \"COMPLETED\"", "\"job\" : \"migrate\"", "\"id\" : " + dryRunId + ",",
                        "\"read\" : 6") // 4 index runs (in partitions, counted once) and 2 run folders
                .doesNotContain("\"id\" : " + (Long.parseLong(dryRunId) - 1) + ",", "\"steps\"", "\"parameters\"");
        assertThat(none.out().strip()).isEqualTo("No execution matches --status FAILED (of 2 executions in all; `sluice status` lists the newest).");
        assertThat(noneJson.exitCode()).isZero();
        assertThat(noneJson.out().strip()).isEqualTo("[ ]");
        assertThat(show.out()).contains("Execution " + dryRunId + " of migrate: COMPLETED", "dryRun", "true", "migrate.load-index-runs",
                "  part-1-of-", "migrate.verify-runs", "would insert");
        assertThat(showJson.out()).contains("\"steps\"", "\"read\" : 4", "\"restartOf\" : null");
    }

    @ParameterizedTest
    @MethodSource("databases")
    void status_filters_on_a_time_range_and_a_parameter_value_and_explains_its_query_on_postgresql_only(TestDatabase database) throws Exception {
        // given two migrations of one store and one of another
        Sluice sluice = new Sluice(database);
        Path other = Path.of("jobs", "samples", "data-wrangler");
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();
        assertThat(sluice.run("migrate", other.toString()).exitCode()).isZero();
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();

        // when they are listed by the store parameter, by a time range, and explained
        Sluice.Result byStore = sluice.run("status", "--parameter", "store=" + SAMPLE.toAbsolutePath(), "--json");
        Sluice.Result inRange = sluice.run("status", "--since", "1h", "--until", "2999-01-01", "--json");
        Sluice.Result beforeAny = sluice.run("status", "--until", "2000-01-01");
        Sluice.Result badParameter = sluice.run("status", "--parameter", "store");
        Sluice.Result explained = sluice.run("status", "--job", "migrate", "--explain");

        // then
        assertThat(JsonMapper.builder().build().readTree(byStore.out()).findValuesAsString("store")).hasSize(2)
                .containsOnly(SAMPLE.toAbsolutePath().toString());
        assertThat(JsonMapper.builder().build().readTree(inRange.out()).size()).isEqualTo(3);
        assertThat(beforeAny.out()).startsWith("No execution matches --until 2000-01-01");
        assertThat(badParameter.exitCode()).isEqualTo(ExitCode.USAGE.code());
        assertThat(badParameter.err()).contains("--parameter 'store' is not name=value");
        if (database.toString().equals("postgresql")) {
            assertThat(explained.exitCode()).isZero();
            assertThat(explained.out()).contains("Execution Time:");
        } else {
            assertThat(explained.exitCode()).isEqualTo(ExitCode.USAGE.code());
            assertThat(explained.err()).contains("--explain shows PostgreSQL's plans");
        }
    }

    @Test
    void an_empty_repository_says_nothing_ran_yet_and_a_filter_that_matches_nothing_says_so_naming_it() {
        // given
        Sluice sluice = new Sluice(TestDatabase.hsqldb());
        Sluice.Result nothing = sluice.run("status");
        Sluice.Result nothingJson = sluice.run("status", "--json");
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();

        // when
        Sluice.Result started = sluice.run("status", "--status", "started");
        Sluice.Result otherJob = sluice.run("status", "--job", "analyze-schema", "--status", "COMPLETED");
        Sluice.Result farPage = sluice.run("status", "--page", "5");
        Sluice.Result unknownStatus = sluice.run("status", "--status", "DONE");

        // then
        assertThat(nothing.out().strip()).isEqualTo("No executions yet. Start one with: sluice migrate PATH");
        assertThat(nothingJson.out().strip()).isEqualTo("[ ]");
        assertThat(started.exitCode()).isZero();
        assertThat(started.out().strip()).isEqualTo("No execution matches --status STARTED (of 1 execution in all; `sluice status` lists the newest).");
        assertThat(otherJob.out()).startsWith("No execution matches --job analyze-schema --status COMPLETED (of 1 execution");
        assertThat(farPage.out().strip()).isEqualTo("Page 5 is past the last page: 1 execution matches, 20 a page.");
        assertThat(unknownStatus.exitCode()).isEqualTo(2);
        assertThat(unknownStatus.err().strip())
                .isEqualTo("sluice: --status 'DONE' is none of COMPLETED, STARTING, STARTED, STOPPING, STOPPED, FAILED, ABANDONED, UNKNOWN");
    }

    @Test
    void times_for_scripts_are_iso_with_an_offset_and_show_gives_the_launch_time_as_a_time() throws Exception {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();
        long launchedAt = Long.parseLong(String.valueOf(Rows.query(database,
                "SELECT PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS WHERE PARAMETER_NAME = 'launchedAt'").get(0).get("parameter_value")));

        // when
        JsonNode status = JsonMapper.builder().build().readTree(sluice.run("status", "--json").out());
        JsonNode show = JsonMapper.builder().build().readTree(sluice.run("show", "0", "--json").out());
        String showText = sluice.run("show", "0").out();

        // then
        List<String> times = new ArrayList<>();
        for (JsonNode execution : List.of(status.get(0), show)) {
            Stream.of("created", "started", "ended", "lastUpdated").forEach(field -> times.add(execution.get(field).asString()));
        }
        show.get("steps").forEach(step -> Stream.of("started", "ended").forEach(field -> times.add(step.get(field).asString())));
        assertThat(times).allSatisfy(time -> assertThat(time).matches(ISO_WITH_OFFSET));
        String launchTime = show.get("parameters").get("launchedAt").asString();
        assertThat(launchTime).matches(ISO_WITH_OFFSET);
        assertThat(OffsetDateTime.parse(launchTime).toInstant()).isEqualTo(Instant.ofEpochMilli(launchedAt));
        assertThat(showText).containsPattern("launchedAt +\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3} \\S+\\n")
                .containsPattern("started \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2} \\S+, ended")
                .doesNotContain(Long.toString(launchedAt));
    }

    @Test
    void every_help_text_is_a_whole_sentence() {
        // given
        CommandLine root = new CommandLine(new SluiceCommand());
        List<CommandSpec> commands = new ArrayList<>(List.of(root.getCommandSpec()));
        root.getSubcommands().values().forEach(sub -> {
            commands.add(sub.getCommandSpec());
            sub.getSubcommands().values().forEach(subSub -> commands.add(subSub.getCommandSpec()));
        });

        // when
        List<String> texts = new ArrayList<>();
        for (CommandSpec command : commands) {
            String name = command.qualifiedName();
            for (String line : command.usageMessage().description()) {
                texts.add(name + ": " + line);
            }
            List<ArgSpec> arguments = new ArrayList<>(command.options());
            arguments.addAll(command.positionalParameters());
            for (ArgSpec argument : arguments) {
                texts.add(name + " " + argument.paramLabel() + ": " + String.join(" ", argument.description()));
            }
        }

        // then
        assertThat(commands).hasSize(32); // sluice, its 14 commands, workflow's 6, db's 6, jobs' 5
        assertThat(texts).allSatisfy(text -> assertThat(text).as(text).endsWith(".").doesNotContain("e.g."));
        assertThat(commands).allSatisfy(command -> assertThat(command.usageMessage().description()[0])
                .as(command.qualifiedName()).matches("[A-Za-z].*\\."));
    }

    @Test
    void mistakes_are_one_line_with_the_documented_exit_code() {
        // given
        Sluice sluice = new Sluice(TestDatabase.hsqldb());
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();

        // when / then
        assertThat(sluice.run("migrate", "no/such/store")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(2);
            assertThat(r.err().strip()).isEqualTo("sluice: no/such/store: no such file or folder");
        });
        assertThat(sluice.run("frobnicate").exitCode()).isEqualTo(2);
        assertThat(sluice.run("migrate", SAMPLE.toString(), "--kind", "excel").exitCode()).isEqualTo(2);
        assertThat(sluice.run("show", "42")).satisfies(r -> assertThat(r.exitCode()).as(r.err()).isEqualTo(4));
        assertThat(sluice.run("restart", "42").exitCode()).isEqualTo(4);
        assertThat(sluice.run("restart", "0")).satisfies(r -> {
            assertThat(r.exitCode()).isEqualTo(5);
            assertThat(r.err()).contains("already COMPLETED").doesNotContain("Exception", "\tat ");
        });
        assertThat(sluice.run("stop", "0").exitCode()).isEqualTo(5);
        assertThat(sluice.run("recover", "0").exitCode()).isEqualTo(5);
        assertThat(sluice.run("abandon", "0").exitCode()).isEqualTo(5);
        assertThat(sluice.run("purge", "--older-than", "soon").exitCode()).isEqualTo(2);
        assertThat(sluice.run("status", "--since", "yesterday").exitCode()).isEqualTo(2);
    }

    @Test
    void partitions_need_a_connection_each_and_the_pool_size_setting_gives_them() throws Exception {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result tooMany = sluice.run("migrate", SAMPLE.toString(), "--partitions", "5");
        Sluice.Result none = sluice.run("migrate", SAMPLE.toString(), "--partitions", "0");
        Sluice.Result withAPoolOfSix = sluice.run("migrate", SAMPLE.toString(), "--partitions", "5",
                "--sluice.database.pool.pool-size=6");
        Sluice.Result unpartitionedKindWithASmallPool = sluice.run("migrate", "jobs/samples/data-wrangler",
                "--sluice.database.pool.pool-size=1");

        // then
        assertThat(tooMany.exitCode()).isEqualTo(2);
        assertThat(tooMany.err()).contains("5 partitions need 6 database connections, and the pool has 4: raise SLUICE_POOL_SIZE");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err().strip()).isEqualTo("sluice: --partitions must be between 1 and 16");
        assertThat(withAPoolOfSix.exitCode()).as(withAPoolOfSix.err()).isZero();
        assertThat(unpartitionedKindWithASmallPool.exitCode()).as(unpartitionedKindWithASmallPool.err()).isZero();
        assertThat(Executions.steps(database, 0)).extracting(Executions.StepCounts::name)
                .contains("migrate.load-index-runs:part-1-of-5", "migrate.load-index-runs:part-5-of-5");
    }

    @Test
    void purge_forgets_old_executions_and_their_reject_files() throws Exception {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();

        // when
        Sluice.Result kept = sluice.run("purge", "--older-than", "1d");
        Sluice.Result purged = sluice.run("purge", "--older-than", "0s");

        // then
        assertThat(kept.out()).startsWith("Purged 0 executions that ended before ");
        assertThat(purged.out()).startsWith("Purged 1 execution that ended before ");
        assertThat(Rows.count(database, "BATCH_JOB_EXECUTION")).isZero();
        assertThat(Rows.count(database, "BATCH_STEP_EXECUTION")).isZero();
        assertThat(database.dataDir().resolve("executions").resolve("0")).doesNotExist();
    }
}
