package io.sluice.monitoring;

import com.fasterxml.jackson.annotation.JsonFormat;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints executions for people (aligned tables, times in this process's zone, named in the
 * header) or for scripts ({@code --json}: ISO-8601 times with their offset).
 */
public final class ExecutionPrinter {

    private final PrintStream out;

    public ExecutionPrinter(PrintStream out) {
        this.out = out;
    }

    /** Prints the value (an {@link ExecutionView} or a list of them) as indented JSON. */
    public void json(Object value) {
        out.println(Json.MAPPER.writeValueAsString(value));
    }

    /** Built on first use only: tables for people need no JSON, and start-up time counts here. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
                .withConfigOverride(OffsetDateTime.class, times -> times.setFormat(JsonFormat.Value.forPattern(RepositoryTimes.ISO_PATTERN)))
                .build();
    }

    /** One line per execution, newest first as given; the executions must not be empty. */
    public void table(List<ExecutionView> executions) {
        TextTable table = new TextTable("", "ID>", "JOB", "STATUS", "EXIT", "STARTED (" + RepositoryTimes.zoneName() + ")",
                "DURATION>", "READ>", "WRITTEN>", "SKIPPED>", "STORE");
        for (ExecutionView e : executions) {
            table.row(e.id(), e.job(), e.status(), e.exitCode(), RepositoryTimes.text(e.started()), duration(e.started(), e.ended()),
                    e.read(), e.written(), e.skipped(), e.store());
        }
        table.print(out);
    }

    /** Says that the job repository holds no execution at all. */
    public void nothingYet() {
        out.println("No executions yet. Start one with: sluice migrate PATH");
    }

    /**
     * Says that no execution matches the filter.
     *
     * @param filter the filter as the user gave it ({@code --status STARTED --job migrate})
     * @param total  how many executions the repository holds (at least one)
     */
    public void noneMatches(String filter, long total, long countedUpTo) {
        out.printf("No execution matches %s (of %s %s in all; `sluice status` lists the newest).%n", filter,
                total > countedUpTo ? "more than " + countedUpTo : Long.toString(total), total == 1 ? "execution" : "executions");
    }

    /** Says that the page asked for lies past the last one. */
    public void pastTheLastPage(int page, int limit, long matching) {
        out.printf("Page %d is past the last page: %d %s, %d a page.%n", page, matching,
                matching == 1 ? "execution matches" : "executions match", limit);
    }

    /**
     * Says under the table that more executions match than this page shows, and how to see them.
     *
     * @param matching    how many match, or {@code countedUpTo + 1} when more than {@code countedUpTo} do
     * @param countedUpTo how far they were counted
     */
    public void more(int page, int limit, long matching, long countedUpTo) {
        if (matching > countedUpTo) {
            out.printf("Page %d of more than %d (more than %d executions match); the next: --page %d%n", page, countedUpTo / limit,
                    countedUpTo, page + 1);
            return;
        }
        long pages = (matching + limit - 1) / limit;
        if (page < pages) {
            out.printf("Page %d of %d (%d executions match); the next: --page %d%n", page, pages, matching, page + 1);
        }
    }

    /** The whole of one execution: outcome, times, parameters, steps with their partitions, errors and rejects. */
    public void detail(ExecutionView e) {
        out.printf("Execution %d of %s: %s (exit %s)%s%n", e.id(), e.job(), e.status(), e.exitCode(),
                e.restartOf() == null ? "" : ", a restart of execution " + e.restartOf());
        ErrorLines.readable(e.exitDescription()).forEach(line -> out.println("  " + line));
        out.printf("  started %s, ended %s, took %s%n", RepositoryTimes.textWithZone(e.started()),
                e.ended() == null ? "- (still running)" : RepositoryTimes.textWithZone(e.ended()), duration(e.started(), e.ended()));
        out.println("Parameters:");
        int nameWidth = e.parameters().keySet().stream().mapToInt(String::length).max().orElse(0);
        for (Map.Entry<String, String> parameter : e.parameters().entrySet()) {
            out.printf("  %-" + nameWidth + "s  %s%n", parameter.getKey(), parameterText(parameter.getKey(), parameter.getValue()));
        }
        if (e.steps().isEmpty()) {
            out.println("Steps: none yet");
        } else {
            steps(e.id(), e.steps());
        }
        if (e.rejectFile() != null) {
            out.printf("Rejected records: %d in %s%n", e.rejectCount(), e.rejectFile());
        }
    }

    private void steps(long id, List<ExecutionView.StepView> steps) {
        out.println("Steps (a partitioned step counts what its partitions, listed under it, did):");
        TextTable table = new TextTable("  ", "STEP", "STATUS", "READ>", "WRITTEN>", "FILTERED>", "SKIPPED>", "COMMITS>",
                "ROLLBACKS>", "DURATION>", "EXIT");
        for (ExecutionView.StepView s : steps) {
            String name = s.isPartition() ? "  " + s.name().substring(s.name().indexOf(':') + 1) : s.name();
            String description = s.exitDescription() == null || s.exitDescription().isBlank() || s.error() != null ? ""
                    : ": " + s.exitDescription().lines().findFirst().orElse("");
            table.row(name, s.status(), s.read(), s.written(), s.filtered(), s.skipped(), s.commits(), s.rollbacks(),
                    duration(s.started(), s.ended()), s.exitCode() + description);
        }
        table.print(out);
        List<ExecutionView.StepView> failed = steps.stream().filter(s -> s.error() != null)
                .filter(s -> s.partitions() == 0 || steps.stream().noneMatch(p -> p.isPartition() && p.error() != null
                        && p.name().startsWith(s.name() + ":")))
                .toList();
        if (!failed.isEmpty()) {
            out.printf("Errors (each step's whole trace: sluice show %d --json):%n", id);
            failed.forEach(s -> out.printf("  %s: %s%n", s.name(), s.error()));
        }
    }

    private static String parameterText(String name, String value) {
        if (name.equals(ExecutionQueries.LAUNCHED_AT)) {
            try {
                return RepositoryTimes.textWithMillisAndZone(OffsetDateTime.parse(value));
            } catch (RuntimeException e) {
                return value;
            }
        }
        return value;
    }

    private static String duration(OffsetDateTime start, OffsetDateTime end) {
        if (start == null) {
            return "-";
        }
        Duration d = Duration.between(start, end == null ? OffsetDateTime.now() : end);
        String text = d.toSeconds() < 60 ? String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0)
                : d.toHours() > 0 ? String.format(Locale.ROOT, "%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
        return end == null ? text + "+" : text;
    }
}
