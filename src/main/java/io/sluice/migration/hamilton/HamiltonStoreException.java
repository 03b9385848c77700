package io.sluice.migration.hamilton;

import io.sluice.ExitCode;
import io.sluice.SluiceException;

/**
 * The Hamilton store cannot be read at all (not a SQLite file, damaged, or not Hamilton's tables):
 * the migration fails before anything is written, with a message naming the file.
 */
class HamiltonStoreException extends SluiceException {

    HamiltonStoreException(String message, Throwable cause) {
        super(ExitCode.FAILED, message, cause);
    }
}
