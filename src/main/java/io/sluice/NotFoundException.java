package io.sluice;

/** No such job, execution, workflow or database; the message names what was looked for. */
public class NotFoundException extends SluiceException {

    public NotFoundException(String message) {
        super(message);
    }

    public NotFoundException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.NOT_FOUND;
    }
}
