package io.sluice.migration;

import io.sluice.ExitCode;
import io.sluice.SluiceException;

/** Source and target differ after a migration; the job fails and the store is not archived. */
public class MigrationVerificationException extends SluiceException {

    public MigrationVerificationException(String message) {
        super(ExitCode.FAILED, message);
    }
}
