package io.sluice.workflow;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The datasets a Data Wrangler data folder lists itself, for a workflow file run from that folder before
 * the folder was migrated: {@code datasets.json} (an array of datasets) and {@code index/datasets.json}
 * ({@code {"datasets": {ID: dataset}}}), the two catalogues Data Wrangler keeps, read as the migration
 * reads them (a dataset in both is the index's). Each dataset's {@code file_path} is relative to the folder.
 */
final class DataFolderDatasets {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private DataFolderDatasets() {
    }

    /**
     * The dataset {@code id} of the data folder {@code folder}; empty when neither catalogue lists it (or
     * the folder has none, or a catalogue is not JSON: the caller says the dataset does not exist).
     */
    static Optional<WorkflowResources.Dataset> find(Path folder, String id) {
        JsonNode found = null;
        JsonNode index = read(folder.resolve("index").resolve("datasets.json"));
        if (index != null && index.path("datasets").path(id).isObject()) {
            found = index.path("datasets").path(id);
        }
        JsonNode list = found == null ? read(folder.resolve("datasets.json")) : null;
        if (list != null && list.isArray()) {
            for (JsonNode dataset : list) {
                if (id.equals(dataset.path("id").asString(null))) {
                    found = dataset;
                }
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (found.path("metadata").isObject()) {
            JSON.convertValue(found.path("metadata"), Map.class).forEach((key, value) -> metadata.put(String.valueOf(key), value));
        }
        return Optional.of(new WorkflowResources.Dataset(id, found.path("name").asString(id), found.path("file_path").asString(null),
                found.path("source").asString(null), metadata));
    }

    private static JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (JacksonException e) {
            return null;
        }
    }
}
