package io.sluice;

/**
 * The root of sluice's own exceptions. Subclasses live in the package that throws them; their
 * message is one line that tells the user what went wrong and what to do about it.
 */
public class SluiceException extends RuntimeException {

    private final ExitCode exitCode;

    public SluiceException(ExitCode exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public SluiceException(ExitCode exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public ExitCode exitCode() {
        return exitCode;
    }
}
