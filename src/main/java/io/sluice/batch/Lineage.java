package io.sluice.batch;

import java.util.List;

/**
 * What a job execution reads and writes, as OpenLineage names datasets (its naming conventions:
 * {@code file} and an absolute path for a local file; {@code postgres://HOST:PORT} and
 * {@code DATABASE.SCHEMA.TABLE} for a PostgreSQL table; {@code mysql://HOST:PORT} and {@code DATABASE.TABLE}).
 *
 * @param inputs  the datasets it reads
 * @param outputs the datasets it writes
 */
public record Lineage(List<Dataset> inputs, List<Dataset> outputs) {

    /** No datasets known. */
    public static final Lineage NONE = new Lineage(List.of(), List.of());

    public Lineage {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** One dataset: its namespace (where it lives) and its name in that namespace. */
    public record Dataset(String namespace, String name) {

        /** A local file or folder, by its absolute path. */
        public static Dataset file(java.nio.file.Path path) {
            return new Dataset("file", path.toAbsolutePath().normalize().toString());
        }
    }
}
