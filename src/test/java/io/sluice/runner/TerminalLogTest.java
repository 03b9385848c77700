package io.sluice.runner;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;

import static io.sluice.testing.DynoaiIndex.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a failed step leaves on the terminal: Spring Batch logs the step's error with its stack trace,
 * and that belongs in the log file under the data folder, never on the terminal unless --verbose.
 * The absence of stack traces on the terminal is the feature here, so the test reads the output.
 */
class TerminalLogTest {

    @TempDir
    Path temp;

    @Test
    void a_failed_step_leaves_one_line_on_the_terminal_and_its_stack_trace_in_the_log_file() throws Exception {
        // given a database that refuses one run
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        Path store = write(temp.resolve("store"), 300);
        assertThat(sluice.run("migrate", write(temp.resolve("empty"), 0).toString()).exitCode()).isZero();
        poison(database);

        // when
        Sluice.Result failed = sluice.run("migrate", store.toString(), "--chunk-size", "100");

        // then the job failed, the terminal holds no stack trace, and the log file holds it
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION ORDER BY JOB_EXECUTION_ID DESC").get(0).get("status"))
                .isEqualTo("FAILED");
        assertThat(failed.out() + failed.err()).doesNotContain("\tat ").doesNotContain("ERROR").contains("sluice.log");
        Path log = database.dataDir().resolve("logs").resolve("sluice.log");
        assertThat(Files.readString(log)).contains("45000").contains("\tat ");
    }

    @Test
    void with_verbose_the_log_and_its_stack_traces_reach_the_terminal_too() throws Exception {
        // given
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", write(temp.resolve("empty"), 0).toString()).exitCode()).isZero();
        poison(database);

        // when
        Sluice.Result failed = sluice.run("--verbose", "migrate", write(temp.resolve("store"), 300).toString(), "--chunk-size", "100");

        // then
        assertThat(failed.exitCode()).isEqualTo(1);
        assertThat(failed.out() + failed.err()).contains("45000").contains("\tat ");
    }

    private static void poison(TestDatabase database) throws Exception {
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TRIGGER poison BEFORE INSERT ON runs REFERENCING NEW ROW AS n FOR EACH ROW "
                    + "WHEN (n.id = 'run_00150') SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned run'");
        }
    }
}
