package io.sluice.monitoring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
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
 * that they answer without a Spring context. Newest first, with the filters served by the indexes of V1
 * (and, on PostgreSQL, V13's on parameter values).
 */
public final class ExecutionQueries {

    /**
     * One page of executions, newest first, with their counts: the sums over their steps, where a partitioned
     * step counts through its partitions ({@code step:part-1-of-2}, ...), which count while they run,
     * and not through its manager, which adds theirs up only at the end. The page's ids are chosen first
     * ({@link #PAGE}), so that the sums are computed for its rows only, however deep the page.
     */
    private static final String LIST = """
            SELECT e.JOB_EXECUTION_ID, i.JOB_NAME, e.STATUS, e.EXIT_CODE, e.EXIT_MESSAGE, e.CREATE_TIME, e.START_TIME,
                   e.END_TIME, e.LAST_UPDATED, c.READ_COUNT, c.WRITE_COUNT, c.SKIP_COUNT,
                   (SELECT p.PARAMETER_VALUE FROM BATCH_JOB_EXECUTION_PARAMS p
                     WHERE p.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID AND p.PARAMETER_NAME = 'store') AS STORE,
                   (SELECT MAX(r.JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION r
                     WHERE r.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID AND r.JOB_EXECUTION_ID < e.JOB_EXECUTION_ID) AS RESTART_OF
            FROM (%s) page
            JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = page.ID
            JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            LEFT JOIN LATERAL (
                SELECT SUM(s.READ_COUNT) AS READ_COUNT, SUM(s.WRITE_COUNT) AS WRITE_COUNT,
                       SUM(s.READ_SKIP_COUNT + s.PROCESS_SKIP_COUNT + s.WRITE_SKIP_COUNT) AS SKIP_COUNT
                FROM BATCH_STEP_EXECUTION s
                WHERE s.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID
                  AND NOT EXISTS (SELECT 1 FROM BATCH_STEP_EXECUTION p
                                  WHERE p.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID AND p.STEP_NAME LIKE s.STEP_NAME || ':%%')
            ) c ON TRUE
            ORDER BY %s
            """;
    /** The ids of one page of the executions a filter matches: {@code %s} the filter's conditions, then the order. */
    private static final String PAGE = """
            SELECT e.JOB_EXECUTION_ID AS ID FROM BATCH_JOB_EXECUTION e
            JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID
            WHERE %s
            ORDER BY %s
            LIMIT ? OFFSET ?
            """;
    /**
     * How many executions a filter matches, paging aside, up to a bound: {@code %s} the job instance join (only
     * for a job filter) and the filter's conditions. Counting a million rows takes PostgreSQL a second; counting
     * up to the bound is as fast as its first page.
     */
    private static final String COUNT = """
            SELECT COUNT(*) AS MATCHING FROM (
                SELECT 1 AS ONE FROM BATCH_JOB_EXECUTION e %s
                WHERE %s
                LIMIT ?
            ) capped
            """;
    private static final String INSTANCE = "JOIN BATCH_JOB_INSTANCE i ON i.JOB_INSTANCE_ID = e.JOB_INSTANCE_ID";
    /**
     * Newest first: by id, which the status and job indexes serve; by creation time when a time range is given,
     * which the creation time index serves in its order (with an id order, a LIMIT makes PostgreSQL walk the
     * primary key from the newest row down to the range).
     */
    private static final String BY_ID = "e.JOB_EXECUTION_ID DESC";
    private static final String BY_TIME = "e.CREATE_TIME DESC, e.JOB_EXECUTION_ID DESC";
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
        try (PreparedStatement statement = listStatement("EXPLAIN (ANALYZE, BUFFERS) ", filter, -1)) {
            List<String> plan = new ArrayList<>();
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    plan.add(rs.getString("QUERY PLAN"));
                }
            }
            return plan;
        }
    }

    /**
     * How many executions the filter matches over all pages (its limit and offset aside), counting no further
     * than {@code atMost}: a larger count is returned as {@code atMost + 1}.
     */
    public long count(ExecutionFilter filter, long atMost) throws SQLException {
        Conditions conditions = Conditions.of(filter, -1);
        String sql = COUNT.formatted(filter.job() == null ? "" : INSTANCE, conditions.sql());
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(conditions.bind(statement), atMost + 1);
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
        if (id < 0) {
            return Optional.empty(); // ids are never negative; -1 means "any" to the list query
        }
        List<ExecutionView> found = query(new ExecutionFilter(null, null, null, 1, 0), id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Path rejects = dataDir.toAbsolutePath().resolve("executions").resolve(Long.toString(id)).resolve("rejects.jsonl");
        String rejectFile = Files.exists(rejects) ? rejects.toString() : null;
        return Optional.of(found.get(0).withDetail(parameters(id), steps(id), rejectFile, rejectFile == null ? null : lines(rejects)));
    }

    /**
     * A filter as SQL: the conditions of the filters it has (joined by AND; {@code 1 = 1} for none) and their
     * values, in order.
     */
    private record Conditions(String sql, List<Object> values) {

        static Conditions of(ExecutionFilter filter, long id) {
            List<String> conditions = new ArrayList<>();
            List<Object> values = new ArrayList<>();
            if (filter.job() != null) {
                conditions.add("i.JOB_NAME = ?");
                values.add(filter.job());
            }
            if (filter.status() != null) {
                conditions.add("e.STATUS = ?");
                values.add(filter.status());
            }
            if (filter.since() != null) {
                conditions.add("e.CREATE_TIME >= ?");
                values.add(Timestamp.valueOf(filter.since()));
            }
            if (filter.until() != null) {
                conditions.add("e.CREATE_TIME < ?");
                values.add(Timestamp.valueOf(filter.until()));
            }
            if (filter.parameterName() != null && filter.parameterValue() != null) {
                conditions.add("EXISTS (SELECT 1 FROM BATCH_JOB_EXECUTION_PARAMS f WHERE f.JOB_EXECUTION_ID = e.JOB_EXECUTION_ID"
                        + " AND f.PARAMETER_NAME = ? AND f.PARAMETER_VALUE = ?)");
                values.add(filter.parameterName());
                values.add(filter.parameterValue());
            }
            if (filter.before() != null) {
                conditions.add("e.JOB_EXECUTION_ID < ?");
                values.add(filter.before());
            }
            if (id >= 0) {
                conditions.add("e.JOB_EXECUTION_ID = ?");
                values.add(id);
            }
            return new Conditions(conditions.isEmpty() ? "1 = 1" : String.join(" AND ", conditions), values);
        }

        /** Binds the values from parameter 1 on; returns the next parameter's index. */
        int bind(PreparedStatement statement) throws SQLException {
            int index = 1;
            for (Object value : values) {
                if (value instanceof Timestamp time) {
                    statement.setTimestamp(index++, time);
                } else if (value instanceof Long number) {
                    statement.setLong(index++, number);
                } else {
                    statement.setString(index++, (String) value);
                }
            }
            return index;
        }
    }

    /** The list query of a filter (and an id, or -1), after {@code prefix}, with its values, limit and offset bound. */
    private PreparedStatement listStatement(String prefix, ExecutionFilter filter, long id) throws SQLException {
        Conditions conditions = Conditions.of(filter, id);
        String order = filter.since() != null || filter.until() != null ? BY_TIME : BY_ID;
        PreparedStatement statement = connection.prepareStatement(prefix + LIST.formatted(PAGE.formatted(conditions.sql(), order), order));
        try {
            int next = conditions.bind(statement);
            statement.setInt(next, filter.limit());
            statement.setInt(next + 1, filter.offset());
            return statement;
        } catch (SQLException e) {
            statement.close();
            throw e;
        }
    }

    private List<ExecutionView> query(ExecutionFilter filter, long id) throws SQLException {
        try (PreparedStatement statement = listStatement("", filter, id)) {
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
