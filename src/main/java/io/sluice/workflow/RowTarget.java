package io.sluice.workflow;

/**
 * Where an export node's rows end up, published when its step completes: a file ({@link Export}: CSV,
 * JSON, JSON Lines) or a database table ({@link TableExport}).
 */
sealed interface RowTarget permits Export, TableExport {

    /** What it is, for messages: a file's path, or {@code table NAME in DATABASE}. */
    String where();
}
