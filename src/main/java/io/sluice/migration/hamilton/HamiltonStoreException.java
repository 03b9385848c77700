package io.sluice.migration.hamilton;

import io.sluice.InvalidInputException;

/**
 * The Hamilton store cannot be read at all (missing, not a SQLite file, damaged, or without
 * Hamilton's tables). Found before the job starts, it is a bad input path (exit code 2), and the
 * message, one line, names the file; found by the job's first step, the job fails (exit code 1).
 */
class HamiltonStoreException extends InvalidInputException {

    HamiltonStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
