package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonValue;

import java.time.OffsetDateTime;
import java.util.List;

/**
 * One Data Wrangler dataset as it lands in {@code datasets}, with its tag names for
 * {@code dataset_tags} (sorted, distinct).
 *
 * @param catalogue the catalogue it was read from; null for a row read back from the database
 */
record Dataset(String id, String name, String description, String filePath, String source, JsonValue metadata,
               OffsetDateTime createdAt, OffsetDateTime updatedAt, OffsetDateTime indexedAt, List<String> tags,
               Catalogue catalogue) {

    /** The two catalogues of a Data Wrangler store; both list datasets, and may list the same id. */
    enum Catalogue {
        /** {@code datasets.json}: an array, no tags, source or indexed_at. */
        DATASETS("datasets.json"),
        /** {@code index/datasets.json}: an object keyed by id, the richer one. */
        INDEX("index/datasets.json");

        private final String file;

        Catalogue(String file) {
            this.file = file;
        }

        String file() {
            return file;
        }
    }

    /** The same dataset as a stored row would read back (no catalogue), for comparison. */
    Dataset asRow() {
        return new Dataset(id, name, description, filePath, source, metadata, createdAt, updatedAt, indexedAt, tags, null);
    }
}
