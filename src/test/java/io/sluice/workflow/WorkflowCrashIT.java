package io.sluice.workflow;

import io.sluice.testing.Executions;
import io.sluice.testing.PackagedJar;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A workflow of several segments runs in a JVM of its own (the packaged jar) and is killed with
 * SIGKILL three times: while its source segment writes the fan-out's row file, while a blocking
 * node (the aggregate or the sort) takes its rows in, and while an export writes its partial file.
 * After each kill the execution is recovered and restarted; the last restart runs to completion,
 * and every export must then equal, byte for byte, what a clean run of the same workflow wrote. And
 * a run killed the moment a blocking node's step is recorded complete restarts to the same outputs.
 */
class WorkflowCrashIT {

    private static final int ROWS = 150_000;
    private static final Duration WITHIN = Duration.ofMinutes(2);

    /**
     * A source, a filter and a formula fused into one step that ends at a fan-out; its three branches
     * export the rows, aggregate then export, and sort then export.
     */
    private static final String WORKFLOW = """
            {"name": "crash", "nodes": [
              {"id": "src", "type": "data_source", "data": {"source_path": "{csv}", "file_type": "csv"}},
              {"id": "big", "type": "filter", "data": {"column": "quantity", "operator": ">=", "value": 2}},
              {"id": "rev", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "revenue",
                 "formula": "price * quantity"}},
              {"id": "rows", "type": "export", "data": {"export_type": "csv", "output_path": "{out}/rows.csv"}},
              {"id": "sum", "type": "aggregate", "data": {"group_columns": ["region", "category"],
                 "aggregation_functions": {"revenue": ["sum", "mean"], "quantity": ["count"]}}},
              {"id": "sums", "type": "export", "data": {"export_type": "csv", "output_path": "{out}/sums.csv"}},
              {"id": "sorted", "type": "data_transformation", "data": {"transformation_type": "sort",
                 "sort_columns": ["region", "revenue"], "ascending": [true, false]}},
              {"id": "ranked", "type": "export", "data": {"export_type": "jsonl", "output_path": "{out}/ranked.jsonl"}}],
             "edges": [{"source": "src", "target": "big"}, {"source": "big", "target": "rev"}, {"source": "rev", "target": "rows"},
                       {"source": "rev", "target": "sum"}, {"source": "sum", "target": "sums"},
                       {"source": "rev", "target": "sorted"}, {"source": "sorted", "target": "ranked"}]}
            """;
    private static final List<String> OUTPUTS = List.of("rows.csv", "sums.csv", "ranked.jsonl");
    private static final String SOURCE_STEP = "workflow.src+big+rev";

    /** The source file, the workflow and a clean run's outputs, shared by both databases' tests. */
    @TempDir
    static Path shared;
    private static Path csv;
    private static Path workflow;
    private static Path clean;

    @TempDir
    Path temp;

    @BeforeAll
    static void aLargeFileAndACleanRunOfIt() throws Exception {
        csv = sales(shared.resolve("sales.csv"));
        workflow = Files.writeString(shared.resolve("crash.workflow.json"), WORKFLOW);
        clean = shared.resolve("clean");
        Sluice.Result cleanRun = new Sluice(TestDatabase.hsqldb()).run("workflow", "run", "--file", workflow.toString(),
                "--set", "csv=" + csv, "--set", "out=" + clean);
        assertThat(cleanRun.exitCode()).as(cleanRun.out() + cleanRun.err()).isZero();
    }

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_workflow_killed_in_a_chain_a_blocking_node_and_an_export_is_recovered_and_restarted_to_a_clean_runs_outputs(
            TestDatabase database) throws Exception {
        // given a large CSV file, and a clean run of the workflow over it for reference (aLargeFileAndACleanRunOfIt)
        // when the run is killed while its source step writes the fan-out's rows
        Path out = temp.resolve("crashed");
        Process run = PackagedJar.start(database, temp.resolve("run.log"), "workflow", "run", "--file", workflow.toString(),
                "--set", "csv=" + csv, "--set", "out=" + out);
        long first = killMidStep(database, run, -1, List.of(SOURCE_STEP));
        // and its restart is killed while the aggregate or the sort takes its rows in
        long second = restartAndKill(database, first, List.of("workflow.sum", "workflow.sorted"), "restart-1.log");
        // and the next restart is killed while an export writes its partial file
        long third = restartAndKill(database, second, List.of("workflow.rows", "workflow.ranked"), "restart-2.log");
        assertThat(partialFiles(out)).as("an export was killed part way").isNotEmpty();

        // then recover and restart complete it, with what a clean run wrote
        long last = recoveredAndRestartedToTheCleanRunsOutputs(database, third, out);
        assertThat(Executions.steps(database, last)).extracting(Executions.StepCounts::name)
                .as("completed steps are not run again").doesNotContain(SOURCE_STEP);
        assertThat(partialFiles(out)).isEmpty();
    }

    @Test
    void a_workflow_killed_as_soon_as_a_blocking_step_is_recorded_complete_restarts_to_a_clean_runs_outputs() throws Exception {
        // given a run of the workflow, killed the moment its aggregate's or its sort's step is recorded COMPLETED
        // (Spring Batch 6 records it before the step's afterStep listeners run: what the step makes must be in place by then)
        TestDatabase database = TestDatabase.postgres();
        Path out = temp.resolve("crashed");
        Process run = PackagedJar.start(database, temp.resolve("run.log"), "workflow", "run", "--file", workflow.toString(),
                "--set", "csv=" + csv, "--set", "out=" + out);
        long killed = awaitMidStep(database, run, -1, List.of("workflow.sum", "workflow.sorted"), """
                SELECT s.JOB_EXECUTION_ID FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID
                WHERE s.JOB_EXECUTION_ID > ? AND e.STATUS = 'STARTED' AND s.STATUS = 'COMPLETED' AND s.STEP_NAME IN ('workflow.sum', 'workflow.sorted')
                """);
        run.destroyForcibly().waitFor();

        // then recover and restart complete it, with what a clean run wrote
        recoveredAndRestartedToTheCleanRunsOutputs(database, killed, out);
    }

    /**
     * Recovers {@code killed}, restarts it and checks that the restart completed with the clean run's outputs in {@code out}.
     *
     * @return the restart's execution
     */
    private static long recoveredAndRestartedToTheCleanRunsOutputs(TestDatabase database, long killed, Path out) throws Exception {
        Sluice sluice = new Sluice(database);
        recover(sluice, database, killed);
        Sluice.Result restarted = sluice.run("restart", Long.toString(killed));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long last = Executions.newest(database);
        assertThat(Executions.status(database, last)).isEqualTo("COMPLETED");
        for (String output : OUTPUTS) {
            assertThat(Files.mismatch(out.resolve(output), clean.resolve(output))).as(output + " differs from the clean run's").isEqualTo(-1L);
        }
        return last;
    }

    /** Recovers {@code killed}, restarts it as a process of its own and kills that when one of {@code steps} is part way. */
    private long restartAndKill(TestDatabase database, long killed, List<String> steps, String log) throws Exception {
        recover(new Sluice(database), database, killed);
        Process restart = PackagedJar.start(database, temp.resolve(log), "restart", Long.toString(killed));
        return killMidStep(database, restart, killed, steps);
    }

    /**
     * Kills {@code process} with SIGKILL as soon as, in an execution newer than {@code after}, one of
     * {@code steps} has committed a chunk and not ended; checks that the kill left it so.
     *
     * @return the killed execution
     */
    private static long killMidStep(TestDatabase database, Process process, long after, List<String> steps) throws Exception {
        String midStep = """
                SELECT s.JOB_EXECUTION_ID FROM BATCH_STEP_EXECUTION s
                WHERE s.JOB_EXECUTION_ID > ? AND s.STATUS = 'STARTED' AND s.COMMIT_COUNT >= 1 AND s.STEP_NAME IN (%s)
                """.formatted(String.join(", ", steps.stream().map(step -> "'" + step + "'").toList()));
        long killed = awaitMidStep(database, process, after, steps, midStep);
        process.destroyForcibly().waitFor();
        database.awaitReleasedByKilledProcess();
        assertThat(Executions.status(database, killed)).isEqualTo("STARTED");
        assertThat(Executions.steps(database, killed)).as("killed part way through one of " + steps)
                .anyMatch(step -> steps.contains(step.name()) && step.status().equals("STARTED") && step.commits() >= 1);
        return killed;
    }

    /** Polls (through the process's own server on HSQLDB) until {@code midStep} finds an execution; the process is killed when this fails. */
    private static long awaitMidStep(TestDatabase database, Process process, long after, List<String> steps, String midStep) throws Exception {
        Instant deadline = Instant.now().plus(WITHIN);
        Connection connection = null;
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new AssertionError("the process ended (exit " + process.exitValue() + ") before one of " + steps + " was part way");
                }
                if (Instant.now().isAfter(deadline)) {
                    throw new AssertionError("none of " + steps + " was part way within " + WITHIN);
                }
                try {
                    if (connection == null) {
                        connection = database.connectWhileSluiceRuns();
                    }
                    try (PreparedStatement statement = connection.prepareStatement(midStep)) {
                        statement.setLong(1, after);
                        try (ResultSet rs = statement.executeQuery()) {
                            if (rs.next()) {
                                return rs.getLong(1);
                            }
                        }
                    }
                } catch (SQLException | IOException notYet) {
                    // the server (a new process's) or the schema is not there yet
                    if (connection != null) {
                        connection.close();
                        connection = null;
                    }
                }
                Thread.sleep(10);
            }
        } catch (Throwable e) {
            process.destroyForcibly().waitFor();
            throw e;
        } finally {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // the server went with the process
                }
            }
        }
    }

    private static void recover(Sluice sluice, TestDatabase database, long id) throws SQLException {
        Sluice.Result recovered = sluice.run("recover", Long.toString(id));
        assertThat(recovered.exitCode()).as(recovered.out() + recovered.err()).isZero();
        assertThat(Executions.status(database, id)).isEqualTo("FAILED");
    }

    /** {@value ROWS} sales with an id, a region, a category, a price with cents, a quantity from 0 to 9 and a note. */
    private static Path sales(Path file) throws IOException {
        List<String> regions = List.of("North", "South", "East", "West", "Central");
        List<String> categories = List.of("Books", "Home", "Garden", "Toys", "Food", "Tools", "Music");
        Random random = new Random(7);
        try (BufferedWriter writer = Files.newBufferedWriter(file)) {
            writer.write("id,region,category,price,quantity,note\n");
            for (int i = 1; i <= ROWS; i++) {
                writer.write(i + "," + regions.get(random.nextInt(regions.size())) + "," + categories.get(random.nextInt(categories.size()))
                        + "," + (100 + random.nextInt(99_900)) / 100.0 + "," + random.nextInt(10) + ",order " + i + " of the day\n");
            }
        }
        return file;
    }

    private static List<Path> partialFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".sluice-partial")).toList();
        }
    }
}
