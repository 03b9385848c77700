package io.sluice.migration.hamilton;

import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opens the Hamilton store before anything is loaded, and fails the job with one clear line when it
 * cannot be read: not a SQLite database, damaged (SQLite's quick check), or without Hamilton's
 * tables. Its exit description counts the rows per table, and says what is not migrated:
 * Hamilton's {@code jobs} table, its own job history, which has no place in the target schema.
 */
final class InspectStoreTasklet implements Tasklet {

    static final List<String> MIGRATED = List.of("databases", "clustering_results", "concepts", "attributes", "relationships");

    private final HamiltonStore store;

    InspectStoreTasklet(HamiltonStore store) {
        this.store = store;
    }

    @Override
    public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
        Set<String> tables = new TreeSet<>();
        try (Connection connection = store.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("PRAGMA quick_check")) {
                String result = rs.next() ? rs.getString(1) : "no answer";
                if (!"ok".equalsIgnoreCase(result)) {
                    throw new HamiltonStoreException(store.file() + ": the SQLite file is damaged (" + result.lines().findFirst().orElse(result)
                            + "); restore it from a backup or repair it with sqlite3 .recover", null);
                }
            }
            try (ResultSet rs = statement.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
                while (rs.next()) {
                    tables.add(rs.getString("name"));
                }
            }
        } catch (SQLException e) {
            throw new HamiltonStoreException(store.file() + ": cannot read it as a SQLite database ("
                    + firstLine(e.getMessage()) + "); is it Hamilton's hamilton_metadata.db?", e);
        }
        List<String> missing = MIGRATED.stream().filter(table -> !tables.contains(table)).toList();
        if (!missing.isEmpty()) {
            throw new HamiltonStoreException(store.file() + ": not a Hamilton store: no table " + String.join(", ", missing), null);
        }
        JdbcTemplate jdbc = new JdbcTemplate(store.dataSource());
        List<String> counts = new ArrayList<>();
        for (String table : MIGRATED) {
            counts.add(table + " " + jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class));
        }
        String description = store.displayName() + ": " + String.join(", ", counts);
        if (tables.contains("jobs")) {
            long jobs = jdbc.queryForObject("SELECT count(*) FROM jobs", Long.class);
            description += "; jobs: " + jobs + " rows not migrated, Hamilton's own job history";
        }
        List<String> others = tables.stream()
                .filter(table -> !MIGRATED.contains(table) && !table.equals("jobs") && !table.startsWith("sqlite_"))
                .toList();
        if (!others.isEmpty()) {
            description += "; other tables not migrated: " + String.join(", ", others);
        }
        contribution.setExitStatus(contribution.getExitStatus().addExitDescription(description));
        return RepeatStatus.FINISHED;
    }

    private static String firstLine(String message) {
        return message == null ? "unknown error" : message.lines().findFirst().orElse(message);
    }
}
