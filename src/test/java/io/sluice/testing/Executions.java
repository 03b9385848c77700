package io.sluice.testing;

import org.springframework.batch.core.repository.dao.DefaultExecutionContextSerializer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What sluice left in the job repository of a {@link TestDatabase}, for assertions: executions'
 * statuses and their steps' counts, with what the load steps counted into their execution contexts
 * (inserted, updated, unchanged, rejected). Open only while no sluice runs on an embedded database.
 */
public final class Executions {

    private Executions() {
    }

    /** A step execution's counts: Spring Batch's, then the load steps' own (0 for other steps). */
    public record StepCounts(String name, String status, long read, long written, long skipped, long commits,
                             long inserted, long updated, long unchanged, long rejected) {

        StepCounts plus(StepCounts other) {
            return new StepCounts(name, status, read + other.read, written + other.written, skipped + other.skipped,
                    commits + other.commits, inserted + other.inserted, updated + other.updated,
                    unchanged + other.unchanged, rejected + other.rejected);
        }
    }

    /** The id of the newest execution. */
    public static long newest(TestDatabase database) throws SQLException {
        return ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
    }

    public static String status(TestDatabase database, long id) throws SQLException {
        return (String) Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id).get(0).get("status");
    }

    /** The execution's exit description, as the job repository keeps it. */
    public static String exitDescription(TestDatabase database, long id) throws SQLException {
        return (String) Rows.query(database, "SELECT EXIT_MESSAGE FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + id)
                .get(0).get("exit_message");
    }

    /** Every step execution of the execution, partitions and their managers alike, in the order they started. */
    public static List<StepCounts> steps(TestDatabase database, long id) throws SQLException {
        List<StepCounts> steps = new ArrayList<>();
        for (Map<String, Object> row : Rows.query(database, """
                SELECT s.STEP_NAME, s.STATUS, s.READ_COUNT, s.WRITE_COUNT, s.READ_SKIP_COUNT + s.PROCESS_SKIP_COUNT + s.WRITE_SKIP_COUNT AS SKIPS,
                       s.COMMIT_COUNT, c.SHORT_CONTEXT, c.SERIALIZED_CONTEXT
                FROM BATCH_STEP_EXECUTION s JOIN BATCH_STEP_EXECUTION_CONTEXT c ON c.STEP_EXECUTION_ID = s.STEP_EXECUTION_ID
                WHERE s.JOB_EXECUTION_ID = %d ORDER BY s.STEP_EXECUTION_ID
                """.formatted(id))) {
            Map<String, Object> context = context(row.get("serialized_context") != null ? row.get("serialized_context") : row.get("short_context"));
            steps.add(new StepCounts((String) row.get("step_name"), (String) row.get("status"), number(row.get("read_count")),
                    number(row.get("write_count")), number(row.get("skips")), number(row.get("commit_count")),
                    number(context.get("sluice.inserted")), number(context.get("sluice.updated")),
                    number(context.get("sluice.unchanged")), number(context.get("sluice.rejected"))));
        }
        return steps;
    }

    /**
     * What the execution's steps counted together, a partitioned step through its partitions
     * ({@code step:part-1-of-2}, ...) only. The load steps' own counts live in their execution
     * contexts, which a restarted step takes over: after a restart they include what the attempts
     * before it counted in the steps it ran again.
     */
    public static StepCounts total(TestDatabase database, long id) throws SQLException {
        List<StepCounts> steps = steps(database, id);
        StepCounts total = new StepCounts("total", null, 0, 0, 0, 0, 0, 0, 0, 0);
        for (StepCounts step : steps) {
            boolean partitioned = steps.stream().anyMatch(other -> other.name().startsWith(step.name() + ":"));
            if (!partitioned) {
                total = total.plus(step);
            }
        }
        return total;
    }

    private static Map<String, Object> context(Object serialized) {
        try {
            return new DefaultExecutionContextSerializer().deserialize(
                    new ByteArrayInputStream(String.valueOf(serialized).getBytes(StandardCharsets.ISO_8859_1)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long number(Object value) {
        return value == null ? 0 : ((Number) value).longValue();
    }
}
