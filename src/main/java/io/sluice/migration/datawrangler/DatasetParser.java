package io.sluice.migration.datawrangler;

import io.sluice.batch.InvalidRecordException;
import io.sluice.batch.JsonFields;
import io.sluice.batch.StorableValues;
import tools.jackson.databind.JsonNode;

import java.util.List;
import java.util.TreeSet;

/**
 * Validates one dataset entry of either catalogue and maps it to a {@link Dataset}; anything the
 * {@code datasets} and {@code tags} tables cannot hold is an {@link InvalidRecordException}.
 */
final class DatasetParser {

    private DatasetParser() {
    }

    /**
     * @param key the entry's key in {@code index/datasets.json}, null for {@code datasets.json}: an
     *            index entry without an id takes its key; one whose id differs from its key is rejected
     */
    static Dataset parse(JsonNode entry, String key, Dataset.Catalogue catalogue) {
        if (entry == null || !entry.isObject()) {
            throw new InvalidRecordException("a dataset must be a JSON object");
        }
        String id = JsonFields.optionalId(entry, "id", 64);
        if (key != null) {
            if (id == null) {
                id = key;
            } else if (!id.equals(key)) {
                throw new InvalidRecordException("id '" + id + "' differs from its key '" + JsonFields.abbreviate(key) + "' in the index");
            }
            if (id.length() > 64) {
                throw new InvalidRecordException("the key '" + JsonFields.abbreviate(key) + "' is longer than 64 characters");
            }
        }
        if (id == null) {
            throw new InvalidRecordException("missing id");
        }
        boolean index = catalogue == Dataset.Catalogue.INDEX;
        return new Dataset(id,
                JsonFields.requiredText(entry, "name", 255),
                JsonFields.optionalText(entry, "description", Integer.MAX_VALUE),
                JsonFields.optionalText(entry, "file_path", Integer.MAX_VALUE),
                index ? JsonFields.optionalText(entry, "source", 20) : null,
                JsonFields.optionalObject(entry, "metadata"),
                JsonFields.optionalTimestamp(entry, "created_at"),
                JsonFields.optionalTimestamp(entry, "updated_at"),
                index ? JsonFields.optionalTimestamp(entry, "indexed_at") : null,
                index ? tags(entry) : List.of(),
                catalogue);
    }

    private static List<String> tags(JsonNode entry) {
        JsonNode tags = JsonFields.optionalArray(entry, "tags");
        TreeSet<String> names = new TreeSet<>();
        if (tags != null) {
            for (JsonNode tag : tags) {
                if (!tag.isString() || tag.asString().isBlank() || tag.asString().length() > 100) {
                    throw new InvalidRecordException("tags holds " + JsonFields.abbreviate(tag) + ", not a tag name of at most 100 characters");
                }
                names.add(StorableValues.text("tags", tag.asString()));
            }
        }
        return List.copyOf(names);
    }
}
