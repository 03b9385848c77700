package io.sluice.migration.datawrangler;

import io.sluice.batch.LegacyJson;
import io.sluice.batch.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static org.assertj.core.api.Assertions.assertThat;

class CatalogueItemReaderTest {

    @TempDir
    Path temp;

    @Test
    void the_index_streams_its_values_with_their_keys_and_resumes_after_the_last_committed_one() {
        // given
        Path store = aStoreIn(temp)
                .indexed("a", "{\"id\": \"a\", \"name\": \"A\", \"nested\": {\"datasets\": {\"x\": 1}}}")
                .indexed("b/1", "{\"name\": \"B\"}")
                .indexed("c", "{\"id\": \"c\", \"name\": \"C\"}")
                .write();
        ExecutionContext context = new ExecutionContext();
        CatalogueItemReader first = reader(store, Dataset.Catalogue.INDEX);
        first.open(context);
        SourceRecord<CatalogueEntry> a = first.read();
        SourceRecord<CatalogueEntry> b = first.read();
        first.update(context);
        first.close();

        // when
        CatalogueItemReader restarted = reader(store, Dataset.Catalogue.INDEX);
        restarted.open(context);
        List<SourceRecord<CatalogueEntry>> rest = readAll(restarted);

        // then
        assertThat(a.value().key()).isEqualTo("a");
        assertThat(a.location()).isEqualTo("/datasets/a (line 3)");
        assertThat(b.value().key()).isEqualTo("b/1");
        assertThat(b.location()).isEqualTo("/datasets/b~11 (line 4)");
        assertThat(b.value().json().get("name").asString()).isEqualTo("B");
        assertThat(rest).hasSize(1);
        assertThat(rest.get(0).value().key()).isEqualTo("c");
        assertThat(rest.get(0).location()).isEqualTo("/datasets/c (line 5)");
        assertThat(rest.get(0).value().json().get("name").asString()).isEqualTo("C");
    }

    @Test
    void the_datasets_array_resumes_after_the_last_committed_element_without_keys() {
        // given
        Path store = aStoreIn(temp)
                .dataset("{\"id\": \"a\", \"name\": \"A\"}")
                .dataset("{\"id\": \"b\", \"name\": \"B\"}")
                .write();
        ExecutionContext context = new ExecutionContext();
        CatalogueItemReader first = reader(store, Dataset.Catalogue.DATASETS);
        first.open(context);
        SourceRecord<CatalogueEntry> a = first.read();
        first.update(context);
        first.close();

        // when
        CatalogueItemReader restarted = reader(store, Dataset.Catalogue.DATASETS);
        restarted.open(context);
        List<SourceRecord<CatalogueEntry>> rest = readAll(restarted);

        // then
        assertThat(a.value().key()).isNull();
        assertThat(a.location()).isEqualTo("/0 (line 2)");
        assertThat(rest).extracting(record -> record.value().json().get("id").asString()).containsExactly("b");
        assertThat(rest.get(0).location()).isEqualTo("/1 (line 3)");
    }

    @Test
    void a_store_without_catalogues_reads_nothing() {
        // given
        CatalogueItemReader reader = reader(temp, Dataset.Catalogue.INDEX);

        // when
        reader.open(new ExecutionContext());

        // then
        assertThat(reader.read()).isNull();
    }

    private static CatalogueItemReader reader(Path store, Dataset.Catalogue catalogue) {
        return new CatalogueItemReader("test.reader", store, catalogue, null, LegacyJson.mapper());
    }

    private static List<SourceRecord<CatalogueEntry>> readAll(CatalogueItemReader reader) {
        List<SourceRecord<CatalogueEntry>> all = new ArrayList<>();
        for (SourceRecord<CatalogueEntry> record = reader.read(); record != null; record = reader.read()) {
            all.add(record);
        }
        reader.close();
        return all;
    }
}
