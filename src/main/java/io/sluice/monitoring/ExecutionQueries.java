package io.sluice.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Read-only queries over the job repository for {@code status} and {@code show}, in plain JDBC so
 * that they answer without a Spring context. Newest first over the primary key, with the filters
 * served by the indexes of V1.
 */
public final class ExecutionQueries {

    /**
     * Executions, newest first, with their counts: the sums over their steps, where a partitioned
     * step counts through its partitions ({@code step:part-1-of-2}, ...), which count while they run,
     * and not through its manager, which adds theirs up only at the end.
     */
    private static final String LIST = """
            SELECT e.JOB_EXECUTION_ID, i.JOB_NAME, e.STATUS, e.EXIT_CODE, e.EXIT_MESSAGE, e.CREATE_TIME, e.START_TIME,
                   e.END_TIME, e.LAST_UPDATED, c.READ_COUNT, c.WRITE_COUNT, c.SKIP_COUNT,
                   (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                     WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'store') AS STORE
            FROM BATCH_JOB_EXECUTION e
            JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            LEFT JOIN LATERAL (
                SELECT SUM(s.READ_COUNT) AS READ_COUNT, SUM(s.WRITE_COUNT) AS WRITE_COUNT,
                       SUM(s.READ_SKIP_COUNT + s.PROCESS_SKIP_COUNT + s.WRITE_SKIP_COUNT) AS SKIP_COUNT
                FROM BATCH_STEP_EXECUTION s
                WHERE s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                  AND NOT EXISTS (SELECT 1 FROM BATCH_STEP_EXECUTION p
                                  WHERE p.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID AND p.STEP_NAME LIKE s.STEP_NAME || ':%')
            ) c ON TRUE
            WHERE (CAST(? AS VARCHAR(100)) IS NULL OR i.JOB_NAME = ?)
              AND (CAST(? AS VARCHAR(10)) IS NULL OR e.STATUS = ?)
              AND (CAST(? AS TIMESTAMP) IS NULL OR e.CREATE_TIME >= ?)
              AND (? < 0 OR e.JOB_EXECUTION_ID = ?)
            ORDER BY e.JOB_EXECUTION_ID DESC
            LIMIT ? OFFSET ?
            """;
    private static final String PARAMETERS = """
            SELECT PARAMETER_NAME, PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS WHERE JOB_EXECUTION_ID = ? ORDER BY PARAMETER_NAME
            """;
    private static final String STEPS = """
            SELECT STEP_NAME, STATUS, EXIT_CODE, EXIT_MESSAGE, START_TIME, END_TIME, READ_COUNT, WRITE_COUNT, FILTER_COUNT,
                   READ_SKIP_COUNT, PROCESS_SKIP_COUNT, WRITE_SKIP_COUNT, COMMIT_COUNT, ROLLBACK_COUNT
            FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? ORDER BY STEP_EXECUTION_ID
            """;

    private final Connection connection;
    private final Path dataDir;

    public ExecutionQueries(Connection connection, Path dataDir) {
        this.connection = connection;
        this.dataDir = dataDir;
    }

    public List<ExecutionView> list(ExecutionFilter filter) throws SQLException {
        return query(filter, -1);
    }

    public Optional<ExecutionView> find(long id) throws SQLException {
        List<ExecutionView> found = query(new ExecutionFilter(null, null, null, 1, 0), id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Path rejects = dataDir.toAbsolutePath().resolve("executions").resolve(Long.toString(id)).resolve("rejects.jsonl");
        String rejectFile = Files.exists(rejects) ? rejects.toString() : null;
        return Optional.of(found.get(0).withDetail(parameters(id), steps(id), rejectFile, rejectFile == null ? null : lines(rejects)));
    }

    private List<ExecutionView> query(ExecutionFilter filter, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LIST)) {
            statement.setString(1, filter.job());
            statement.setString(2, filter.job());
            statement.setString(3, filter.status());
            statement.setString(4, filter.status());
            Timestamp since = filter.since() == null ? null : Timestamp.valueOf(filter.since());
            statement.setObject(5, since, Types.TIMESTAMP);
            statement.setObject(6, since, Types.TIMESTAMP);
            statement.setLong(7, id);
            statement.setLong(8, id);
            statement.setInt(9, filter.limit());
            statement.setInt(10, filter.offset());
            List<ExecutionView> executions = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    executions.add(new ExecutionView(rs.getLong("JOB_EXECUTION_ID"), rs.getString("JOB_NAME"), rs.getString("STATUS"),
                            rs.getString("EXIT_CODE"), rs.getString("EXIT_MESSAGE"), time(rs, "CREATE_TIME"), time(rs, "START_TIME"),
                            time(rs, "END_TIME"), time(rs, "LAST_UPDATED"), rs.getLong("READ_COUNT"), rs.getLong("WRITE_COUNT"),
                            rs.getLong("SKIP_COUNT"), rs.getString("STORE"), Map.of(), List.of(), null, null));
                }
            }
            return executions;
        }
    }

    private Map<String, String> parameters(long id) throws SQLException {
        Map<String, String> parameters = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(PARAMETERS)) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    parameters.put(rs.getString("PARAMETER_NAME"), rs.getString("PARAMETER_VALUE"));
                }
            }
        }
        return parameters;
    }

    private List<ExecutionView.StepView> steps(long id) throws SQLException {
        List<ExecutionView.StepView> steps = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(STEPS)) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    steps.add(new ExecutionView.StepView(rs.getString("STEP_NAME"), rs.getString("STATUS"), rs.getString("EXIT_CODE"),
                            rs.getString("EXIT_MESSAGE"), time(rs, "START_TIME"), time(rs, "END_TIME"), rs.getLong("READ_COUNT"),
                            rs.getLong("WRITE_COUNT"), rs.getLong("FILTER_COUNT"), rs.getLong("READ_SKIP_COUNT"),
                            rs.getLong("PROCESS_SKIP_COUNT"), rs.getLong("WRITE_SKIP_COUNT"), rs.getLong("COMMIT_COUNT"),
                            rs.getLong("ROLLBACK_COUNT")));
                }
            }
        }
        return steps;
    }

    private static LocalDateTime time(ResultSet rs, String column) throws SQLException {
        Timestamp timestamp = rs.getTimestamp(column);
        return timestamp == null ? null : timestamp.toLocalDateTime();
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
