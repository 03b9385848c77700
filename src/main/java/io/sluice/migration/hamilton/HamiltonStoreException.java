package io.sluice.migration.hamilton;

import io.sluice.ExitCode;
import io.sluice.SluiceException;

/**
 * The Hamilton store cannot be read at all (missing, unreadable, not a SQLite file, damaged, or
 * without Hamilton's tables: a bad input path, exit code 2), or not now (locked by another process:
 * exit code 6, try again later). Found before the job starts, the message, one line, names the
 * file; found by the job's first step, the job fails (exit code 1) and can be restarted.
 */
class HamiltonStoreException extends SluiceException {

    HamiltonStoreException(String message, Throwable cause) {
        this(ExitCode.USAGE, message, cause);
    }

    HamiltonStoreException(ExitCode exitCode, String message, Throwable cause) {
        super(exitCode, message, cause);
    }
}
