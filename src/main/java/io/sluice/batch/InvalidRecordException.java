package io.sluice.batch;

import io.sluice.InvalidInputException;

/** A record that cannot be migrated as it is; the step skips it into the reject file and goes on. */
public class InvalidRecordException extends InvalidInputException {

    public InvalidRecordException(String reason) {
        super(reason);
    }
}
