package io.sluice.runner;

import io.sluice.SluiceException;

/**
 * The process exit codes that scripts can rely on, documented in the README; the one place where
 * the kinds of {@link SluiceException} become exit codes.
 */
public enum ExitCode {
    /** The command did what was asked; a job ended COMPLETED (its summary says how many records were rejected). */
    SUCCESS(0),
    /** A job ended FAILED, STOPPED or ABANDONED, or an unexpected error occurred. */
    FAILED(1),
    /** Bad command line, parameters, configuration or input path. */
    USAGE(2),
    /** With {@code --fail-on-rejects}: a job COMPLETED, but some records were rejected into its reject file. */
    COMPLETED_WITH_REJECTS(3),
    /** No such execution or job. */
    NOT_FOUND(4),
    /** The execution is running, or already complete, so the action does not apply. */
    CONFLICT(5),
    /** A resource is busy for now (a store locked by another process that writes to it): try again later. */
    UNAVAILABLE(6);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code for a problem of {@code kind}. */
    public static ExitCode of(SluiceException.Kind kind) {
        return switch (kind) {
            case INVALID -> USAGE;
            case NOT_FOUND -> NOT_FOUND;
            case CONFLICT -> CONFLICT;
            case UNAVAILABLE -> UNAVAILABLE;
            case FAILED -> FAILED;
        };
    }
}
