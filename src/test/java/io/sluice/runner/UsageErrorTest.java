package io.sluice.runner;

import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every missing or invalid parameter of {@code run} is a usage error (exit code 2) in one line that
 * names each problem at once; an unknown job is "not found" (4). The text is the feature here.
 */
class UsageErrorTest {

    private static final Path SAMPLE = Path.of("jobs", "samples", "dynoai", "runs");

    private static Sluice sluice;

    @BeforeAll
    static void sluice() {
        sluice = new Sluice(TestDatabase.hsqldb());
    }

    @Test
    void a_run_of_migrate_without_a_store_names_the_missing_store() {
        // when
        Sluice.Result result = sluice.run("run", "migrate", "kind=dynoai");

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip()).isEqualTo("sluice: invalid parameters for migrate: store is missing (store=PATH)");
    }

    @Test
    void every_bad_parameter_is_named_in_one_line() {
        // when
        Sluice.Result result = sluice.run("run", "migrate", "store=" + SAMPLE, "kind=nonsense", "chunkSize=0",
                "partitions=x", "dryRun=maybe", "colour=red");

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().lines()).hasSize(1);
        assertThat(result.err()).contains("unknown store kind 'nonsense'", "chunkSize must be at least 1, not 0",
                "partitions must be a whole number, not 'x'", "dryRun must be true or false, not 'maybe'",
                "unknown parameter 'colour'");
    }

    @Test
    void a_store_that_does_not_exist_is_a_usage_error() {
        // when
        Sluice.Result result = sluice.run("run", "migrate", "store=no/such/store");

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("store 'no/such/store': no such file or folder");
    }

    @Test
    void an_unknown_job_is_not_found_and_the_known_jobs_are_listed() {
        // when
        Sluice.Result result = sluice.run("run", "nosuch-job");

        // then
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.err().strip()).isEqualTo("sluice: no job named 'nosuch-job'; jobs: analyze-schema, migrate, workflow, workflow-import");
    }

    @Test
    void a_parameter_that_is_not_key_value_is_a_usage_error() {
        // when
        Sluice.Result result = sluice.run("run", "migrate", "store");

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err().strip()).isEqualTo("sluice: 'store' is not KEY=VALUE");
    }

    @Test
    void a_well_formed_run_of_migrate_detects_the_kind_and_completes() {
        // when
        Sluice.Result result = sluice.run("run", "migrate", "store=" + SAMPLE);

        // then
        assertThat(result.exitCode()).isZero();
    }
}
