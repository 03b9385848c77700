package io.sluice.execution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Purges the job repository's history over a plain JDBC connection, so that {@code sluice purge}
 * needs no Spring context; {@link ExecutionService#purge} uses it too.
 */
public final class ExecutionHistory {

    private static final String FIND = """
            SELECT JOB_EXECUTION_ID FROM BATCH_JOB_EXECUTION
            WHERE END_TIME < ? AND STATUS NOT IN ('STARTING', 'STARTED', 'STOPPING')
            """;
    private static final List<String> DELETES = List.of(
            "DELETE FROM BATCH_STEP_EXECUTION_CONTEXT WHERE STEP_EXECUTION_ID IN (SELECT STEP_EXECUTION_ID FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ?)",
            "DELETE FROM BATCH_STEP_EXECUTION WHERE JOB_EXECUTION_ID = ?",
            "DELETE FROM BATCH_JOB_EXECUTION_CONTEXT WHERE JOB_EXECUTION_ID = ?",
            "DELETE FROM BATCH_JOB_EXECUTION_PARAMS WHERE JOB_EXECUTION_ID = ?",
            "DELETE FROM execution_process WHERE job_execution_id = ?",
            "DELETE FROM refused_records WHERE job_execution_id = ?",
            "DELETE FROM workflow_node_executions WHERE job_execution_id = ?",
            "DELETE FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?");
    private static final String DELETE_EMPTY_INSTANCES = """
            DELETE FROM BATCH_JOB_INSTANCE WHERE NOT EXISTS
              (SELECT 1 FROM BATCH_JOB_EXECUTION e WHERE e.JOB_INSTANCE_ID = BATCH_JOB_INSTANCE.JOB_INSTANCE_ID)
            """;

    private ExecutionHistory() {
    }

    /**
     * Deletes, in one transaction, every execution that ended before {@code cutoff} and is not
     * running, with its steps, contexts, parameters, owner row and refused records, then the job instances left with
     * no execution; then the executions' folders ({@code <dataDir>/executions/<id>}: reject files).
     *
     * @param connection a connection to the job repository; its auto-commit is switched off
     * @param cutoff     executions that ended before this instant are purged
     * @return the ids of the executions purged, in no particular order
     * @throws SQLException when the database refuses; nothing is deleted then
     * @throws UncheckedIOException when a folder cannot be deleted (the rows are gone by then)
     */
    public static List<Long> purge(Connection connection, Instant cutoff, Path dataDir) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement(FIND)) {
            // Spring Batch writes its times as local date-times of the JVM's zone
            find.setTimestamp(1, Timestamp.valueOf(LocalDateTime.ofInstant(cutoff, ZoneId.systemDefault())));
            try (ResultSet rs = find.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong("JOB_EXECUTION_ID"));
                }
            }
        }
        if (ids.isEmpty()) {
            return ids;
        }
        connection.setAutoCommit(false);
        try {
            for (String delete : DELETES) {
                try (PreparedStatement statement = connection.prepareStatement(delete)) {
                    for (long id : ids) {
                        statement.setLong(1, id);
                        statement.addBatch();
                    }
                    statement.executeBatch();
                }
            }
            try (PreparedStatement statement = connection.prepareStatement(DELETE_EMPTY_INSTANCES)) {
                statement.executeUpdate();
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        }
        for (long id : ids) {
            deleteFolder(dataDir.toAbsolutePath().resolve("executions").resolve(Long.toString(id)));
        }
        return ids;
    }

    private static void deleteFolder(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + folder, e);
        }
    }
}
