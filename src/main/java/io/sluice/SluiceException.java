package io.sluice;

/**
 * The root of sluice's own exceptions. Each belongs to one {@link Kind}; the channels that reach
 * the user map kinds in one place each (the CLI to exit codes, the REST API to HTTP statuses).
 * Subclasses live in the package that throws them; their message is one line that tells the user
 * what went wrong and what to do about it, and never holds a secret.
 */
public abstract class SluiceException extends RuntimeException {

    /** What kind of problem an exception reports, independent of the channel that shows it. */
    public enum Kind {
        /** Bad input: a parameter, option, path, configuration or record the user can correct. */
        INVALID,
        /** No such job, execution, workflow or database. */
        NOT_FOUND,
        /** The action does not apply in the current state: running, already restarted, already complete. */
        CONFLICT,
        /** A resource is busy for now (a store locked by another process that writes to it): try again later. */
        UNAVAILABLE,
        /** The work was attempted and failed: a job that did not complete, a verification that did not pass. */
        FAILED
    }

    protected SluiceException(String message) {
        super(message);
    }

    protected SluiceException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The kind of this problem. */
    public abstract Kind kind();
}
