package io.sluice.runner;

import io.sluice.NotFoundException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The state of the job definitions' schedules ({@code job_schedules}): each definition's row written from
 * its file, its next and last fire, paused or not, and its last execution.
 */
@Component
public class JobSchedules {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String SELECT = """
            SELECT s.name, s.family, s.source_file, s.schedule, s.paused, s.file_paused, s.next_fire_at, s.last_fire_at, s.last_execution_id,
                   e.STATUS AS last_status
            FROM job_schedules s LEFT JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = s.last_execution_id
            """;
    private static final String ALL = SELECT + " ORDER BY s.name";
    private static final String ONE = SELECT + " WHERE s.name = :name";
    private static final String INSERT = """
            INSERT INTO job_schedules (name, family, definition, source_file, schedule, paused, file_paused, next_fire_at, updated_at)
            VALUES (:name, :family, :definition, :file, :schedule, :paused, :paused, :next, :now)
            """;
    private static final String UPDATE = """
            UPDATE job_schedules SET family = :family, definition = :definition, source_file = :file,
                   next_fire_at = CASE WHEN schedule IS DISTINCT FROM CAST(:schedule AS varchar(200)) THEN :next ELSE next_fire_at END,
                   schedule = :schedule,
                   paused = CASE WHEN file_paused <> :paused THEN :paused ELSE paused END, file_paused = :paused, updated_at = :now
            WHERE name = :name
            """;
    private static final String DELETE = "DELETE FROM job_schedules WHERE name = :name";
    private static final String PAUSE = "UPDATE job_schedules SET paused = :paused, updated_at = :now WHERE name = :name";
    private static final String RESUME = """
            UPDATE job_schedules SET paused = FALSE, next_fire_at = :next, updated_at = :now WHERE name = :name AND paused = TRUE
            """;
    private static final String LAUNCHED = """
            UPDATE job_schedules SET last_execution_id = :execution, last_fire_at = :now, updated_at = :now WHERE name = :name
            """;

    private final JdbcClient jdbc;

    JobSchedules(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One definition's row.
     *
     * @param schedule   the schedule in words, or null for a definition run by hand only
     * @param lastStatus the last execution's status, or null
     */
    public record Row(String name, String family, String sourceFile, String schedule, boolean paused, Instant nextFireAt, Instant lastFireAt,
               Long lastExecutionId, String lastStatus) {
    }

    /**
     * Writes the folder's definitions into the table: new ones added (their next fire computed from {@code now}),
     * changed ones updated (the next fire computed again when their schedule changed, as the row holds it then, so
     * that a process reading an older state cannot set a claimed fire back), and, when the folder exists and read
     * without a problem, the rows of definitions of this folder that are no longer there removed.
     */
    void sync(Path folder, List<JobDefinition> definitions, boolean complete, Instant now) {
        Map<String, Row> rows = list().stream().collect(Collectors.toMap(Row::name, r -> r, (a, b) -> a, LinkedHashMap::new));
        Timestamp at = Timestamp.from(now);
        for (JobDefinition definition : definitions) {
            String schedule = definition.schedule() == null ? null : definition.schedule().describe();
            Instant next = definition.schedule() == null ? null : definition.schedule().nextAfter(now, null).orElse(null);
            boolean paused = definition.schedule() != null && definition.schedule().paused();
            Row row = rows.get(definition.name());
            JdbcClient.StatementSpec statement = jdbc.sql(row == null ? INSERT : UPDATE)
                    .param("name", definition.name()).param("family", definition.family())
                    .param("definition", JSON.writeValueAsString(Map.of("parameters", definition.parameters(), "schedule", schedule == null ? "" : schedule)))
                    .param("file", definition.file().toAbsolutePath().normalize().toString()).param("schedule", schedule)
                    .param("paused", paused).param("next", next == null ? null : Timestamp.from(next), java.sql.Types.TIMESTAMP)
                    .param("now", at);
            try {
                statement.update();
            } catch (org.springframework.dao.DuplicateKeyException added) {
                // another process added the definition a moment ago: its row stands
            }
        }
        if (complete && folder != null && java.nio.file.Files.isDirectory(folder)) {
            String under = folder.toAbsolutePath().normalize() + java.io.File.separator;
            Set<String> named = definitions.stream().map(JobDefinition::name).collect(Collectors.toSet());
            rows.values().stream().filter(row -> !named.contains(row.name()) && row.sourceFile().startsWith(under))
                    .forEach(row -> jdbc.sql(DELETE).param("name", row.name()).update());
        }
    }

    /** Every definition's row, by name. */
    public List<Row> list() {
        return jdbc.sql(ALL).query(JobSchedules::row).list();
    }

    /**
     * @throws NotFoundException when no definition has that name
     */
    public Row get(String name) {
        return find(name).orElseThrow(() -> new NotFoundException("no job definition named '" + name + "' in jobs/ (sluice jobs list shows them)"));
    }

    public Optional<Row> find(String name) {
        return jdbc.sql(ONE).param("name", name).query(JobSchedules::row).optional();
    }

    /**
     * A definition that may be launched by hand now (the API's and the dashboard's Run now).
     *
     * @throws NotFoundException when no definition has that name
     * @throws io.sluice.ConflictException when its last execution still runs
     */
    public Row startable(String name) {
        Row row = get(name);
        if (row.lastStatus() != null && List.of("STARTING", "STARTED", "STOPPING").contains(row.lastStatus())) {
            throw new io.sluice.ConflictException(name + "'s execution " + row.lastExecutionId() + " still runs (" + row.lastStatus()
                    + "); start it again once that one has ended");
        }
        return row;
    }

    /**
     * The job parameters a definition launches its family with, as its file gave them when it was last read.
     *
     * @throws NotFoundException when no definition has that name
     */
    public Map<String, String> parameters(String name) {
        get(name);
        String definition = jdbc.sql("SELECT definition FROM job_schedules WHERE name = :name").param("name", name).query(String.class).single();
        Map<String, String> parameters = new LinkedHashMap<>();
        JSON.readTree(definition).path("parameters").properties().forEach(entry -> parameters.put(entry.getKey(), entry.getValue().asString()));
        return parameters;
    }

    /** Pauses (or, keeping its next fire, resumes) a definition's schedule. */
    public void pause(String name, boolean paused) {
        get(name);
        jdbc.sql(PAUSE).param("name", name).param("paused", paused).param("now", Timestamp.from(Instant.now())).update();
    }

    /**
     * Resumes a paused definition's schedule with {@code next} as its next fire (the fires of the paused time are not
     * made up for); a schedule that is not paused keeps its next fire.
     *
     * @throws NotFoundException when no definition has that name
     */
    public void resume(String name, Instant next) {
        get(name);
        jdbc.sql(RESUME)
                .param("name", name).param("next", next == null ? null : Timestamp.from(next), java.sql.Types.TIMESTAMP)
                .param("now", Timestamp.from(Instant.now())).update();
    }

    /** Notes that a definition was launched now as {@code executionId}. */
    public void launched(String name, long executionId) {
        jdbc.sql(LAUNCHED).param("name", name).param("execution", executionId).param("now", Timestamp.from(Instant.now())).update();
    }

    /** Notes that the execution {@code previous}, a definition's last, was restarted as {@code restart} (no-op for any other). */
    public void restarted(long previous, long restart) {
        jdbc.sql("UPDATE job_schedules SET last_execution_id = :restart, updated_at = :now WHERE last_execution_id = :previous")
                .param("restart", restart).param("previous", previous).param("now", Timestamp.from(Instant.now())).update();
    }

    private static Row row(java.sql.ResultSet rs, int rowNumber) throws java.sql.SQLException {
        Timestamp next = rs.getTimestamp("next_fire_at");
        Timestamp last = rs.getTimestamp("last_fire_at");
        Object execution = rs.getObject("last_execution_id");
        return new Row(rs.getString("name"), rs.getString("family"), rs.getString("source_file"), rs.getString("schedule"), rs.getBoolean("paused"),
                next == null ? null : next.toInstant(), last == null ? null : last.toInstant(),
                execution == null ? null : ((Number) execution).longValue(), rs.getString("last_status"));
    }
}
