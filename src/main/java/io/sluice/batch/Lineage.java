package io.sluice.batch;

import java.util.List;

/**
 * What a job execution reads and writes, as OpenLineage names datasets (its naming conventions:
 * {@code file} and an absolute path for a local file; {@code postgres://HOST:PORT} and
 * {@code DATABASE.SCHEMA.TABLE} for a PostgreSQL table; {@code mysql://HOST:PORT} and {@code DATABASE.TABLE}).
 *
 * @param inputs  the datasets it reads
 * @param outputs the datasets it writes
 * @param name    the name of what this execution runs when its job runs many different things (a workflow's name),
 *                or null: its OpenLineage job is then {@code JOB.NAME} ({@code workflow.sales-summary}), else the job's name
 */
public record Lineage(List<Dataset> inputs, List<Dataset> outputs, String name) {

    /** No datasets known. */
    public static final Lineage NONE = new Lineage(List.of(), List.of());

    public Lineage {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        name = name == null || name.isBlank() ? null : name.strip();
    }

    /** The datasets of a job that always runs the same thing. */
    public Lineage(List<Dataset> inputs, List<Dataset> outputs) {
        this(inputs, outputs, null);
    }

    /** One dataset: its namespace (where it lives) and its name in that namespace. */
    public record Dataset(String namespace, String name) {

        /** A local file or folder, by its absolute path. */
        public static Dataset file(java.nio.file.Path path) {
            return new Dataset("file", path.toAbsolutePath().normalize().toString());
        }
    }
}
