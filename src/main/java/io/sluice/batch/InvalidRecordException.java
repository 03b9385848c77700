package io.sluice.batch;

import io.sluice.ExitCode;
import io.sluice.SluiceException;

/** A record that cannot be migrated as it is; the step skips it into the reject file and goes on. */
public class InvalidRecordException extends SluiceException {

    public InvalidRecordException(String reason) {
        super(ExitCode.COMPLETED_WITH_REJECTS, reason);
    }
}
