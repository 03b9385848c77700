package io.sluice.migration.dynoai;

import tools.jackson.databind.JsonNode;

import java.time.OffsetDateTime;
import java.util.List;

/** One DynoAI run as it lands in {@code runs}, with its files for {@code run_files} (sorted by name). */
record Run(String id, String status, String source, OffsetDateTime createdAt, OffsetDateTime updatedAt,
           String jetstreamId, String currentStage, Integer progressPercent, JsonNode resultsSummary,
           JsonNode errorInfo, String inputFilename, JsonNode configSnapshot, JsonNode jetstreamMetadata,
           List<RunFile> files) {

    /** One output file of a run; size, path and time are known only when the run folder was read. */
    record RunFile(String filename, String fileType, Long sizeBytes, String storagePath, OffsetDateTime createdAt) {
    }
}
