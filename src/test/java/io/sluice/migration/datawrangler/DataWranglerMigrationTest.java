package io.sluice.migration.datawrangler;

import io.sluice.batch.RejectFile;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.sluice.migration.datawrangler.DataWranglerStore.aStoreIn;
import static io.sluice.migration.datawrangler.DataWranglerStore.workflowJson;
import static org.assertj.core.api.Assertions.assertThat;

class DataWranglerMigrationTest {

    private static final Pattern EXECUTION = Pattern.compile("Execution (\\d+) of migrate");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    static List<TestDatabase> databases() {
        return TestDatabase.both().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void both_catalogues_are_merged_by_id_with_the_tags_of_the_index(TestDatabase db) throws Exception {
        // given
        Path store = aStoreIn(temp.resolve("data"))
                .dataset("""
                        {"id": "a", "name": "Sales (newer here)", "description": "from the array", "file_path": "samples/a.csv",
                         "metadata": {"rows": 2000, "format": "csv"}, "created_at": "2025-02-11T09:30:00",
                         "updated_at": "2025-02-12T10:00:00.123456"}""")
                .dataset("""
                        {"id": "b", "name": "Old name", "description": null, "file_path": "samples/b.csv",
                         "metadata": {}, "created_at": "2025-02-10T09:30:00Z", "updated_at": "2025-02-11T00:00:00Z"}""")
                .indexed("a", """
                        {"id": "a", "name": "Sales (older here)", "description": "from the index", "file_path": "samples/a.csv",
                         "tags": ["sales", "finance"], "source": "upload",
                         "metadata": {"file_name": "a.csv", "rows": 1999}, "indexed_at": "2025-02-12T10:00:00",
                         "updated_at": "2025-02-12T10:00:00"}""")
                .indexed("b", """
                        {"id": "b", "name": "New name", "description": "described in the index", "tags": ["finance"],
                         "source": "upload", "indexed_at": "2025-02-13T08:00:00+01:00", "updated_at": "2025-02-13T08:00:00+01:00"}""")
                .indexed("c", """
                        {"name": "Kaggle Titanic", "file_path": "kaggle/titanic/train.csv", "tags": ["kaggle"], "source": "kaggle",
                         "indexed_at": "2025-02-13T08:00:00", "updated_at": "2025-02-13T08:00:00"}""")
                .write();

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.count(db, "datasets")).isEqualTo(3);
        assertThat(Rows.count(db, "tags")).isEqualTo(3);
        Map<String, Object> a = dataset(db, "a");
        assertThat(a).containsEntry("name", "Sales (newer here)").containsEntry("description", "from the array")
                .containsEntry("source", "upload");
        JsonNode metadata = JSON.readTree(String.valueOf(a.get("meta_data")));
        assertThat(metadata.get("rows").asInt()).as("the newer catalogue wins a shared key").isEqualTo(2000);
        assertThat(metadata.get("file_name").asString()).isEqualTo("a.csv");
        assertThat(metadata.get("format").asString()).isEqualTo("csv");
        assertThat(dataset(db, "b")).containsEntry("name", "New name").containsEntry("description", "described in the index")
                .containsEntry("file_path", "samples/b.csv");
        assertThat(dataset(db, "c")).containsEntry("name", "Kaggle Titanic").containsEntry("source", "kaggle");
        assertThat(tagsOf(db, "a")).containsExactly("finance", "sales");
        assertThat(tagsOf(db, "b")).containsExactly("finance");
        assertThat(tagsOf(db, "c")).containsExactly("kaggle");
        assertThat(Rows.query(db, "SELECT updated_at, created_at FROM datasets WHERE id = 'b'").get(0).get("updated_at").toString())
                .as("the latest updated_at, in UTC").contains("2025-02-13").contains("07:00");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void workflows_with_reused_node_ids_edges_without_id_bare_nodes_and_cycles_land_whole(TestDatabase db) throws Exception {
        // given
        Path store = aStoreIn(temp.resolve("data"))
                .dataset("""
                        {"id": "ds-1", "name": "Sales", "created_at": "2025-02-11T09:30:00", "updated_at": "2025-02-11T09:30:00"}""")
                .workflow("wf-chart", workflowJson("Chart", "ds-1", """
                        [{"id": "node-1", "type": "dataSource", "position": {"x": 0, "y": 0}, "data": {"datasetId": "ds-1"}},
                         {"id": "node-2", "type": "transform", "position": {"x": 200, "y": 0}, "data": {"operation": "groupBy"}},
                         {"id": "node-3", "data": {"label": "note"}}]""", """
                        [{"source": "node-1", "target": "node-2"},
                         {"id": "e2", "source": "node-2", "target": "node-3", "sourceHandle": "out", "targetHandle": "in"}]"""))
                .workflow("wf-old", workflowJson("Old positions", "ds-1", """
                        [{"id": "node-1", "type": "dataSource", "position_x": 100, "position_y": 50.5, "data": {}},
                         {"id": "node-2", "type": "output", "position_x": 300, "position_y": 50.5}]""", """
                        [{"id": "edge-1", "source": "node-1", "target": "node-2", "sourceHandle": null, "type": "default"}]"""))
                .workflow("wf-loop", workflowJson("Loop", null, """
                        [{"id": "x", "type": "filter", "position": {"x": 0, "y": 0}, "data": {}},
                         {"id": "y", "type": "filter", "position": {"x": 1, "y": 0}, "data": {}}]""", """
                        [{"id": "xy", "source": "x", "target": "y"}, {"id": "yx", "source": "y", "target": "x"}]"""))
                .write();

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.count(db, "workflows")).isEqualTo(3);
        assertThat(Rows.count(db, "workflow_nodes")).isEqualTo(7);
        assertThat(Rows.count(db, "workflow_edges")).isEqualTo(5);
        assertThat(Rows.query(db, "SELECT id FROM workflow_nodes WHERE id = 'node-1'")).hasSize(2);
        assertThat(Rows.query(db, "SELECT id FROM workflow_edges WHERE workflow_id = 'wf-chart' ORDER BY id"))
                .extracting(row -> row.get("id")).containsExactly("e2", "reactflow__edge-node-1-node-2");
        Map<String, Object> bare = Rows.query(db, "SELECT * FROM workflow_nodes WHERE workflow_id = 'wf-chart' AND id = 'node-3'").get(0);
        assertThat(bare.get("type")).isNull();
        assertThat(bare.get("position_x")).isNull();
        assertThat(bare.get("position_y")).isNull();
        Map<String, Object> old = Rows.query(db, "SELECT * FROM workflow_nodes WHERE workflow_id = 'wf-old' AND id = 'node-2'").get(0);
        assertThat(((Number) old.get("position_x")).doubleValue()).isEqualTo(300.0);
        assertThat(((Number) old.get("position_y")).doubleValue()).isEqualTo(50.5);
        assertThat(old.get("data")).isNull();
        Map<String, Object> chart = Rows.query(db, "SELECT * FROM workflows WHERE id = 'wf-chart'").get(0);
        assertThat(chart).containsEntry("dataset_id", "ds-1").containsEntry("name", "Chart").containsEntry("is_ai_generated", false);
        assertThat(chart.get("dangling_dataset_id")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_second_run_changes_nothing_and_a_grown_store_changes_only_what_changed(TestDatabase db) throws Exception {
        // given
        DataWranglerStore builder = aStoreIn(temp.resolve("data"))
                .dataset("""
                        {"id": "ds-1", "name": "Sales", "metadata": {"size": 1e2, "ratio": 0.10}, "updated_at": "2025-02-11T09:30:00"}""")
                .indexed("ds-1", """
                        {"id": "ds-1", "name": "Sales", "tags": ["sales"], "source": "upload", "updated_at": "2025-02-11T09:30:00"}""")
                .workflow("wf-1", workflowJson("One", "ds-1", """
                        [{"id": "a", "type": "filter", "position": {"x": 1.5, "y": 2}, "data": {"value": 5.0, "big": 12345678901234567890}},
                         {"id": "b", "type": "output"}]""", """
                        [{"source": "a", "target": "b"}]"""));
        Path store = builder.write();
        Sluice sluice = new Sluice(db);
        assertThat(sluice.run("migrate", store.toString()).exitCode()).isZero();

        // when
        Sluice.Result again = sluice.run("migrate", store.toString());

        // then
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(again.out()).contains("inserted 0, updated 0, unchanged 3, rejected 0");

        // when the store grows: a new dataset, a changed workflow
        builder.dataset("""
                        {"id": "ds-2", "name": "Customers", "updated_at": "2025-03-01T00:00:00"}""")
                .workflow("wf-1", workflowJson("One, renamed", "ds-2", """
                        [{"id": "a", "type": "filter", "position": {"x": 1.5, "y": 2}, "data": {}}]""", "[]"))
                .write();
        Sluice.Result grown = sluice.run("migrate", store.toString());

        // then
        assertThat(grown.exitCode()).as(grown.out() + grown.err()).isZero();
        assertThat(grown.out()).contains("inserted 1, updated 1, unchanged 2, rejected 0");
        assertThat(Rows.count(db, "workflow_nodes")).isEqualTo(1);
        assertThat(Rows.count(db, "workflow_edges")).isZero();
        assertThat(Rows.query(db, "SELECT name, dataset_id FROM workflows").get(0))
                .containsEntry("name", "One, renamed").containsEntry("dataset_id", "ds-2");
        assertThat(tagsOf(db, "ds-1")).containsExactly("sales");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void bad_records_go_to_the_reject_file_with_file_and_location_and_the_good_ones_land(TestDatabase db) throws Exception {
        // given
        Path store = aStoreIn(temp.resolve("data"))
                .dataset("""
                        {"id": "good", "name": "Good", "updated_at": "2025-02-11T09:30:00"}""")
                .dataset("""
                        {"name": "No id"}""")
                .dataset("""
                        {"id": "no-name"}""")
                .dataset("""
                        {"id": "typed", "name": 42}""")
                .dataset("""
                        {"id": "bad-time", "name": "Bad time", "updated_at": "yesterday"}""")
                .indexed("good", """
                        {"id": "good", "name": "Good", "tags": "not-a-list"}""")
                .indexed("other", """
                        {"id": "not-other", "name": "Mislabelled"}""")
                .workflow("broken", "{\"name\": \"Broken\",\n  \"nodes\": [ {\"id\": \"a\"} \n")
                .workflow("partly", workflowJson("Partly", "good", """
                        [{"id": "a", "type": "filter"}, {"id": "b", "type": "output"}, {"id": "a", "type": "copy"},
                         {"type": "no id"}, {"id": "c", "position": "left"}]""", """
                        [{"id": "ab", "source": "a", "target": "b"}, {"id": "az", "source": "a", "target": "zz"}, {"id": "ab", "source": "b", "target": "a"}]"""))
                .workflow("nameless", "{\"nodes\": []}")
                .write();

        // when
        Sluice.Result result = new Sluice(db).run("migrate", store.toString(), "--fail-on-rejects");

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(3);
        assertThat(Rows.query(db, "SELECT id FROM datasets")).extracting(row -> row.get("id")).containsExactly("good");
        assertThat(Rows.query(db, "SELECT id FROM workflows")).extracting(row -> row.get("id")).containsExactly("partly");
        assertThat(Rows.query(db, "SELECT id, type FROM workflow_nodes ORDER BY id"))
                .extracting(row -> row.get("id") + ":" + row.get("type")).containsExactly("a:filter", "b:output");
        assertThat(Rows.query(db, "SELECT id FROM workflow_edges")).extracting(row -> row.get("id")).containsExactly("ab");

        List<JsonNode> rejects = rejects(db, result);
        assertThat(rejects).extracting(line -> line.get("file").asString() + " " + line.get("location").asString())
                .containsExactlyInAnyOrder(
                        "datasets.json /1 (line 3)",
                        "datasets.json /2 (line 4)",
                        "datasets.json /3 (line 5)",
                        "datasets.json /4 (line 6)",
                        "index/datasets.json /datasets/good (line 3)",
                        "index/datasets.json /datasets/other (line 4)",
                        "workflows/broken.json line 3, column 1",
                        "workflows/partly.json /nodes/2",
                        "workflows/partly.json /nodes/3",
                        "workflows/partly.json /nodes/4",
                        "workflows/partly.json /edges/1",
                        "workflows/partly.json /edges/2",
                        "workflows/nameless.json /");
        assertThat(rejects).extracting(line -> line.get("reason").asString())
                .anyMatch(reason -> reason.startsWith("missing id"))
                .anyMatch(reason -> reason.startsWith("missing name"))
                .anyMatch(reason -> reason.startsWith("name must be text"))
                .anyMatch(reason -> reason.contains("is not a timestamp"))
                .anyMatch(reason -> reason.startsWith("tags must be a JSON array"))
                .anyMatch(reason -> reason.contains("differs from its key"))
                .anyMatch(reason -> reason.startsWith("not valid JSON"))
                .anyMatch(reason -> reason.startsWith("duplicate node id 'a'"))
                .anyMatch(reason -> reason.startsWith("node without id"))
                .anyMatch(reason -> reason.startsWith("position must be a JSON object"))
                .anyMatch(reason -> reason.contains("points at node 'zz'"))
                .anyMatch(reason -> reason.startsWith("duplicate edge id 'ab'"));
        assertThat(rejects).allSatisfy(line -> assertThat(line.get("raw").isNull()).isFalse());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_workflow_whose_dataset_is_missing_keeps_the_id_aside_until_the_dataset_arrives(TestDatabase db) throws Exception {
        // given
        DataWranglerStore builder = aStoreIn(temp.resolve("data"))
                .workflow("orphan", workflowJson("Orphan", "gone", "[{\"id\": \"a\"}]", "[]"));
        Path store = builder.write();
        Sluice sluice = new Sluice(db);

        // when
        Sluice.Result result = sluice.run("migrate", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        Map<String, Object> orphan = Rows.query(db, "SELECT dataset_id, dangling_dataset_id FROM workflows WHERE id = 'orphan'").get(0);
        assertThat(orphan.get("dataset_id")).isNull();
        assertThat(orphan.get("dangling_dataset_id")).isEqualTo("gone");
        String show = sluice.run("show", executionId(result)).out();
        assertThat(show).contains("workflows with a dangling dataset_id: 1");

        // when the dataset arrives
        builder.dataset("""
                {"id": "gone", "name": "Back again"}""").write();
        Sluice.Result linked = sluice.run("migrate", store.toString());

        // then
        assertThat(linked.exitCode()).as(linked.out() + linked.err()).isZero();
        Map<String, Object> found = Rows.query(db, "SELECT dataset_id, dangling_dataset_id FROM workflows WHERE id = 'orphan'").get(0);
        assertThat(found.get("dataset_id")).isEqualTo("gone");
        assertThat(found.get("dangling_dataset_id")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_dry_run_reports_what_would_change_and_leaves_the_database_as_it_was(TestDatabase db) throws Exception {
        // given
        Path store = aStoreIn(temp.resolve("data"))
                .dataset("""
                        {"id": "ds-1", "name": "Sales"}""")
                .indexed("ds-1", """
                        {"id": "ds-1", "name": "Sales", "tags": ["sales"]}""")
                .workflow("wf-1", workflowJson("One", "ds-1", "[{\"id\": \"a\"}, {\"id\": \"b\"}]", "[{\"source\": \"a\", \"target\": \"b\"}]"))
                .write();

        // when
        Sluice.Result result = new Sluice(db).run("migrate", "--dry-run", store.toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(result.out()).as("the index step cannot see the rolled-back rows of the first: ds-1 counts twice")
                .contains("would insert 3, would update 0");
        for (String table : List.of("datasets", "tags", "dataset_tags", "workflows", "workflow_nodes", "workflow_edges")) {
            assertThat(Rows.count(db, table)).as(table).isZero();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void the_real_fixture_store_lands_whole_and_a_second_run_changes_nothing(TestDatabase db) throws Exception {
        // given
        Path fixture = Path.of("..", "shared", "fixtures", "data-wrangler").toAbsolutePath().normalize();
        Assumptions.assumeTrue(Files.isDirectory(fixture), "the shared fixtures are not beside the project");
        Sluice sluice = new Sluice(db);

        for (int run = 1; run <= 2; run++) {
            // when
            Sluice.Result result = sluice.run("migrate", fixture.toString());

            // then
            assertThat(result.exitCode()).as("run " + run + ": " + result.out() + result.err()).isZero();
            assertThat(Rows.count(db, "datasets")).isEqualTo(4);
            assertThat(Rows.count(db, "tags")).isEqualTo(4);
            assertThat(Rows.count(db, "workflows")).isEqualTo(4);
            assertThat(Rows.count(db, "workflow_nodes")).isEqualTo(13);
            assertThat(Rows.count(db, "workflow_edges")).isEqualTo(9);
            if (run == 2) {
                assertThat(result.out()).contains("inserted 0, updated 0");
            }
        }
    }

    private static Map<String, Object> dataset(TestDatabase db, String id) throws Exception {
        return Rows.query(db, "SELECT * FROM datasets WHERE id = '" + id + "'").get(0);
    }

    private static List<Object> tagsOf(TestDatabase db, String id) throws Exception {
        return Rows.query(db, "SELECT t.name FROM dataset_tags dt JOIN tags t ON t.id = dt.tag_id WHERE dt.dataset_id = '"
                + id + "' ORDER BY t.name").stream().map(row -> row.get("name")).toList();
    }

    private static String executionId(Sluice.Result result) {
        Matcher matcher = EXECUTION.matcher(result.out());
        assertThat(matcher.find()).as(result.out()).isTrue();
        return matcher.group(1);
    }

    private static List<JsonNode> rejects(TestDatabase db, Sluice.Result result) throws IOException {
        Path file = RejectFile.pathFor(db.dataDir(), Long.parseLong(executionId(result)));
        return Files.readAllLines(file).stream().map(JSON::readTree).toList();
    }
}
