package io.sluice.migration.datawrangler;

import io.sluice.batch.LegacyJson;
import tools.jackson.databind.JsonNode;

/**
 * One workflow file as read: its id (the file name without {@code .json}) and its JSON, or the
 * reason it could not be read. Prints as the JSON, or the start of the text, for the reject file.
 */
record WorkflowFile(String id, JsonNode json, String fault, String excerpt) {

    static WorkflowFile parsed(String id, JsonNode json) {
        return new WorkflowFile(id, json, null, null);
    }

    static WorkflowFile unreadable(String id, String fault, String excerpt) {
        return new WorkflowFile(id, null, fault, excerpt);
    }

    @Override
    public String toString() {
        return json != null ? LegacyJson.text(json) : excerpt;
    }
}
