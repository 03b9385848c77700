package io.sluice;

/** Work that was attempted and failed, such as a job that did not complete or a verification that did not pass; the message says why. */
public class OperationFailedException extends SluiceException {

    public OperationFailedException(String message) {
        super(message);
    }

    public OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.FAILED;
    }
}
