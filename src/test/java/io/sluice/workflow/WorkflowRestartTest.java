package io.sluice.workflow;

import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A workflow that failed at a node resumes there on restart: the steps that completed are not run again. */
class WorkflowRestartTest {

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_restart_after_a_failed_export_runs_only_the_export_and_publishes_it_once(TestDatabase database) throws Exception {
        // given a workflow whose export cannot be written (its folder is a file), so its step fails after the aggregate's completed
        Path in = temp.resolve("in.csv");
        Files.writeString(in, "k,v\na,1\nb,2\na,3\n");
        Path blocked = temp.resolve("out");
        Files.writeString(blocked, "a file where the export's folder should be");
        Path out = blocked.resolve("sums.csv");
        Path workflow = temp.resolve("sums.json");
        Files.writeString(workflow, """
                {"name": "sums", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "g", "type": "aggregate", "data": {"group_columns": ["k"], "aggregation_functions": {"v": "sum"}}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "g"}, {"source": "g", "target": "o"}]}
                """.formatted(in, out));
        Sluice sluice = new Sluice(database);
        Sluice.Result failed = sluice.run("workflow", "run", "--file", workflow.toString());
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
        long first = Executions.newest(database);
        assertThat(Executions.steps(database, first)).extracting(Executions.StepCounts::status).containsExactly("COMPLETED", "FAILED");

        // when the folder can be made and the execution restarted
        Files.delete(blocked);
        Sluice.Result restarted = sluice.run("restart", Long.toString(first));

        // then only the export ran again, and wrote the sums once
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long second = Executions.newest(database);
        assertThat(Executions.steps(database, second)).extracting(Executions.StepCounts::name).containsExactly("workflow.o");
        assertThat(Files.readAllLines(out)).containsExactly("k,v_sum", "a,4", "b,2");
        assertThat(Files.list(blocked)).containsExactly(out);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_restart_after_the_source_file_changed_fails_naming_the_file_and_exports_nothing(TestDatabase database) throws Exception {
        // given a run that failed at a bad row after its first chunk was committed
        Path in = numbers(temp.resolve("in.csv"), 20_000, 10_000);
        Path out = temp.resolve("out").resolve("numbers.csv");
        Path workflow = copyWorkflow(temp.resolve("copy.json"), in, out, 0);
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("workflow", "run", "--file", workflow.toString()).exitCode()).isEqualTo(1);
        long failed = Executions.newest(database);
        assertThat(Executions.steps(database, failed)).singleElement()
                .satisfies(step -> assertThat(step.commits()).as("a chunk committed before the bad row").isPositive());

        // when the file is corrected in place and the execution restarted
        numbers(in, 20_000, -1);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failed));

        // then the restart fails with one line naming the file, and no export appears
        assertThat(restarted.exitCode()).isEqualTo(1);
        assertThat(restarted.out() + restarted.err()).contains(in + " changed since the run that failed; run it anew");
        assertThat(Executions.status(database, Executions.newest(database))).isEqualTo("FAILED");
        assertThat(out).doesNotExist();
        // and a new run of the corrected file exports every row once
        assertThat(sluice.run("workflow", "run", "--file", workflow.toString()).exitCode()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(20_001);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_restart_over_an_unchanged_source_file_resumes_after_the_committed_rows(TestDatabase database) throws Exception {
        // given a run that failed at a bad row after its first chunk was committed
        Path in = numbers(temp.resolve("in.csv"), 20_000, 10_000);
        Path out = temp.resolve("out").resolve("numbers.csv");
        Path workflow = copyWorkflow(temp.resolve("copy.json"), in, out, 0);
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("workflow", "run", "--file", workflow.toString()).exitCode()).isEqualTo(1);
        long failed = Executions.newest(database);

        // when the workflow allows a rejected row and the execution is restarted, the source file untouched
        copyWorkflow(workflow, in, out, 1);
        Sluice.Result restarted = sluice.run("restart", Long.toString(failed));

        // then the rows after the committed chunk are read, and every good row is exported once
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        Executions.StepCounts step = Executions.steps(database, Executions.newest(database)).get(0);
        assertThat(step.read()).isLessThan(20_000 - 1);
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(20_000).doesNotHaveDuplicates().doesNotContain("10000,20000");
    }

    /** {@code n} rows {@code i,i*2}, the one numbered {@code bad} (none when negative) with a third field, which the CSV source rejects. */
    private static Path numbers(Path file, int n, int bad) throws java.io.IOException {
        StringBuilder csv = new StringBuilder("i,double\n");
        for (int i = 1; i <= n; i++) {
            csv.append(i).append(',').append(i == bad ? i * 2 + ",bad" : String.valueOf(i * 2)).append('\n');
        }
        return Files.writeString(file, csv);
    }

    /** A workflow exporting {@code in} to {@code out} as it is, in one restartable step, that may reject {@code maxRejects} rows. */
    private static Path copyWorkflow(Path file, Path in, Path out, int maxRejects) throws java.io.IOException {
        return Files.writeString(file, """
                {"name": "copy", "max_rejects": %d, "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(maxRejects, in, out));
    }
}
