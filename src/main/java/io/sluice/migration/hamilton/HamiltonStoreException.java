package io.sluice.migration.hamilton;

import io.sluice.SluiceException;

/**
 * The Hamilton store cannot be read at all (missing, unreadable, not a SQLite file, damaged, or
 * without Hamilton's tables: {@link Kind#INVALID}, exit code 2), or not now (locked by another
 * process: {@link Kind#UNAVAILABLE}, exit code 6, try again later). Found before the job starts, the
 * message, one line, names the file; found by the job's first step, the job fails (exit code 1) and
 * can be restarted.
 */
class HamiltonStoreException extends SluiceException {

    private final Kind kind;

    HamiltonStoreException(String message, Throwable cause) {
        this(Kind.INVALID, message, cause);
    }

    HamiltonStoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    @Override
    public Kind kind() {
        return kind;
    }
}
