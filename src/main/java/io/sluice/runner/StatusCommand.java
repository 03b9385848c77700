package io.sluice.runner;

import io.sluice.InvalidInputException;
import io.sluice.monitoring.ExecutionFilter;
import io.sluice.monitoring.ExecutionPrinter;
import io.sluice.monitoring.ExecutionQueries;
import io.sluice.monitoring.ExecutionView;
import io.sluice.monitoring.RepositoryTimes;
import io.sluice.persistence.Connections;
import io.sluice.persistence.DatabaseSettings;
import org.springframework.batch.core.BatchStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.sql.Connection;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"List job executions, newest first, one page at a time, with what each read, wrote and skipped.",
                "It works while a job runs, from another terminal. Times are in this machine's zone (TZ), named in the header;"
                        + " with --json they are ISO-8601 with their offset."})
class StatusCommand implements Callable<Integer> {

    /** How far the lines under the table count matching executions (further only as far as the page asked for). */
    private static final long COUNT_UP_TO = 10_000;

    @Option(names = "--job", paramLabel = "NAME", description = "List only the executions of this job, such as migrate.")
    String job;

    @Option(names = "--status", paramLabel = "STATUS",
            description = "List only the executions in this status: STARTING, STARTED, STOPPING, STOPPED, FAILED, COMPLETED,"
                    + " ABANDONED or UNKNOWN (in any case).")
    String status;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "List only the executions created since then: a time back from now (30s, 30m, 2h or 7d),"
                    + " a date-time in this machine's zone (2026-11-24T08:00) or with an offset (2026-11-24T08:00Z), or a date (2026-11-24).")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "List only the executions created before then, in the forms of --since.")
    String until;

    @Option(names = "--parameter", paramLabel = "NAME=VALUE",
            description = "List only the executions launched with this job parameter, such as store=/srv/runs (the value exactly as shown by show).")
    String parameter;

    @Option(names = "--explain", description = "Print PostgreSQL's plan of the list query with its timing (EXPLAIN ANALYZE) instead of the page.")
    boolean explain;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "Show at most N executions a page (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--page", paramLabel = "N", defaultValue = "1",
            description = "Show page N, counting from 1 for the newest executions (default: ${DEFAULT-VALUE}).")
    int page;

    @Option(names = "--before", paramLabel = "ID",
            description = "Show the executions below execution ID, newest first: the page after one that ended at ID, as fast at any depth as the first (instead of --page; not with --since or --until).")
    Long before;

    @Option(names = "--json", description = "Print the page as a JSON array for scripts (an empty array when nothing matches).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (limit < 1 || page < 1) {
            throw new InvalidInputException("--limit and --page must be at least 1");
        }
        if (before != null && page != 1) {
            throw new InvalidInputException("give --page or --before, not both");
        }
        ExecutionFilter filter = ExecutionFilter.parse(job, status, since, until, parameter, "--", limit, (page - 1) * limit).before(before, "--before");
        DatabaseSettings settings = Connections.settingsFromEnvironment(SluiceCommand.SPRING_ARGUMENTS);
        List<ExecutionView> executions = List.of();
        long matching = 0;
        long total = 0;
        long countedUpTo = COUNT_UP_TO;
        Optional<Connection> connection = Connections.openForReading(settings);
        if (connection.isPresent()) {
            Connection open = connection.get();
            try {
                ExecutionQueries queries = new ExecutionQueries(open, settings.dataDir());
                if (explain) {
                    queries.explain(filter).forEach(System.out::println);
                    return 0;
                }
                executions = queries.list(filter);
                if (!json && (executions.isEmpty() || executions.size() == limit)) {
                    countedUpTo = Math.max(COUNT_UP_TO, (long) page * limit);
                    matching = queries.count(filter, countedUpTo);
                    total = executions.isEmpty() && matching == 0 ? queries.count(new ExecutionFilter(null, null, null, 1, 0), countedUpTo) : matching;
                }
            } finally {
                Connections.closeReader(open);
            }
        }
        ExecutionPrinter printer = new ExecutionPrinter(System.out);
        if (json) {
            printer.json(executions);
        } else if (!executions.isEmpty()) {
            printer.table(executions);
            if (before == null) {
                printer.more(page, limit, matching, countedUpTo);
            } else if (executions.size() == limit && matching > limit) {
                System.out.println("Older executions: sluice status --before " + executions.get(executions.size() - 1).id());
            }
        } else if (total == 0) {
            printer.nothingYet();
        } else if (matching == 0) {
            printer.noneMatches(filterText(), total, countedUpTo);
        } else {
            printer.pastTheLastPage(page, limit, matching);
        }
        return 0;
    }

    /** The filter options as given, for a message: {@code --job migrate --status STARTED}. */
    private String filterText() {
        List<String> options = new ArrayList<>();
        if (job != null) {
            options.add("--job " + job);
        }
        if (status != null) {
            options.add("--status " + status.toUpperCase(Locale.ROOT));
        }
        if (before != null) {
            options.add("--before " + before);
        }
        if (since != null) {
            options.add("--since " + since + " (" + RepositoryTimes.textWithZone(RepositoryTimes.of(ExecutionFilter.parseTime(since, "--since"))) + ")");
        }
        if (until != null) {
            options.add("--until " + until + " (" + RepositoryTimes.textWithZone(RepositoryTimes.of(ExecutionFilter.parseTime(until, "--until"))) + ")");
        }
        if (parameter != null) {
            options.add("--parameter " + parameter);
        }
        return String.join(" ", options);
    }

}
