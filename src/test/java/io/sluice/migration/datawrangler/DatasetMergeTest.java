package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonValue;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

import java.time.OffsetDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DatasetMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void the_newer_entry_wins_the_common_fields_and_the_index_always_gives_tags_and_source() {
        // given
        Dataset stored = aDataset(Dataset.Catalogue.DATASETS, "Newer", "2025-02-12T10:00:00.123456Z", "{\"rows\": 2000, \"format\": \"csv\"}", List.of())
                .asRow();
        Dataset index = aDataset(Dataset.Catalogue.INDEX, "Older", "2025-02-12T10:00:00Z", "{\"rows\": 1999, \"file_name\": \"a.csv\"}", List.of("sales"));

        // when
        Dataset merged = DatasetMerge.merge(stored, index);

        // then
        assertThat(merged.name()).isEqualTo("Newer");
        assertThat(merged.updatedAt()).isEqualTo(stored.updatedAt());
        assertThat(merged.tags()).containsExactly("sales");
        assertThat(merged.source()).isEqualTo("upload");
        assertThat(merged.metadata().tree().get("rows").asInt()).isEqualTo(2000);
        assertThat(merged.metadata().tree().get("file_name").asString()).isEqualTo("a.csv");
    }

    @Test
    void merging_the_same_entries_again_in_either_order_of_runs_changes_nothing() {
        // given equally new entries that disagree: the index wins the tie
        Dataset array = aDataset(Dataset.Catalogue.DATASETS, "From the array", "2025-02-12T10:00:00Z", "{\"a\": 1}", List.of());
        Dataset index = aDataset(Dataset.Catalogue.INDEX, "From the index", "2025-02-12T10:00:00Z", "{\"a\": 2}", List.of("t"));
        Dataset firstRun = DatasetMerge.merge(array.asRow(), index);

        // when a second migration merges the array entry, then the index entry, into the stored row
        Dataset secondRun = DatasetMerge.merge(DatasetMerge.merge(firstRun, array), index);

        // then
        assertThat(firstRun.name()).isEqualTo("From the index");
        assertThat(DatasetMerge.merge(firstRun, array)).isEqualTo(firstRun);
        assertThat(secondRun).isEqualTo(firstRun);
    }

    private static Dataset aDataset(Dataset.Catalogue catalogue, String name, String updatedAt, String metadata, List<String> tags) {
        boolean index = catalogue == Dataset.Catalogue.INDEX;
        return new Dataset("a", name, null, "samples/a.csv", index ? "upload" : null, new JsonValue(JSON.readTree(metadata)),
                OffsetDateTime.parse("2025-02-11T09:30:00Z"), OffsetDateTime.parse(updatedAt),
                index ? OffsetDateTime.parse(updatedAt) : null, tags, catalogue);
    }
}
