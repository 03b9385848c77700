package io.sluice.migration;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Python tools' own ORM models read the migrated database: for each of their tables, the
 * columns their SQLAlchemy models map are selected the way the ORM selects them (qualified by the
 * table, unquoted), on both databases, after migrating real stores.
 */
class ToolModelColumnsTest {

    /**
     * Table to the columns its model maps, in the model's order, as the tools' code has them.
     * Hamilton's {@code Job} (its own job history) is not migrated and has no table.
     */
    private static final Map<String, List<String>> TOOL_MODELS = models();
    /** The column names above that are SQL keywords. */
    private static final Set<String> SQL_KEYWORDS = Set.of("column", "table");

    private static Map<String, List<String>> models() {
        Map<String, List<String>> models = new LinkedHashMap<>();
        // Data Wrangler, backend/app/models.py
        models.put("datasets", List.of("id", "name", "description", "file_path", "created_at", "updated_at", "meta_data"));
        models.put("workflows", List.of("id", "name", "description", "dataset_id", "template", "created_at", "updated_at",
                "created_by", "is_ai_generated", "meta_data"));
        models.put("workflow_nodes", List.of("id", "workflow_id", "type", "position_x", "position_y", "data"));
        models.put("workflow_edges", List.of("id", "workflow_id", "source", "target", "source_handle", "target_handle", "type"));
        // DynoAI, api/models/run.py
        models.put("runs", List.of("id", "status", "source", "created_at", "updated_at", "completed_at", "jetstream_id",
                "jetstream_status", "current_stage", "progress_percent", "progress_message", "results_summary", "error_info",
                "error_message", "input_filename", "input_size_bytes", "input_rows", "config_snapshot", "peak_hp", "peak_torque",
                "afr_mean", "afr_std", "ve_corrections_count", "ve_max_correction_pct"));
        models.put("run_files", List.of("id", "run_id", "filename", "file_type", "size_bytes", "storage_path", "storage_type",
                "created_at"));
        // Hamilton, backend/app/db/models.py
        models.put("databases", List.of("id", "name", "provider", "host", "port", "database_name", "username", "password",
                "connection_string", "status", "table_count", "schema_json", "sql_content", "created_at", "updated_at",
                "last_connected_at", "description", "tags"));
        models.put("clustering_results", List.of("id", "database_id", "name", "algorithm", "parameters", "applied_finetuning",
                "cluster_count", "clusters", "is_active", "created_at"));
        models.put("concepts", List.of("id", "database_id", "cluster_id", "name", "description", "id_attributes", "conditions",
                "joins", "confirmed", "created_at", "updated_at"));
        models.put("attributes", List.of("id", "concept_id", "name", "column", "table", "data_type", "is_required",
                "static_value", "joins", "created_at"));
        models.put("relationships", List.of("id", "database_id", "from_concept_id", "to_concept_id", "name", "confidence",
                "confirmed", "created_at"));
        return models;
    }

    /** Stores to migrate: the shared real-world fixtures when they are beside the project, and the project's samples. */
    record Stores(String name, List<Path> paths, boolean fillEveryTable) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Arguments> databasesAndStores() {
        Path fixtures = Path.of("..", "shared", "fixtures").toAbsolutePath().normalize();
        Path samples = Path.of("jobs", "samples").toAbsolutePath();
        List<Stores> stores = new ArrayList<>();
        stores.add(new Stores("samples", List.of(samples.resolve("data-wrangler"), samples.resolve("dynoai/runs"),
                samples.resolve("hamilton/hamilton_metadata.db")), true));
        if (Files.isDirectory(fixtures)) {
            // Hamilton's real store has no concepts, attributes or relationships
            stores.add(new Stores("shared fixtures", List.of(fixtures.resolve("data-wrangler"), fixtures.resolve("dynoai/runs"),
                    fixtures.resolve("hamilton/hamilton_metadata.db")), false));
        }
        List<Arguments> arguments = new ArrayList<>();
        for (Stores store : stores) {
            arguments.add(Arguments.of(TestDatabase.hsqldb(), store));
            arguments.add(Arguments.of(TestDatabase.postgres(), store));
        }
        return arguments;
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("databasesAndStores")
    void every_column_the_tools_models_map_is_read_from_the_migrated_database(TestDatabase db, Stores stores) throws Exception {
        // given
        List<String> arguments = new ArrayList<>(List.of("migrate"));
        stores.paths().forEach(path -> arguments.add(path.toString()));
        Sluice.Result migration = new Sluice(db).run(arguments.toArray(String[]::new));
        assertThat(migration.exitCode()).as(migration.out() + migration.err()).isZero();

        for (Map.Entry<String, List<String>> model : TOOL_MODELS.entrySet()) {
            String table = model.getKey();

            // when
            List<Map<String, Object>> rows = Rows.query(db, selectAsTheOrmDoes(table, model.getValue()));

            // then
            assertThat(rows).as(table).hasSize((int) Rows.count(db, table));
            if (stores.fillEveryTable()) {
                assertThat(rows).as(table).isNotEmpty();
            }
            if (!rows.isEmpty()) {
                assertThat(rows.get(0).keySet()).as(table).containsExactlyElementsOf(model.getValue());
            }
            rows.forEach(row -> assertThat(row.get("id")).as(table + ".id").isNotNull());
        }
    }

    /** {@code SELECT t.a, t.b FROM t}, the shape of SQLAlchemy's query for a mapped class: it quotes SQL keywords. */
    private static String selectAsTheOrmDoes(String table, List<String> columns) {
        return columns.stream().map(column -> table + "." + (SQL_KEYWORDS.contains(column) ? '"' + column + '"' : column))
                .collect(Collectors.joining(", ", "SELECT ", " FROM " + table));
    }
}
