package io.sluice;

/** The action does not apply in the current state (running, already restarted, already complete); the message says the state and what to do instead. */
public class ConflictException extends SluiceException {

    public ConflictException(String message) {
        super(message);
    }

    public ConflictException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.CONFLICT;
    }
}
