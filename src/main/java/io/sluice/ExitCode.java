package io.sluice;

/** The process exit codes that scripts can rely on; documented in the README. */
public enum ExitCode {
    /** The command did what was asked; a job ended COMPLETED (its summary says how many records were rejected). */
    SUCCESS(0),
    /** A job ended FAILED, STOPPED or ABANDONED, or an unexpected error occurred. */
    FAILED(1),
    /** Bad command line, configuration or input path. */
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
}
