package io.sluice.monitoring;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an exit description that holds a Java stack trace (Spring Batch writes the whole trace of a
 * failure into it) into what a person needs: the root cause in one line, with the exception's
 * simple class name ({@code PSQLException: ERROR: poisoned run}), and any text that was added
 * after the trace. A description without a trace is returned as it is.
 */
public final class ErrorLines {

    private static final Pattern FRAME = Pattern.compile("^\\s+(at |\\.\\.\\. \\d+ (more|common frames omitted))");
    private static final Pattern EXCEPTION = Pattern.compile("^(Caused by: )?((?:[a-zA-Z_$][\\w$]*\\.)+)?([A-Z][\\w$]*(?:Exception|Error|Throwable)[\\w$]*)(?::\\s*(.*))?$");

    private ErrorLines() {
    }

    /** Whether the text holds a stack trace. */
    public static boolean hasTrace(String description) {
        return description != null && description.lines().anyMatch(line -> FRAME.matcher(line).find());
    }

    /**
     * The root cause of the trace in the description in one line ({@code SimpleName: message}), or
     * null when the description holds no trace.
     */
    public static String rootCause(String description) {
        if (!hasTrace(description)) {
            return null;
        }
        String cause = null;
        for (String line : description.lines().toList()) {
            if (FRAME.matcher(line).find()) {
                continue;
            }
            Matcher exception = EXCEPTION.matcher(line.strip());
            if (exception.matches() && (cause == null || exception.group(1) != null)) {
                String message = exception.group(4);
                cause = exception.group(3) + (message == null || message.isBlank() ? "" : ": " + message);
            }
        }
        return cause == null ? description.lines().findFirst().orElse("").strip() : cause;
    }

    /**
     * The description without its stack traces: each trace becomes its root cause's line, and the
     * text around traces (such as a summary appended after one with {@code "; "}) is kept.
     */
    public static List<String> readable(String description) {
        List<String> lines = new ArrayList<>();
        if (description == null || description.isBlank()) {
            return lines;
        }
        if (!hasTrace(description)) {
            description.strip().lines().forEach(lines::add);
            return lines;
        }
        lines.add(rootCause(description));
        String last = description.strip().lines().reduce((a, b) -> b).orElse("");
        int appended = last.indexOf("; ");
        if (FRAME.matcher(last).find() && appended > 0) {
            lines.add(last.substring(appended + 2).strip());
        }
        return lines;
    }
}
