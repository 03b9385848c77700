package io.sluice.batch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a job family's parameters from their text form ({@code KEY=VALUE} as typed) and collects
 * every problem instead of stopping at the first: missing required ones, unknown names, values of
 * the wrong type or out of range. {@link #check()} then throws one {@link InvalidParametersException}
 * naming them all.
 */
public final class ParameterReader {

    private final String jobName;
    private final Map<String, String> given;
    private final Set<String> known = new LinkedHashSet<>();
    private final List<String> problems = new ArrayList<>();

    /**
     * @param jobName the family's job name, for the message
     * @param given   parameter names to their text values, as typed
     */
    public ParameterReader(String jobName, Map<String, String> given) {
        this.jobName = jobName;
        this.given = given;
    }

    /** The text of an optional parameter, blank taken as absent; null when absent. */
    public String text(String name) {
        known.add(name);
        String value = given.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The text of a required parameter; null (and a problem noted) when absent. */
    public String required(String name, String example) {
        String value = text(name);
        if (value == null) {
            problem(name + " is missing (" + name + "=" + example + ")");
        }
        return value;
    }

    /** A path that must exist; null (and a problem noted) when it is absent or does not exist. */
    public Path existingPath(String name, boolean required, String example) {
        String value = required ? required(name, example) : text(name);
        if (value == null) {
            return null;
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            problem(name + " '" + value + "': no such file or folder");
            return null;
        }
        return path;
    }

    /** A whole number in {@code min..max}; {@code fallback} when absent, and (with a problem noted) when invalid. */
    public int integer(String name, int min, int max, int fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            int number = Integer.parseInt(value);
            if (number < min || number > max) {
                problem(name + (max == Integer.MAX_VALUE ? " must be at least " + min : " must be between " + min + " and " + max)
                        + ", not " + number);
                return fallback;
            }
            return number;
        } catch (NumberFormatException e) {
            problem(name + " must be a whole number, not '" + value + "'");
            return fallback;
        }
    }

    /** {@code true} or {@code false} (any case); {@code fallback} when absent, and (with a problem noted) when neither. */
    public boolean bool(String name, boolean fallback) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        problem(name + " must be true or false, not '" + value + "'");
        return fallback;
    }

    /** Notes a problem found by the family itself. */
    public void problem(String problem) {
        problems.add(problem);
    }

    /**
     * Throws when anything was wrong, unknown parameter names included (those given but never
     * asked for through this reader).
     *
     * @throws InvalidParametersException naming every problem noted
     */
    public void check() {
        Set<String> unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(known);
        for (String name : unknown) {
            problems.add("unknown parameter '" + name + "' (" + jobName + " takes " + String.join(", ", known) + ")");
        }
        if (!problems.isEmpty()) {
            throw new InvalidParametersException(jobName, problems);
        }
    }
}
