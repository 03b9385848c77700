package io.sluice.batch;

import io.sluice.InvalidInputException;

import java.util.List;

/**
 * A job's parameters are missing, unknown or invalid; the message names every problem at once,
 * such as {@code invalid parameters for migrate: store is missing (store=PATH); chunkSize must be at least 1, not 0}.
 */
public class InvalidParametersException extends InvalidInputException {

    private final List<String> problems;

    public InvalidParametersException(String jobName, List<String> problems) {
        super("invalid parameters for " + jobName + ": " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each problem, one sentence fragment each, in the order found. */
    public List<String> problems() {
        return problems;
    }
}
