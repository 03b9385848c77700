package io.sluice.monitoring;

import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Prints executions for people (aligned tables) or for scripts ({@code --json}). */
public final class ExecutionPrinter {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final PrintStream out;

    public ExecutionPrinter(PrintStream out) {
        this.out = out;
    }

    public void json(Object value) {
        out.println(Json.MAPPER.writeValueAsString(value));
    }

    /** Built on first use only: tables for people need no JSON, and start-up time counts here. */
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();
    }

    public void table(List<ExecutionView> executions) {
        if (executions.isEmpty()) {
            out.println("No executions yet. Start one with: sluice migrate PATH");
            return;
        }
        String format = "%-6s %-10s %-10s %-24s %-19s %9s %10s %10s %8s  %s%n";
        out.printf(format, "ID", "JOB", "STATUS", "EXIT", "STARTED", "DURATION", "READ", "WRITTEN", "SKIPPED", "STORE");
        for (ExecutionView e : executions) {
            out.printf(format, e.id(), e.job(), e.status(), e.exitCode(), time(e.started()), duration(e.started(), e.ended()),
                    e.read(), e.written(), e.skipped(), e.store() == null ? "" : e.store());
        }
    }

    public void detail(ExecutionView e) {
        out.printf("Execution %d of %s: %s (exit %s)%n", e.id(), e.job(), e.status(), e.exitCode());
        if (e.exitDescription() != null && !e.exitDescription().isBlank()) {
            out.println("  " + e.exitDescription().replace("\n", "\n  ").strip());
        }
        out.printf("  started %s, ended %s, took %s%n", time(e.started()), time(e.ended()), duration(e.started(), e.ended()));
        out.println("Parameters:");
        e.parameters().forEach((name, value) -> out.printf("  %-12s %s%n", name, value));
        out.println("Steps:");
        int nameWidth = e.steps().stream().mapToInt(step -> step.name().length()).max().orElse(0);
        String format = "  %-" + Math.max(28, nameWidth) + "s %-10s %9s %10s %10s %8s %8s %8s %9s  %s%n";
        out.printf(format, "STEP", "STATUS", "READ", "WRITTEN", "FILTERED", "SKIPPED", "COMMITS", "ROLLBACK", "DURATION", "EXIT");
        for (ExecutionView.StepView s : e.steps()) {
            String exit = s.exitCode() + (s.exitDescription() == null || s.exitDescription().isBlank() ? ""
                    : ": " + s.exitDescription().lines().findFirst().orElse(""));
            out.printf(format, s.name(), s.status(), s.read(), s.written(), s.filtered(), s.skipped(), s.commits(), s.rollbacks(),
                    duration(s.started(), s.ended()), exit);
        }
        if (e.rejectFile() != null) {
            out.printf("Rejected records: %d in %s%n", e.rejectCount(), e.rejectFile());
        }
    }

    private static String time(LocalDateTime time) {
        return time == null ? "-" : TIME.format(time);
    }

    private static String duration(LocalDateTime start, LocalDateTime end) {
        if (start == null) {
            return "-";
        }
        Duration d = Duration.between(start, end == null ? LocalDateTime.now() : end);
        String text = d.toSeconds() < 60 ? String.format("%.1fs", d.toMillis() / 1000.0)
                : d.toHours() > 0 ? String.format("%dh%02dm", d.toHours(), d.toMinutesPart())
                : String.format("%dm%02ds", d.toMinutes(), d.toSecondsPart());
        return end == null ? text + "+" : text;
    }
}
