package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.execution.ExecutionHistory;
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
        description = "Delete the history of executions that ended before the given age (never running ones), with their reject files.")
class PurgeCommand implements Callable<Integer> {

    @Option(names = "--older-than", required = true, paramLabel = "DURATION", description = "Age such as 30d, 12h or 90m.")
    String olderThan;

    @Override
    public Integer call() throws Exception {
        if (!olderThan.trim().matches("\\d+[smhd]")) {
            throw new InvalidInputException("--older-than '" + olderThan + "' is not a duration like 30d, 12h or 90m");
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
            purged = ExecutionHistory.purge(open, cutoff.atZone(ZoneId.systemDefault()).toInstant(), settings.dataDir());
        }
        System.out.printf("Purged %d executions that ended before %s.%n", purged.size(), cutoff.withNano(0));
        return 0;
    }
}
