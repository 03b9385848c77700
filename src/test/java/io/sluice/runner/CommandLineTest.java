package io.sluice.runner;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The command line as a script sees it: exit codes, one-line errors, status and show in text and JSON. */
class CommandLineTest {

    private static final Path SAMPLE = Path.of("jobs", "samples", "dynoai", "runs");

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest
    @MethodSource("databases")
    void statusAndShowDescribeEachExecutionForPeopleAndForScripts(TestDatabase database) {
        // given
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();
        assertThat(sluice.run("migrate", SAMPLE.toString(), "--dry-run").exitCode()).isZero();

        // when
        Sluice.Result table = sluice.run("status");
        Sluice.Result json = sluice.run("status", "--json", "--status", "completed", "--job", "migrate", "--since", "1h", "--limit", "1");
        Sluice.Result none = sluice.run("status", "--status", "FAILED");
        String dryRunId = newestExecution(database);
        Sluice.Result show = sluice.run("show", dryRunId);
        Sluice.Result showJson = sluice.run("show", dryRunId, "--json");

        // then
        assertThat(table.exitCode()).isZero();
        assertThat(table.out()).contains("ID", "JOB", "STATUS", "migrate", "COMPLETED", SAMPLE.toAbsolutePath().toString());
        assertThat(table.out().lines().count()).isEqualTo(3);
        assertThat(json.out()).contains("\"status\" : \"COMPLETED\"", "\"job\" : \"migrate\"", "\"id\" : " + dryRunId + ",",
                        "\"read\" : 6") // 4 index runs (in partitions, counted once) and 2 run folders
                .doesNotContain("\"id\" : " + (Long.parseLong(dryRunId) - 1) + ",");
        assertThat(none.out()).contains("No executions");
        assertThat(show.out()).contains("Execution " + dryRunId + " of migrate: COMPLETED", "dryRun", "true", "migrate.load-index-runs",
                "migrate.verify-runs", "would insert");
        assertThat(showJson.out()).contains("\"steps\"", "\"read\" : 4");
    }

    private static String newestExecution(TestDatabase database) {
        try {
            return String.valueOf(Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id"));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void mistakesAreOneLineWithTheDocumentedExitCode() {
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
    }

    @Test
    void partitionsNeedAConnectionEachAndThePoolSizeSettingGivesThem() {
        // given
        Sluice sluice = new Sluice(TestDatabase.hsqldb());

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
        assertThat(sluice.run("show", "0").out()).contains("migrate.load-index-runs:part-5-of-5");
        assertThat(unpartitionedKindWithASmallPool.exitCode()).as(unpartitionedKindWithASmallPool.err()).isZero();
    }

    @Test
    void purgeForgetsOldExecutionsAndTheirRejectFiles() {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", SAMPLE.toString()).exitCode()).isZero();

        // when
        Sluice.Result kept = sluice.run("purge", "--older-than", "1d");
        Sluice.Result purged = sluice.run("purge", "--older-than", "0s");

        // then
        assertThat(kept.out()).contains("Purged 0 executions");
        assertThat(purged.out()).contains("Purged 1 executions");
        assertThat(sluice.run("status").out()).contains("No executions");
    }
}
