package io.sluice.migration.dynoai;

import io.sluice.batch.JsonValue;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One DynoAI run as it lands in {@code runs}, with its files for {@code run_files} (sorted by name).
 * JSON columns are {@link JsonValue}s, so that a run read back from the database equals the one read
 * from the store when they mean the same.
 */
record Run(String id, String status, String source, OffsetDateTime createdAt, OffsetDateTime updatedAt,
           String jetstreamId, String currentStage, Integer progressPercent, JsonValue resultsSummary,
           JsonValue errorInfo, String inputFilename, JsonValue configSnapshot, JsonValue jetstreamMetadata,
           List<RunFile> files) {

    /** One output file of a run; size, path and time are known only when the run folder was read. */
    record RunFile(String filename, String fileType, Long sizeBytes, String storagePath, OffsetDateTime createdAt) {
    }
}
