package io.sluice.migration;

import io.sluice.OperationFailedException;

/** Source and target differ after a migration; the job fails and the store is not archived. */
public class MigrationVerificationException extends OperationFailedException {

    public MigrationVerificationException(String message) {
        super(message);
    }
}
