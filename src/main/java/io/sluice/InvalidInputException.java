package io.sluice;

/** Bad input the user can correct: a parameter, an option, a path, the configuration or a record. Its message names what is wrong and where. */
public class InvalidInputException extends SluiceException {

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public Kind kind() {
        return Kind.INVALID;
    }
}
