package io.sluice.migration.datawrangler;

import tools.jackson.databind.JsonNode;

/**
 * One entry of a dataset catalogue as read: its key in {@code index/datasets.json} (null in
 * {@code datasets.json}) and its JSON. Prints as the JSON, for the reject file.
 */
record CatalogueEntry(String key, JsonNode json, Dataset.Catalogue catalogue) {

    @Override
    public String toString() {
        return String.valueOf(json);
    }
}
