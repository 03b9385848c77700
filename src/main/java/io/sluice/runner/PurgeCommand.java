package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.execution.ExecutionHistory;
import io.sluice.monitoring.RepositoryTimes;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "purge", mixinStandardHelpOptions = true,
        description = {"Delete the executions that ended longer ago than --older-than, with their reject files.",
                "They are deleted from the job repository with their steps and parameters; running executions are never deleted."})
class PurgeCommand implements Callable<Integer> {

    @Option(names = "--older-than", required = true, paramLabel = "DURATION", description = "How long ago an execution must have ended to be deleted: a number and a unit, s, m, h or d (30d, 12h, 90m).")
    String olderThan;

    @Override
    public Integer call() throws Exception {
        if (!olderThan.trim().matches("\\d+[smhd]")) {
            throw new InvalidInputException("--older-than '" + olderThan + "' is not a duration like 30d, 12h or 90m");
        }
        LocalDateTime cutoff = io.sluice.monitoring.ExecutionFilter.parseTime(olderThan, "--older-than");
        DatabaseSettings settings = Connections.settingsFromEnvironment(SluiceCommand.SPRING_ARGUMENTS);
        Optional<Connection> connection = Connections.open(settings);
        if (connection.isEmpty()) {
            System.out.println("Nothing to purge.");
            return 0;
        }
        List<Long> purged;
        try (Connection open = connection.get()) {
            purged = ExecutionHistory.purge(open, cutoff.atZone(ZoneId.systemDefault()).toInstant(), settings.dataDir());
        }
        System.out.printf("Purged %d %s that ended before %s.%n", purged.size(), purged.size() == 1 ? "execution" : "executions",
                RepositoryTimes.textWithZone(RepositoryTimes.of(cutoff)));
        return 0;
    }
}
