package io.sluice.migration.datawrangler;

import io.sluice.batch.JsonArrayItemReader;
import io.sluice.batch.RejectFiles;
import io.sluice.batch.SourceRecord;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Path;

/**
 * Streams the entries of one dataset catalogue: the array of {@code datasets.json}, or the values of
 * the {@code datasets} object of {@code index/datasets.json} with their keys. A missing file holds no
 * entries. Restart state is the streaming reader's (its name is this reader's name).
 */
class CatalogueItemReader implements ItemStreamReader<SourceRecord<CatalogueEntry>> {

    private final JsonArrayItemReader delegate;
    private final Dataset.Catalogue catalogue;

    /** @param rejects where faults in the file are reported; null to read without reporting (verification) */
    CatalogueItemReader(String name, Path storeRoot, Dataset.Catalogue catalogue, RejectFiles rejects, ObjectMapper mapper) {
        Path file = storeRoot.resolve(catalogue.file());
        this.delegate = catalogue == Dataset.Catalogue.INDEX
                ? JsonArrayItemReader.objectValues(name, file, catalogue.file(), "datasets", rejects, mapper)
                : new JsonArrayItemReader(name, file, catalogue.file(), null, rejects, mapper);
        this.catalogue = catalogue;
    }

    @Override
    public SourceRecord<CatalogueEntry> read() {
        SourceRecord<JsonNode> record = delegate.read();
        if (record == null) {
            return null;
        }
        return new SourceRecord<>(record.file(), record.location(), new CatalogueEntry(delegate.currentKey(), record.value(), catalogue));
    }

    @Override
    public void open(ExecutionContext executionContext) {
        delegate.open(executionContext);
    }

    @Override
    public void update(ExecutionContext executionContext) {
        delegate.update(executionContext);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
