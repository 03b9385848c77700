package io.sluice.execution;

import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice recover} without an id settles every execution whose process is gone, those left
 * UNKNOWN with an end time (as a lost database left them before issue 10) included: on this host by
 * its process id, on another by its heartbeat, stamped on the database's clock.
 */
class RecoverOrphansTest {

    private static final Path SAMPLE = Path.of("jobs", "samples", "dynoai", "runs");

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void recover_without_an_id_settles_the_executions_left_unknown_whose_process_is_gone(TestDatabase database) throws Exception {
        // given three ended executions: one left UNKNOWN, one FAILED with its verification step left UNKNOWN,
        // both by this process (which no longer runs them), one left UNKNOWN by a process on another host that
        // stamped it just now, and one by a process on another host silent for ten minutes
        Sluice sluice = new Sluice(database);
        long unknown = migrated(sluice, database);
        long unknownStep = migrated(sluice, database);
        long elsewhere = migrated(sluice, database);
        long silent = migrated(sluice, database);
        execute(database, "UPDATE BATCH_JOB_EXECUTION SET STATUS = 'UNKNOWN', EXIT_CODE = 'UNKNOWN' WHERE JOB_EXECUTION_ID = " + unknown);
        execute(database, "UPDATE BATCH_JOB_EXECUTION SET STATUS = 'FAILED', EXIT_CODE = 'FAILED' WHERE JOB_EXECUTION_ID = " + unknownStep);
        execute(database, "UPDATE BATCH_STEP_EXECUTION SET STATUS = 'UNKNOWN', EXIT_CODE = 'UNKNOWN' WHERE JOB_EXECUTION_ID = " + unknownStep
                + " AND STEP_NAME = 'migrate.verify-runs'");
        execute(database, "UPDATE BATCH_JOB_EXECUTION SET STATUS = 'UNKNOWN', EXIT_CODE = 'UNKNOWN' WHERE JOB_EXECUTION_ID = " + elsewhere);
        execute(database, "UPDATE execution_process SET host = 'another-host.invalid', heartbeat_at = CURRENT_TIMESTAMP WHERE job_execution_id = " + elsewhere);
        execute(database, "UPDATE BATCH_JOB_EXECUTION SET STATUS = 'STARTED', EXIT_CODE = 'UNKNOWN', END_TIME = NULL WHERE JOB_EXECUTION_ID = " + silent);
        execute(database, "UPDATE execution_process SET host = 'another-host.invalid', heartbeat_at = CURRENT_TIMESTAMP - INTERVAL '10' MINUTE"
                + " WHERE job_execution_id = " + silent);

        // when
        Sluice.Result recovered = sluice.run("recover");

        // then the three whose process is gone are FAILED, with the step, and the one whose process still beats is left alone
        assertThat(recovered.exitCode()).as(recovered.out() + recovered.err()).isZero();
        assertThat(Executions.status(database, unknown)).isEqualTo("FAILED");
        assertThat(Executions.status(database, unknownStep)).isEqualTo("FAILED");
        assertThat(stepStatus(database, unknownStep, "migrate.verify-runs")).isEqualTo("FAILED");
        assertThat(stepStatus(database, unknown, "migrate.verify-runs")).as("a completed step stays so").isEqualTo("COMPLETED");
        assertThat(Executions.status(database, elsewhere)).isEqualTo("UNKNOWN");
        assertThat(Executions.status(database, silent)).isEqualTo("FAILED");
        assertThat(recovered.out()).contains("Execution " + unknown + " (migrate) was left UNKNOWN")
                .contains("Execution " + silent + " (migrate) was left STARTED")
                .contains("Execution " + unknownStep + " (migrate) was left FAILED (steps: migrate.verify-runs UNKNOWN)")
                .doesNotContain("Execution " + elsewhere + " ");

        // and recovering the one still beating by its id is refused, saying where it runs
        Sluice.Result refused = sluice.run("recover", Long.toString(elsewhere));
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("still running in process").contains("on another-host.invalid, which last stamped its heartbeat");

        // and a settled execution restarts to completion
        Sluice.Result restarted = sluice.run("restart", Long.toString(unknownStep));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        assertThat(Executions.status(database, Executions.newest(database))).isEqualTo("COMPLETED");
        assertThat(stepStatus(database, Executions.newest(database), "migrate.verify-runs")).isEqualTo("COMPLETED");
    }

    private static long migrated(Sluice sluice, TestDatabase database) throws SQLException {
        Sluice.Result migration = sluice.run("migrate", SAMPLE.toString());
        assertThat(migration.exitCode()).as(migration.out() + migration.err()).isZero();
        return Executions.newest(database);
    }

    private static void execute(TestDatabase database, String sql) throws SQLException {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            assertThat(statement.executeUpdate(sql)).as(sql).isEqualTo(1);
        }
    }

    private static String stepStatus(TestDatabase database, long id, String step) throws SQLException {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = " + id
                + " AND STEP_NAME = '" + step + "'").get(0).get("status");
    }
}
