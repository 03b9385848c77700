package io.sluice.runner;

import io.sluice.ExitCode;
import io.sluice.SluiceException;
import io.sluice.monitoring.RepositoryTimes;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "purge", mixinStandardHelpOptions = true,
        description = {"Delete the executions that ended longer ago than --older-than, with their reject files.",
                "They are deleted from the job repository with their steps and parameters; running executions are never deleted."})
class PurgeCommand implements Callable<Integer> {

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
            "DELETE FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = ?");
    private static final String DELETE_EMPTY_INSTANCES = """
            DELETE FROM BATCH_JOB_INSTANCE WHERE NOT EXISTS
              (SELECT 1 FROM BATCH_JOB_EXECUTION e WHERE e.JOB_INSTANCE_ID = BATCH_JOB_INSTANCE.JOB_INSTANCE_ID)
            """;

    @Option(names = "--older-than", required = true, paramLabel = "DURATION", description = "How long ago an execution must have ended to be deleted: a number and a unit, s, m, h or d (30d, 12h, 90m).")
    String olderThan;

    @Override
    public Integer call() throws Exception {
        if (!olderThan.trim().matches("\\d+[smhd]")) {
            throw new SluiceException(ExitCode.USAGE, "--older-than '" + olderThan + "' is not a duration like 30d, 12h or 90m");
        }
        LocalDateTime cutoff = StatusCommand.parseSince(olderThan);
        DatabaseSettings settings = Connections.settingsFromEnvironment(SluiceCommand.SPRING_ARGUMENTS);
        Optional<Connection> connection = Connections.open(settings);
        if (connection.isEmpty()) {
            System.out.println("Nothing to purge.");
            return 0;
        }
        List<Long> purged;
        try (Connection open = connection.get()) {
            purged = purge(open, cutoff);
        }
        for (long id : purged) {
            deleteFolder(settings.dataDir().toAbsolutePath().resolve("executions").resolve(Long.toString(id)));
        }
        System.out.printf("Purged %d %s that ended before %s.%n", purged.size(), purged.size() == 1 ? "execution" : "executions",
                RepositoryTimes.textWithZone(RepositoryTimes.of(cutoff)));
        return 0;
    }

    private static List<Long> purge(Connection connection, LocalDateTime cutoff) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (PreparedStatement find = connection.prepareStatement(FIND)) {
            find.setTimestamp(1, Timestamp.valueOf(cutoff));
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
        return ids;
    }

    private static void deleteFolder(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
