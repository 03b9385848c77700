package io.sluice.persistence;

import io.sluice.SluiceException;

/**
 * A registered (external) database could not be reached or refused what sluice asked of it: one line
 * naming it ({@link RegisteredDatabase#describe()}) and the driver's reason, its password masked. It
 * carries no driver exception as its cause, so that nothing takes it for a loss of sluice's own database.
 */
public class RegisteredDatabaseException extends SluiceException {

    private final String reason;

    /**
     * @param message the whole line
     * @param reason  the driver's reason alone, masked
     */
    public RegisteredDatabaseException(String message, String reason) {
        super(message);
        this.reason = reason;
    }

    /** The driver's reason alone, its password masked. */
    public String reason() {
        return reason;
    }

    @Override
    public Kind kind() {
        return Kind.FAILED;
    }
}
