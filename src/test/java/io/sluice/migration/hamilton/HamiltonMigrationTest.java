package io.sluice.migration.hamilton;

import io.sluice.persistence.SecretCipher;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class HamiltonMigrationTest {

    private static final String PASSWORD = "s3cr3t-Pa55";
    private static final List<String> TABLES = List.of("databases", "clustering_results", "concepts", "attributes", "relationships");
    private static final List<String> BATCH_TABLES = List.of("batch_job_execution_params", "batch_job_execution",
            "batch_job_execution_context", "batch_step_execution", "batch_step_execution_context");

    @TempDir
    Path folder;

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_store_migrated_after_an_analysis_keeps_its_ids_clear_of_the_analysis_clustering(TestDatabase db) throws Exception {
        // given a clustering sluice stored (an analysis of a registered database) before the store is migrated
        HamiltonStoreBuilder store = aTypicalStore();
        Sluice sluice = new Sluice(db);
        String analysed = sluice.run("db", "add", "analysed", "--provider", "postgresql", "--host", "127.0.0.1", "--database", "x", "--user", "u")
                .out().strip();
        try (var connection = db.connect(); var statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO clustering_results (database_id, name, algorithm, applied_finetuning,"
                    + " cluster_count, clusters, is_active, created_at) VALUES ('" + analysed + "', 'ours', 'schema-affinity', false, 0,"
                    + " CAST('[]' AS jsonb), true, CURRENT_TIMESTAMP)");
        }

        // when
        Sluice.Result result = sluice.run("migrate", store.file().toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.query(db, "SELECT id, name FROM clustering_results ORDER BY id")).extracting(r -> r.get("id") + " " + r.get("name"))
                .hasSize(3).last().isEqualTo("1000000000 ours");
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void all_five_tables_land_with_decoded_clusters_the_enum_names_hamilton_reads_and_normalised_confidence(TestDatabase db) throws Exception {
        // given
        HamiltonStoreBuilder store = aTypicalStore();
        byte[] before = Files.readAllBytes(store.file());

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.file().toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(counts(db)).containsExactly(1L, 2L, 2L, 2L, 2L);
        Map<String, Object> database = Rows.query(db, "SELECT provider, status, port, table_count FROM databases").get(0);
        assertThat(database).containsEntry("provider", "POSTGRESQL").containsEntry("status", "CONNECTED");
        assertThat(((Number) database.get("port")).intValue()).isEqualTo(5433);
        Map<String, Object> clustering = Rows.query(db, "SELECT clusters, parameters, is_active FROM clustering_results WHERE id = 1").get(0);
        JsonNode clusters = JsonMapper.builder().build().readTree(String.valueOf(clustering.get("clusters")));
        assertThat(clusters.isArray()).isTrue();
        assertThat(clusters.get(0).get("name").asString()).isEqualTo("Cluster 1");
        assertThat(clusters.get(0).get("tables").get(1).asString()).isEqualTo("authors");
        assertThat(clustering.get("parameters")).isNull();
        assertThat(clustering.get("is_active")).isEqualTo(true);
        Map<String, Double> confidence = Rows.query(db, "SELECT id, confidence FROM relationships").stream()
                .collect(Collectors.toMap(row -> (String) row.get("id"), row -> ((Number) row.get("confidence")).doubleValue()));
        assertThat(confidence.get("r_percent")).isCloseTo(0.85, within(1e-9));
        assertThat(confidence.get("r_fraction")).isCloseTo(0.4, within(1e-9));
        assertThat(Rows.query(db, "SELECT column_name, table_name FROM attributes WHERE id = 'a_title'").get(0))
                .containsEntry("column_name", "title").containsEntry("table_name", "papers");
        assertThat(stepMessage(db, "migrate.inspect-hamilton-store")).contains("jobs: 1 rows not migrated, Hamilton's own job history");
        assertThat(stepMessage(db, "migrate.verify-hamilton")).contains("relationships: source 2, target 2, checksum equal");
        try (var connection = db.connect(); var statement = connection.createStatement()) {
            statement.executeUpdate("INSERT INTO clustering_results (database_id, name, algorithm, applied_finetuning,"
                    + " cluster_count, clusters, is_active, created_at) VALUES ('db_a1b2c3d4e5', 'new', 'kmeans', false, 0,"
                    + " CAST('[]' AS jsonb), false, CURRENT_TIMESTAMP)");
        }
        assertThat(ids(db, "clustering_results")).as("new clusterings get ids after the migrated ones, from sluice's own range (V10)")
                .containsExactly(1L, 2L, 1_000_000_000L);
        assertThat(Files.readAllBytes(store.file())).as("the store is opened read-only").isEqualTo(before);
        try (Stream<Path> files = Files.list(folder)) {
            assertThat(files.map(file -> file.getFileName().toString())).containsExactly("hamilton_metadata.db");
        }
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void the_password_is_encrypted_and_appears_nowhere_else(TestDatabase db) throws Exception {
        // given
        String rejectedPassword = "0ther-Secret!";
        HamiltonStoreBuilder store = aTypicalStore()
                .database("db_mongo000001", rejectedPassword, Map.of("provider", "MONGODB", "description", "uses " + rejectedPassword));

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.file().toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        Map<String, Object> row = Rows.query(db, "SELECT password_encrypted, connection_string, sql_content FROM databases").get(0);
        SecretCipher cipher = SecretCipher.configured(null, db.dataDir(), notice -> { });
        assertThat(cipher.decrypt((String) row.get("password_encrypted"))).isEqualTo(PASSWORD);
        assertThat(row.get("connection_string")).isEqualTo("postgresql://appuser@localhost:5433/db_a1b2c3d4e5");
        assertThat((String) row.get("sql_content")).contains("PASSWORD '****'");
        String everything = dump(db, TABLES) + dump(db, BATCH_TABLES) + result.out() + result.err() + rejects(db) + dataFolderText(db);
        assertThat(rejects(db)).contains("databases id=db_mongo000001", "unknown provider 'MONGODB'");
        assertThat(everything).doesNotContain(PASSWORD).doesNotContain(rejectedPassword);
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void json_that_the_database_spells_differently_still_counts_as_unchanged(TestDatabase db) throws Exception {
        // given a schema_json holding -0.0 and 1e2, which PostgreSQL's jsonb gives back as 0.0 and 100
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", PASSWORD, Map.of("schema_json", "{\"tableCount\": 1e2, \"ratio\": -0.0, \"tables\": []}"));
        Sluice sluice = new Sluice(db);
        assertThat(sluice.run("migrate", store.file().toString()).exitCode()).isZero();

        // when
        Sluice.Result second = sluice.run("migrate", store.file().toString());

        // then
        assertThat(second.out()).as(second.out() + second.err()).contains("inserted 0, updated 0, unchanged 1, rejected 0");
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_second_run_over_the_same_store_changes_nothing(TestDatabase db) throws Exception {
        // given
        HamiltonStoreBuilder store = aTypicalStore();
        Sluice sluice = new Sluice(db);
        assertThat(sluice.run("migrate", store.file().toString()).exitCode()).isZero();
        String first = dump(db, TABLES);

        // when
        Sluice.Result second = sluice.run("migrate", store.file().toString());

        // then
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("inserted 0, updated 0, unchanged 9, rejected 0");
        assertThat(dump(db, TABLES)).isEqualTo(first);
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void bad_rows_go_to_the_reject_file_while_the_good_ones_land(TestDatabase db) throws Exception {
        // given
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_ok00000001", PASSWORD, Map.of())
                .database("db_mongo00001", PASSWORD, Map.of("provider", "MONGODB"))
                .database("db_port000001", PASSWORD, Map.of("port", "54x3"))
                .concept("c_ok", "db_ok00000001", Map.of())
                .concept("c_orphan", "db_missing0001", Map.of())
                .concept("c_of_rejected_db", "db_mongo00001", Map.of())
                .attribute("a_ok", "c_ok", Map.of())
                .attribute("a_orphan", "c_missing", Map.of())
                .attribute("a_of_rejected_concept", "c_of_rejected_db", Map.of())
                .relationship("r_ok", "db_ok00000001", "c_ok", "c_ok", 0.9)
                .relationship("r_250", "db_ok00000001", "c_ok", "c_ok", 250)
                .relationship("r_dangling", "db_ok00000001", "c_ok", "c_missing", 0.5);

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.file().toString(), "--fail-on-rejects");

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(3);
        assertThat(ids(db, "databases")).containsExactly("db_ok00000001");
        assertThat(ids(db, "concepts")).containsExactly("c_ok");
        assertThat(ids(db, "attributes")).containsExactly("a_ok");
        assertThat(ids(db, "relationships")).containsExactly("r_ok");
        List<JsonNode> rejects = rejects(db).lines().map(line -> JsonMapper.builder().build().readTree(line)).toList();
        assertThat(rejects).extracting(reject -> reject.get("location").asString()).containsExactlyInAnyOrder(
                "databases id=db_mongo00001", "databases id=db_port000001", "concepts id=c_orphan",
                "concepts id=c_of_rejected_db", "attributes id=a_orphan", "attributes id=a_of_rejected_concept",
                "relationships id=r_250", "relationships id=r_dangling");
        assertThat(rejects).allSatisfy(reject -> assertThat(reject.get("file").asString()).isEqualTo("hamilton_metadata.db"));
        assertThat(reasonAt(rejects, "databases id=db_port000001")).contains("port '54x3'");
        assertThat(reasonAt(rejects, "concepts id=c_orphan")).contains("database_id 'db_missing0001'");
        assertThat(reasonAt(rejects, "relationships id=r_250")).contains("confidence 250");
        assertThat(rejects(db)).doesNotContain(PASSWORD);
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_dry_run_leaves_the_database_unchanged(TestDatabase db) throws Exception {
        // given
        HamiltonStoreBuilder store = aTypicalStore();
        Sluice sluice = new Sluice(db);

        // when
        Sluice.Result dryRun = sluice.run("migrate", "--dry-run", store.file().toString());

        // then
        assertThat(dryRun.exitCode()).as(dryRun.out() + dryRun.err()).isZero();
        assertThat(dryRun.out()).contains("would insert 9");
        assertThat(counts(db)).containsOnly(0L);
        assertThat(db.dataDir().resolve("secret.key")).as("a dry run creates no key").doesNotExist();

        // given a migrated store that has grown since
        assertThat(sluice.run("migrate", store.file().toString()).exitCode()).isZero();
        store.concept("c_new", "db_a1b2c3d4e5", Map.of());
        String migrated = dump(db, TABLES);

        // when
        Sluice.Result again = sluice.run("migrate", "--dry-run", store.file().toString());

        // then
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("would insert 1, would update 0, unchanged 9");
        assertThat(dump(db, TABLES)).isEqualTo(migrated);
    }

    @Test
    void a_file_that_is_not_sqlite_gives_a_clear_error_naming_it() throws IOException {
        // given
        TestDatabase db = TestDatabase.hsqldb();
        Path text = Files.writeString(folder.resolve("notes.db"), "these are my notes, not a database\n");

        // when
        Sluice.Result named = new Sluice(db).run("migrate", "--kind", "hamilton", text.toString());
        Sluice.Result detected = new Sluice(db).run("migrate", text.toString());

        // then
        assertThat(named.exitCode()).isEqualTo(2);
        assertThat(named.err()).contains(text.toString() + ": cannot read it as a SQLite database").doesNotContain("\tat ");
        assertThat(detected.exitCode()).isEqualTo(2);
        assertThat(detected.err()).contains("notes.db: not a store sluice knows");
    }

    @Test
    void a_truncated_sqlite_file_gives_a_clear_error_naming_it() throws IOException {
        // given
        TestDatabase db = TestDatabase.hsqldb();
        HamiltonStoreBuilder store = aTypicalStore();
        byte[] whole = Files.readAllBytes(store.file());
        Path truncated = Files.write(folder.resolve("truncated.db"), java.util.Arrays.copyOf(whole, 4096 + 512));

        // when
        Sluice.Result result = new Sluice(db).run("migrate", truncated.toString());

        // then
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains(truncated.toString() + ": ").containsAnyOf("malformed", "damaged").doesNotContain("\tat ");
    }

    @ParameterizedTest
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void the_real_hamilton_store_migrates_twice_without_its_password(TestDatabase db) throws Exception {
        // given
        Path fixture = Path.of("../shared/fixtures/hamilton/hamilton_metadata.db");
        Assumptions.assumeTrue(Files.isRegularFile(fixture), "the shared fixtures are not here");
        Sluice sluice = new Sluice(db);

        // when
        Sluice.Result first = sluice.run("migrate", fixture.toString());
        Sluice.Result second = sluice.run("migrate", fixture.toString());

        // then
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();
        assertThat(second.out()).contains("inserted 0, updated 0, unchanged 5, rejected 0");
        assertThat(Rows.count(db, "databases")).isEqualTo(1);
        assertThat(Rows.count(db, "clustering_results")).isEqualTo(4);
        assertThat(Rows.query(db, "SELECT clusters FROM clustering_results WHERE id = 4").get(0).get("clusters").toString()).startsWith("[");
        String everything = dump(db, TABLES) + dump(db, BATCH_TABLES) + first.out() + first.err() + second.out() + second.err()
                + dataFolderText(db);
        assertThat(everything).doesNotContain("securepassword");
    }

    // --- helpers ---------------------------------------------------------------------------------

    private HamiltonStoreBuilder aTypicalStore() {
        return aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", PASSWORD, Map.of())
                .clusteringResult(1, "db_a1b2c3d4e5", Map.of())
                .clusteringResult(2, "db_a1b2c3d4e5", Map.of("parameters", "{\"k\": 3}", "is_active", 0))
                .concept("c_paper", "db_a1b2c3d4e5", Map.of())
                .concept("c_author", "db_a1b2c3d4e5", Map.of("cluster_id", 1))
                .attribute("a_title", "c_paper", Map.of())
                .attribute("a_name", "c_author", Map.of("\"column\"", "name", "\"table\"", "authors"))
                .relationship("r_percent", "db_a1b2c3d4e5", "c_paper", "c_author", 85)
                .relationship("r_fraction", "db_a1b2c3d4e5", "c_author", "c_paper", 0.4)
                .job("job_1", "db_a1b2c3d4e5");
    }

    private static List<Long> counts(TestDatabase db) throws SQLException {
        List<Long> counts = new java.util.ArrayList<>();
        for (String table : TABLES) {
            counts.add(Rows.count(db, table));
        }
        return counts;
    }

    private static List<Object> ids(TestDatabase db, String table) throws SQLException {
        return Rows.query(db, "SELECT id FROM " + table + " ORDER BY id").stream().map(row -> row.get("id")).toList();
    }

    /** Every row of the tables, in key order, as text. */
    private static String dump(TestDatabase db, List<String> tables) throws SQLException {
        StringBuilder text = new StringBuilder();
        for (String table : tables) {
            for (Map<String, Object> row : Rows.query(db, "SELECT * FROM " + table)) {
                text.append(table).append(' ').append(new java.util.TreeMap<>(row)).append('\n');
            }
        }
        return text.toString();
    }

    private static String stepMessage(TestDatabase db, String step) throws SQLException {
        return Rows.query(db, "SELECT exit_message FROM batch_step_execution WHERE step_name = '" + step + "' ORDER BY step_execution_id DESC")
                .get(0).get("exit_message").toString();
    }

    private static String rejects(TestDatabase db) {
        try (Stream<Path> files = Files.walk(db.dataDir())) {
            StringBuilder text = new StringBuilder();
            for (Path file : files.filter(path -> path.getFileName().toString().equals("rejects.jsonl")).toList()) {
                text.append(Files.readString(file));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file of the data folder (the embedded database's files, logs, rejects) read as text. */
    private static String dataFolderText(TestDatabase db) {
        try (Stream<Path> files = Files.walk(db.dataDir())) {
            StringBuilder text = new StringBuilder();
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                text.append(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
            }
            return text.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String reasonAt(List<JsonNode> rejects, String location) {
        return rejects.stream().filter(reject -> reject.get("location").asString().equals(location))
                .findFirst().orElseThrow().get("reason").asString();
    }
}
