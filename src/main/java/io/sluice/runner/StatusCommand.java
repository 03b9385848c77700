package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.monitoring.ExecutionFilter;
import io.sluice.monitoring.ExecutionPrinter;
import io.sluice.monitoring.ExecutionQueries;
import io.sluice.monitoring.ExecutionView;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = "List job executions, newest first, with their counts. Works while a job runs, from another terminal.")
class StatusCommand implements Callable<Integer> {

    @Option(names = "--job", paramLabel = "NAME", description = "Only this job (e.g. migrate).")
    String job;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only this status: STARTED, COMPLETED, FAILED, STOPPED, ABANDONED...")
    String status;

    @Option(names = "--since", paramLabel = "WHEN", description = "Only executions created since: a duration (1h, 2d, 30m) or a date-time (2026-11-24T08:00).")
    String since;

    @Option(names = "--limit", defaultValue = "20", description = "Page size (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--page", defaultValue = "1", description = "Page number, from 1 (default: ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--json", description = "Print JSON for scripts.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || page < 1) {
            throw new InvalidInputException("--limit and --page must be at least 1");
        }
        ExecutionFilter filter = new ExecutionFilter(job, status == null ? null : status.toUpperCase(Locale.ROOT),
                parseSince(since), limit, (page - 1) * limit);
        DatabaseSettings settings = Connections.settingsFromEnvironment(SluiceCommand.SPRING_ARGUMENTS);
        List<ExecutionView> executions;
        Optional<Connection> connection = Connections.openForReading(settings);
        if (connection.isEmpty()) {
            executions = List.of();
        } else {
            Connection open = connection.get();
            try {
                executions = new ExecutionQueries(open, settings.dataDir()).list(filter);
            } finally {
                Connections.closeReader(open);
            }
        }
        ExecutionPrinter printer = new ExecutionPrinter(System.out);
        if (json) {
            printer.json(executions);
        } else {
            printer.table(executions);
        }
        return 0;
    }

    static LocalDateTime parseSince(String since) {
        if (since == null) {
            return null;
        }
        String text = since.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.matches("\\d+[smhd]")) {
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                Duration duration = switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                };
                return LocalDateTime.now().minus(duration);
            }
            return LocalDateTime.parse(since.trim());
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new InvalidInputException("--since '" + since + "' is neither a duration like 2h nor a date-time like 2026-11-24T08:00");
        }
    }
}
