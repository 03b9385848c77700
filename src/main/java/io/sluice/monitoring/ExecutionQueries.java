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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
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
                     WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'store') AS STORE,
                   (SELECT MAX(r.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION r
                     WHERE r.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID AND r.JOB_EXECUTION_ID < e.JOB_EXECUTION_ID) AS RESTART_OF
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
              AND (CAST(? AS TIMESTAMP) IS NULL OR e.CREATE_TIME < ?)
              AND (CAST(? AS VARCHAR(100)) IS NULL OR EXISTS (
                  SELECT 1 FROM BATCH_JOB_EXECUTION_PARAMS f
                  WHERE f.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND f.PARAMETER_NAME = ? AND f.PARAMETER_VALUE = ?))
              AND (? < 0 OR e.JOB_EXECUTION_ID = ?)
            ORDER BY e.JOB_EXECUTION_ID DESC
            LIMIT ? OFFSET ?
            """;
    /** How many executions a filter matches, paging aside. */
    private static final String COUNT = """
            SELECT COUNT(*) AS MATCHING
            FROM BATCH_JOB_EXECUTION e
            JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            WHERE (CAST(? AS VARCHAR(100)) IS NULL OR i.JOB_NAME = ?)
              AND (CAST(? AS VARCHAR(10)) IS NULL OR e.STATUS = ?)
              AND (CAST(? AS TIMESTAMP) IS NULL OR e.CREATE_TIME >= ?)
              AND (CAST(? AS TIMESTAMP) IS NULL OR e.CREATE_TIME < ?)
              AND (CAST(? AS VARCHAR(100)) IS NULL OR EXISTS (
                  SELECT 1 FROM BATCH_JOB_EXECUTION_PARAMS f
                  WHERE f.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND f.PARAMETER_NAME = ? AND f.PARAMETER_VALUE = ?))
            """;
    private static final String PARAMETERS = """
            SELECT PARAMETER_NAME, PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS WHERE JOB_EXECUTION_ID = ? ORDER BY PARAMETER_NAME
            """;
    private static final String STEPS = """
            SELECT STEP_NAME, STATUS, EXIT_CODE, EXIT_MESSAGE, START_TIME, END_TIME, READ_COUNT, WRITE_COUNT, FILTER_COUNT,
                   READ_SKIP_COUNT, PROCESS_SKIP_COUNT, WRITE_SKIP_COUNT, COMMIT_COUNT, ROLLBACK_COUNT
            FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ? ORDER BY STEP_EXECUTION_ID
            """;

    /** The parameter every sluice command adds when it launches a job: the launch time in epoch milliseconds. */
    static final String LAUNCHED_AT = "launchedAt";

    private final Connection connection;
    private final Path dataDir;

    /**
     * @param connection an open connection to the job repository, used for reading only and not closed here
     * @param dataDir    the data folder, where each execution's reject file lies ({@code executions/<id>/rejects.jsonl})
     */
    public ExecutionQueries(Connection connection, Path dataDir) {
        this.connection = connection;
        this.dataDir = dataDir;
    }

    /** One page of the executions the filter matches, newest first, without parameters or steps. */
    public List<ExecutionView> list(ExecutionFilter filter) throws SQLException {
        return query(filter, -1);
    }

    /**
     * PostgreSQL's plan of {@link #list} for this filter, executed, with its buffers and timing
     * ({@code EXPLAIN (ANALYZE, BUFFERS)}), one line each.
     *
     * @throws io.sluice.InvalidInputException on another database
     */
    public List<String> explain(ExecutionFilter filter) throws SQLException {
        if (!connection.getMetaData().getDatabaseProductName().equals("PostgreSQL")) {
            throw new io.sluice.InvalidInputException("--explain shows PostgreSQL's plans; this repository is "
                    + connection.getMetaData().getDatabaseProductName());
        }
        try (PreparedStatement statement = connection.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + LIST)) {
            bindFilter(statement, filter);
            statement.setLong(FILTER_PARAMETERS + 1, -1);
            statement.setLong(FILTER_PARAMETERS + 2, -1);
            statement.setInt(FILTER_PARAMETERS + 3, filter.limit());
            statement.setInt(FILTER_PARAMETERS + 4, filter.offset());
            List<String> plan = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString(1));
                }
            }
            return plan;
        }
    }

    /** How many executions the filter matches over all pages (its limit and offset aside). */
    public long count(ExecutionFilter filter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(COUNT)) {
            bindFilter(statement, filter);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong("MATCHING");
            }
        }
    }

    /**
     * One execution with its parameters, steps and reject file, or empty when there is no such
     * execution. A partitioned step's counts are those of its partitions in this execution.
     */
    public Optional<ExecutionView> find(long id) throws SQLException {
        List<ExecutionView> found = query(new ExecutionFilter(null, null, null, 1, 0), id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Path rejects = dataDir.toAbsolutePath().resolve("executions").resolve(Long.toString(id)).resolve("rejects.jsonl");
        String rejectFile = Files.exists(rejects) ? rejects.toString() : null;
        return Optional.of(found.get(0).withDetail(parameters(id), steps(id), rejectFile, rejectFile == null ? null : lines(rejects)));
    }

    /** How many parameters {@link #bindFilter} binds. */
    private static final int FILTER_PARAMETERS = 11;

    /**
     * The filter's job, status, since and until, each twice ({@code ? IS NULL OR column = ?}), and its
     * parameter's name twice and value, as parameters 1 to {@value #FILTER_PARAMETERS}.
     */
    private static void bindFilter(PreparedStatement statement, ExecutionFilter filter) throws SQLException {
        statement.setString(1, filter.job());
        statement.setString(2, filter.job());
        statement.setString(3, filter.status());
        statement.setString(4, filter.status());
        Timestamp since = filter.since() == null ? null : Timestamp.valueOf(filter.since());
        statement.setObject(5, since, Types.TIMESTAMP);
        statement.setObject(6, since, Types.TIMESTAMP);
        Timestamp until = filter.until() == null ? null : Timestamp.valueOf(filter.until());
        statement.setObject(7, until, Types.TIMESTAMP);
        statement.setObject(8, until, Types.TIMESTAMP);
        String name = filter.parameterName() == null || filter.parameterValue() == null ? null : filter.parameterName();
        statement.setString(9, name);
        statement.setString(10, name);
        statement.setString(11, filter.parameterValue());
    }

    private List<ExecutionView> query(ExecutionFilter filter, long id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(LIST)) {
            bindFilter(statement, filter);
            statement.setLong(FILTER_PARAMETERS + 1, id);
            statement.setLong(FILTER_PARAMETERS + 2, id);
            statement.setInt(FILTER_PARAMETERS + 3, filter.limit());
            statement.setInt(FILTER_PARAMETERS + 4, filter.offset());
            List<ExecutionView> executions = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    executions.add(new ExecutionView(rs.getLong("JOB_EXECUTION_ID"), rs.getString("JOB_NAME"), rs.getString("STATUS"),
                            rs.getString("EXIT_CODE"), rs.getString("EXIT_MESSAGE"), time(rs, "CREATE_TIME"), time(rs, "START_TIME"),
                            time(rs, "END_TIME"), time(rs, "LAST_UPDATED"), rs.getLong("READ_COUNT"), rs.getLong("WRITE_COUNT"),
                            rs.getLong("SKIP_COUNT"), rs.getString("STORE"), nullableLong(rs, "RESTART_OF"), null, null, null, null));
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
                    String name = rs.getString("PARAMETER_NAME");
                    String value = rs.getString("PARAMETER_VALUE");
                    parameters.put(name, name.equals(LAUNCHED_AT) ? launchTime(value) : value);
                }
            }
        }
        return parameters;
    }

    /** The launch time in epoch milliseconds as ISO-8601 at this zone's offset (any other value as it is). */
    private static String launchTime(String value) {
        try {
            return RepositoryTimes.iso(RepositoryTimes.ofEpochMillis(Long.parseLong(value)));
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private List<ExecutionView.StepView> steps(long id) throws SQLException {
        List<ExecutionView.StepView> steps = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(STEPS)) {
            statement.setLong(1, id);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String exitDescription = rs.getString("EXIT_MESSAGE");
                    steps.add(new ExecutionView.StepView(rs.getString("STEP_NAME"), rs.getString("STATUS"), rs.getString("EXIT_CODE"),
                            exitDescription, ErrorLines.rootCause(exitDescription), time(rs, "START_TIME"), time(rs, "END_TIME"),
                            rs.getLong("READ_COUNT"), rs.getLong("WRITE_COUNT"), rs.getLong("FILTER_COUNT"), rs.getLong("READ_SKIP_COUNT"),
                            rs.getLong("PROCESS_SKIP_COUNT"), rs.getLong("WRITE_SKIP_COUNT"), rs.getLong("COMMIT_COUNT"),
                            rs.getLong("ROLLBACK_COUNT"), 0));
                }
            }
        }
        return withPartitionsUnderTheirStep(steps);
    }

    /**
     * The steps with each partitioned step followed by its partitions, and counting what they did:
     * its own counts are added up by Spring Batch only when they have all ended, and a restart
     * runs only the partitions that had not completed.
     */
    private static List<ExecutionView.StepView> withPartitionsUnderTheirStep(List<ExecutionView.StepView> steps) {
        Map<String, List<ExecutionView.StepView>> partitions = new LinkedHashMap<>();
        for (ExecutionView.StepView step : steps) {
            if (step.isPartition()) {
                partitions.computeIfAbsent(manager(step), name -> new ArrayList<>()).add(step);
            }
        }
        Set<String> managers = steps.stream().filter(step -> !step.isPartition()).map(ExecutionView.StepView::name)
                .filter(partitions::containsKey).collect(Collectors.toSet());
        List<ExecutionView.StepView> ordered = new ArrayList<>();
        for (ExecutionView.StepView step : steps) {
            if (step.isPartition() && managers.contains(manager(step))) {
                continue;
            }
            if (!managers.contains(step.name())) {
                ordered.add(step);
                continue;
            }
            List<ExecutionView.StepView> parts = partitions.get(step.name());
            ordered.add(new ExecutionView.StepView(step.name(), step.status(), step.exitCode(), step.exitDescription(), step.error(),
                    step.started(), step.ended(), sum(parts, ExecutionView.StepView::read), sum(parts, ExecutionView.StepView::written),
                    sum(parts, ExecutionView.StepView::filtered), sum(parts, ExecutionView.StepView::readSkipped),
                    sum(parts, ExecutionView.StepView::processSkipped), sum(parts, ExecutionView.StepView::writeSkipped),
                    sum(parts, ExecutionView.StepView::commits), sum(parts, ExecutionView.StepView::rollbacks), parts.size()));
            ordered.addAll(parts);
        }
        return ordered;
    }

    private static String manager(ExecutionView.StepView partition) {
        return partition.name().substring(0, partition.name().indexOf(':'));
    }

    private static long sum(List<ExecutionView.StepView> steps, ToLongFunction<ExecutionView.StepView> count) {
        return steps.stream().mapToLong(count).sum();
    }

    private static OffsetDateTime time(ResultSet rs, String column) throws SQLException {
        return RepositoryTimes.of(rs.getTimestamp(column));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            return -1;
        }
    }
}
