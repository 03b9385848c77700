package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonValue;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.OffsetDateTime;
import java.util.Comparator;

/**
 * How an entry of one catalogue merges into the stored dataset (which may hold what the other
 * catalogue, or an earlier migration, wrote). The rule:
 * <ul>
 * <li>name, description, file_path: from the newer entry by {@code updated_at}; on a tie the stored
 *     row is kept against {@code datasets.json}, and the index wins; a missing value never erases one;</li>
 * <li>metadata: the two objects merged key by key, the newer one's value winning on a shared key;</li>
 * <li>created_at: the earliest; updated_at: the latest;</li>
 * <li>tags, source, indexed_at: from the index only ({@code datasets.json} has none).</li>
 * </ul>
 * Merging the same entries again gives the same row, so a second migration changes nothing.
 */
final class DatasetMerge {

    private static final Comparator<OffsetDateTime> OLDEST_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());

    private DatasetMerge() {
    }

    static Dataset merge(Dataset stored, Dataset incoming) {
        int newer = OLDEST_FIRST.compare(incoming.updatedAt(), stored.updatedAt());
        boolean fromIndex = incoming.catalogue() == Dataset.Catalogue.INDEX;
        boolean incomingWins = newer > 0 || (newer == 0 && fromIndex);
        Dataset winner = incomingWins ? incoming : stored;
        Dataset loser = incomingWins ? stored : incoming;
        return new Dataset(stored.id(),
                winner.name(),
                first(winner.description(), loser.description()),
                first(winner.filePath(), loser.filePath()),
                fromIndex ? incoming.source() : stored.source(),
                metadata(winner.metadata(), loser.metadata()),
                earliest(stored.createdAt(), incoming.createdAt()),
                newer > 0 ? incoming.updatedAt() : stored.updatedAt(),
                fromIndex ? incoming.indexedAt() : stored.indexedAt(),
                fromIndex ? incoming.tags() : stored.tags(),
                null);
    }

    private static JsonValue metadata(JsonValue winner, JsonValue loser) {
        if (winner == null || loser == null) {
            return winner == null ? loser : winner;
        }
        ObjectNode merged = JsonNodeFactory.instance.objectNode();
        merged.setAll((ObjectNode) loser.tree());
        merged.setAll((ObjectNode) winner.tree());
        return new JsonValue(merged);
    }

    private static OffsetDateTime earliest(OffsetDateTime a, OffsetDateTime b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return a.isBefore(b) ? a : b;
    }

    private static <T> T first(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
