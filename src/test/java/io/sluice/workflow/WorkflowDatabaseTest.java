package io.sluice.workflow;

import io.sluice.persistence.SecretCipher;
import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registered datasets and databases as workflow sources, and tables as exports, on both sluice
 * databases, with a registered PostgreSQL database (its password encrypted in its {@code databases}
 * row) and a registered SQLite file; expected values are worked out by hand from the rows written here.
 */
class WorkflowDatabaseTest {

    private static final String PASSWORD = "pw-Zq81-never-shown";

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_registered_dataset_is_read_from_its_file_path_relative_to_the_data_folder(TestDatabase database) throws Exception {
        // given a dataset registered with a path relative to the data folder the workflow is in
        Sluice sluice = migrated(database);
        Files.createDirectories(temp.resolve("samples"));
        Files.writeString(temp.resolve("samples/people.jsonl"), """
                {"name": "Alice", "age": 31}
                {"name": "Bob", "age": 17}
                {"name": "Charlie", "age": 45}
                """);
        execute(database, "INSERT INTO datasets (id, name, file_path, source, meta_data) VALUES (?, ?, ?, ?, CAST(? AS jsonb))",
                "ds-people", "people", "samples/people.jsonl", "upload", "{\"file_type\": \"jsonl\"}");
        Path out = temp.resolve("adults.csv");
        Path workflow = workflowFile("adults.json", """
                {"name": "adults", "nodes": [
                  {"id": "people", "type": "dataSource", "data": {"datasetId": "ds-people"}},
                  {"id": "adults", "type": "filter", "data": {"column": "age", "operator": ">=", "value": 18}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "people", "target": "adults"}, {"source": "adults", "target": "out"}]}
                """.formatted(out));

        // when
        Sluice.Result result = sluice.run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly("name,age", "Alice,31", "Charlie,45");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void an_unknown_dataset_is_refused_naming_the_node_and_the_id(TestDatabase database) throws Exception {
        // given
        Sluice sluice = migrated(database);
        Path workflow = workflowFile("missing.json", """
                {"name": "missing", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"dataset_id": "ds-nowhere"}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "out.csv"}}],
                 "edges": [{"source": "src", "target": "out"}]}
                """);

        // when
        Sluice.Result result = sluice.run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.out() + result.err()).contains("node src (data_source) reads the registered dataset 'ds-nowhere', which does not exist");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void an_sql_query_on_a_registered_postgresql_database_reads_typed_rows_and_never_shows_its_password(TestDatabase database) throws Exception {
        // given a registered PostgreSQL database, its password encrypted with the sluice key, holding orders of every type
        Sluice sluice = migrated(database);
        TestDatabase registered = TestDatabase.postgres();
        try (Connection connection = registered.connect(); Statement statement = connection.createStatement()) {
            statement.execute("""
                    CREATE TABLE orders (id bigint PRIMARY KEY, region text, amount numeric(10,2), qty integer, rate double precision,
                                         paid boolean, ordered_on date, ordered_at timestamp, big numeric(12,0))""");
            statement.execute("""
                    INSERT INTO orders VALUES
                      (1, 'EU', 10.50, 2, 0.5, true, '2024-01-31', '2024-01-31 13:45:00', 123456789012),
                      (2, 'US', 99.99, 1, 1.25, false, '2024-02-01', '2024-02-01 08:00:05', NULL),
                      (3, 'EU', 5.00, 7, NULL, NULL, '2024-03-15', '2024-03-15 00:00:00', 42)""");
        }
        registerPostgres(database, "db_0123456789", registered);
        Path out = temp.resolve("eu.csv");
        Path workflow = workflowFile("eu.json", """
                {"name": "eu orders", "nodes": [
                  {"id": "orders", "type": "data_source", "data": {"source_type": "database", "database_id": "db_0123456789",
                     "query": "SELECT id, region, amount, qty * 2 AS qty2, rate, paid, ordered_on, ordered_at, big FROM orders WHERE region = 'EU' ORDER BY id"}},
                  {"id": "cost", "type": "data_transformation", "data": {"transformation_type": "custom_formula", "new_column": "cost", "formula": "qty2 * rate"}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "orders", "target": "cost"}, {"source": "cost", "target": "out"}]}
                """.formatted(out));

        // when
        Sluice.Result result = sluice.run("workflow", "run", "--file", workflow.toString());

        // then integers are whole, numeric(10,2) keeps its digits, dates and timestamps are written as pandas' to_csv writes them, nulls stay null
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(Files.readAllLines(out)).containsExactly(
                "id,region,amount,qty2,rate,paid,ordered_on,ordered_at,big,cost",
                "1,EU,10.50,4,0.5,True,2024-01-31,2024-01-31 13:45:00,123456789012,2.0",
                "3,EU,5.00,14,,,2024-03-15,2024-03-15 00:00:00,42,");
        assertThat(result.out() + result.err()).doesNotContain(PASSWORD);
        assertThat(Rows.query(database, "SELECT * FROM BATCH_JOB_EXECUTION_PARAMS").toString()).doesNotContain(PASSWORD);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void numeric_date_and_timestamp_columns_of_a_postgresql_query_are_decimals_dates_and_timestamps_through_filter_aggregate_and_exports(
            TestDatabase database) throws Exception {
        // given sales with numeric(10,2), date and timestamp columns in a registered PostgreSQL database
        Sluice sluice = migrated(database);
        TestDatabase registered = TestDatabase.postgres();
        try (Connection connection = registered.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE sales (id bigint PRIMARY KEY, region text, amount numeric(10,2), sold_on date, sold_at timestamp)");
            statement.execute("""
                    INSERT INTO sales VALUES
                      (1, 'EU', 10.10, '2024-01-31', '2024-01-31 13:45:00.25'),
                      (2, 'EU', 0.20, '2024-02-01', '2024-02-01 08:00:00'),
                      (3, 'US', 5.00, '2023-12-31', '2023-12-31 23:59:59'),
                      (4, 'EU', NULL, '2024-02-03', NULL),
                      (5, 'US', 0.10, '2024-01-01', '2024-01-01 00:00:00')""");
        }
        registerPostgres(database, "db_sales", registered);
        Path summary = temp.resolve("summary.csv");
        Path workflow = workflowFile("sales.json", """
                {"name": "sales", "nodes": [
                  {"id": "sales", "type": "data_source", "data": {"source_type": "database", "database_id": "db_sales",
                     "query": "SELECT id, region, amount, sold_on, sold_at FROM sales ORDER BY id"}},
                  {"id": "this_year", "type": "filter", "data": {"column": "sold_on", "operator": ">=", "value": "2024-01-01"}},
                  {"id": "agg", "type": "data_transformation", "data": {"transformation_type": "aggregate", "group_columns": ["region"],
                     "aggregation_functions": {"amount": ["sum"], "sold_on": ["min", "max"], "sold_at": ["max"]}}},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}},
                  {"id": "copy", "type": "export", "data": {"export_type": "database", "table_name": "sales_copy"}}],
                 "edges": [{"source": "sales", "target": "this_year"}, {"source": "this_year", "target": "agg"}, {"source": "agg", "target": "out"},
                           {"source": "sales", "target": "copy"}]}
                """.formatted(summary));

        // when
        Sluice.Result result = sluice.run("workflow", "run", "--file", workflow.toString());

        // then by hand: from 2024 on, EU has 10.10 + 0.20 (and a null) = 10.30 exactly, days 2024-01-31..2024-02-03;
        // US has 0.10 of 2024-01-01 (its 2023 sale is filtered out)
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Files.readAllLines(summary)).containsExactly(
                "region,amount_sum,sold_on_min,sold_on_max,sold_at_max",
                "EU,10.30,2024-01-31,2024-02-03,2024-02-01 08:00:00",
                "US,0.10,2024-01-01,2024-01-01,2024-01-01 00:00:00");
        // the copy in sluice's database has NUMERIC, DATE and TIMESTAMP columns holding the same values
        List<Map<String, Object>> copied = Rows.query(database, "SELECT \"amount\", \"sold_on\", \"sold_at\" FROM \"sales_copy\" ORDER BY \"id\"");
        assertThat(copied).hasSize(5);
        assertThat(((java.math.BigDecimal) copied.get(0).get("amount")).compareTo(new java.math.BigDecimal("10.10"))).isZero();
        assertThat(copied.get(3).get("amount")).isNull();
        assertThat(copied.get(0).get("sold_on").toString()).isEqualTo("2024-01-31");
        assertThat(copied.get(0).get("sold_at").toString()).startsWith("2024-01-31 13:45:00.25");
        assertThat(copied.get(3).get("sold_at")).isNull();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_query_runs_read_only_and_a_dead_database_fails_the_run_with_one_line(TestDatabase database) throws Exception {
        // given a registered database whose query writes, and one that does not answer
        Sluice sluice = migrated(database);
        TestDatabase registered = TestDatabase.postgres();
        try (Connection connection = registered.connect(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (id bigint)");
            statement.execute("INSERT INTO kept VALUES (1)");
        }
        registerPostgres(database, "db_writable", registered);
        execute(database, """
                INSERT INTO databases (id, name, provider, host, port, database_name, username, password_encrypted, status, table_count, created_at, updated_at)
                VALUES ('db_dead', 'dead', 'POSTGRESQL', '127.0.0.1', 1, 'none', 'postgres', NULL, 'FAILED', 0, ?, ?)""", now(), now());
        Path writes = workflowFile("writes.json", sourceToCsv("{\"database_id\": \"db_writable\", \"query\": \"DELETE FROM kept RETURNING id\"}"));
        Path dead = workflowFile("dead.json", sourceToCsv("{\"database_id\": \"db_dead\", \"query\": \"SELECT 1 AS one\"}"));

        // when
        Sluice.Result writing = sluice.run("workflow", "run", "--file", writes.toString());
        Sluice.Result unreachable = sluice.run("workflow", "run", "--file", dead.toString());

        // then
        assertThat(writing.exitCode()).isNotZero();
        assertThat(writing.out() + writing.err()).contains("the query on registered database db_writable")
                .contains("cannot execute DELETE in a read-only transaction");
        try (Connection connection = registered.connect(); Statement statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT count(*) FROM kept")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
        assertThat(unreachable.exitCode()).isNotZero();
        assertThat(unreachable.out() + unreachable.err()).contains("node src (data_source) cannot read registered database db_dead (POSTGRESQL 127.0.0.1:1/none)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_table_export_fails_replaces_or_appends_as_if_exists_says(TestDatabase database) throws Exception {
        // given a table of the sluice database read by a workflow that exports into another table
        Sluice sluice = migrated(database);
        execute(database, "CREATE TABLE \"scores\" (\"id\" BIGINT PRIMARY KEY, \"who\" VARCHAR(20), \"score\" DOUBLE PRECISION, \"ok\" BOOLEAN)");
        execute(database, "INSERT INTO \"scores\" VALUES (2, 'bo', 1.5, FALSE), (1, 'al', 2.25, TRUE), (3, NULL, NULL, NULL)");

        // when first exported (fail: the table is missing, so it is created)
        Sluice.Result created = sluice.run("workflow", "run", "--file", tableExport("fail").toString());

        // then the rows are there, in the table's key order, typed from the schema
        assertThat(created.exitCode()).as(created.err()).isZero();
        List<String> once = List.of("1|al|2.25|true", "2|bo|1.5|false", "3|null|null|null");
        assertThat(exported(database)).containsExactlyElementsOf(once);

        // when exported again with fail: refused before launch, naming the node
        Sluice.Result refused = sluice.run("workflow", "run", "--file", tableExport("fail").toString());
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.out() + refused.err()).contains("node out (export) writes the table scores_copy").contains("if_exists is fail");
        assertThat(exported(database)).containsExactlyElementsOf(once);

        // when replaced, then appended
        Sluice.Result replaced = sluice.run("workflow", "run", "--file", tableExport("replace").toString());
        assertThat(replaced.exitCode()).as(replaced.err()).isZero();
        assertThat(exported(database)).containsExactlyElementsOf(once);
        Sluice.Result appended = sluice.run("workflow", "run", "--file", tableExport("append").toString());
        assertThat(appended.exitCode()).as(appended.err()).isZero();
        assertThat(exported(database)).containsExactly("1|al|2.25|true", "1|al|2.25|true", "2|bo|1.5|false", "2|bo|1.5|false",
                "3|null|null|null", "3|null|null|null");
        assertThat(tableExists(database, "scores_copy__sluice_partial")).isFalse();
    }

    @Test
    void identifiers_that_are_not_plain_names_are_refused_before_anything_runs() throws Exception {
        // given a table export and a table source whose names try to end the statement, and a column whose name would
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = migrated(database);
        Path csv = temp.resolve("in.csv");
        Files.writeString(csv, "id,\"x\"\"; DROP TABLE workflows; --\"\n1,2\n");
        Path workflow = workflowFile("inject.json", """
                {"name": "inject", "nodes": [
                  {"id": "file", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "to_table", "type": "export", "data": {"export_type": "database", "table_name": "name; drop table x", "if_exists": "append"}},
                  {"id": "from_table", "type": "data_source", "data": {"source_type": "database", "table_name": "workflows\\" WHERE 1=1; --"}},
                  {"id": "to_column", "type": "export", "data": {"export_type": "database", "table_name": "ok_table"}}],
                 "edges": [{"source": "file", "target": "to_table"}, {"source": "from_table", "target": "to_column"}]}
                """.formatted(csv));
        Path columns = workflowFile("columns.json", """
                {"name": "columns", "nodes": [
                  {"id": "file", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "out", "type": "export", "data": {"export_type": "database", "table_name": "ok_table"}}],
                 "edges": [{"source": "file", "target": "out"}]}
                """.formatted(csv));

        // when
        Sluice.Result names = sluice.run("workflow", "validate", "--file", workflow.toString());
        Sluice.Result column = sluice.run("workflow", "run", "--file", columns.toString());

        // then
        assertThat(names.exitCode()).isNotZero();
        assertThat(names.out() + names.err())
                .contains("node to_table (export) has the table name 'name; drop table x'; sluice takes letters, digits and underscores")
                .contains("node from_table (data_source) has the table name 'workflows\" WHERE 1=1; --'");
        assertThat(column.exitCode()).isNotZero();
        assertThat(column.out() + column.err()).contains("node out (export) has the column name 'x\"; DROP TABLE workflows; --'");
        assertThat(Rows.count(database, "workflows")).isZero();
        assertThat(tableExists(database, "ok_table")).isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_restarted_table_export_has_every_row_once(TestDatabase database) throws Exception {
        // given 10,000 rows whose row 9,000 (in the second chunk of 8,192) does not parse, with no rejects allowed
        Sluice sluice = migrated(database);
        Path csv = temp.resolve("numbers.csv");
        Files.writeString(csv, numbers(9000));
        String definition = """
                {"name": "numbers", "max_rejects": %d, "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "out", "type": "export", "data": {"export_type": "database", "table_name": "numbers"}}],
                 "edges": [{"source": "src", "target": "out"}]}
                """;
        Path workflow = workflowFile("numbers.json", definition.formatted(0, csv));
        Sluice.Result failed = sluice.run("workflow", "run", "--file", workflow.toString());
        assertThat(failed.exitCode()).as(failed.err()).isNotZero();
        long first = Executions.newest(database);
        assertThat(Executions.status(database, first)).isEqualTo("FAILED");
        assertThat(tableExists(database, "numbers")).isFalse();
        assertThat(Rows.count(database, "\"numbers__sluice_partial\"")).isEqualTo(8192);

        // when the workflow allows the bad row and the execution is restarted (the source unchanged: a changed one is refused)
        workflowFile("numbers.json", definition.formatted(1, csv));
        Sluice.Result restarted = sluice.run("restart", Long.toString(first));

        // then every good row is in the table once, and the staging table is gone
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        Map<String, Object> totals = Rows.query(database,
                "SELECT count(*) AS n, count(DISTINCT \"id\") AS ids, sum(\"id\") AS ids_sum, sum(\"twice\") AS twice_sum FROM \"numbers\"").get(0);
        assertThat(((Number) totals.get("n")).longValue()).isEqualTo(9_999);
        assertThat(((Number) totals.get("ids")).longValue()).isEqualTo(9_999);
        assertThat(((Number) totals.get("ids_sum")).longValue()).isEqualTo(50_005_000L - 9_000);
        assertThat(((Number) totals.get("twice_sum")).longValue()).isEqualTo(100_010_000L - 18_000);
        assertThat(tableExists(database, "numbers__sluice_partial")).isFalse();
    }

    @Test
    void registered_sqlite_databases_are_read_and_written() throws Exception {
        // given a registered SQLite file with a table, and another to write to (SQLite locks a file being read against writers)
        TestDatabase database = TestDatabase.hsqldb();
        Sluice sluice = migrated(database);
        Path file = temp.resolve("shop.db");
        Path copy = temp.resolve("copy.db");
        try (Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price REAL)");
            statement.execute("INSERT INTO items VALUES (1, 'pen', 1.5), (2, 'book', 12.0), (3, 'cup', 4.25)");
        }
        execute(database, """
                INSERT INTO databases (id, name, provider, database_name, status, table_count, created_at, updated_at)
                VALUES ('db_sqlite', 'shop', 'SQLITE', ?, 'CONNECTED', 1, ?, ?)""", file.toString(), now(), now());
        execute(database, """
                INSERT INTO databases (id, name, provider, connection_string, status, table_count, created_at, updated_at)
                VALUES ('db_copy', 'copy', 'SQLITE', ?, 'CONNECTED', 0, ?, ?)""", "sqlite:///" + copy, now(), now());
        Path workflow = workflowFile("shop.json", """
                {"name": "shop", "nodes": [
                  {"id": "items", "type": "data_source", "data": {"database_id": "db_sqlite", "query": "SELECT id, name, price FROM items WHERE price > 2 ORDER BY id"}},
                  {"id": "out", "type": "export", "data": {"export_type": "database", "database_id": "db_copy", "table_name": "dear_items"}}],
                 "edges": [{"source": "items", "target": "out"}]}
                """);

        // when
        Sluice.Result result = sluice.run("workflow", "run", "--file", workflow.toString());

        // then
        assertThat(result.exitCode()).as(result.err()).isZero();
        try (Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + copy); Statement statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT id, name, price FROM dear_items ORDER BY id")) {
            StringBuilder rows = new StringBuilder();
            while (rs.next()) {
                rows.append(rs.getLong("id")).append('|').append(rs.getString("name")).append('|').append(rs.getDouble("price")).append(';');
            }
            assertThat(rows.toString()).isEqualTo("2|book|12.0;3|cup|4.25;");
        }
    }

    // --- helpers

    /** A sluice whose database has its tables (created by a first run of a one-row workflow). */
    private Sluice migrated(TestDatabase database) throws Exception {
        Sluice sluice = new Sluice(database);
        Path csv = temp.resolve("first.csv");
        Files.writeString(csv, "a\n1\n");
        Path first = temp.resolve("first.json");
        Files.writeString(first, """
                {"name": "first", "nodes": [
                  {"id": "s", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                  {"id": "o", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "s", "target": "o"}]}
                """.formatted(csv, temp.resolve("first-out.csv")));
        Sluice.Result result = sluice.run("workflow", "run", "--file", first.toString());
        assertThat(result.exitCode()).as(result.err()).isZero();
        return sluice;
    }

    /** A workflow file in the data folder's {@code workflows/}, so that its relative paths resolve against {@link #temp}. */
    private Path workflowFile(String name, String content) throws Exception {
        Path file = temp.resolve("workflows").resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private String sourceToCsv(String sourceSettings) {
        return """
                {"name": "to csv", "nodes": [
                  {"id": "src", "type": "data_source", "data": %s},
                  {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                 "edges": [{"source": "src", "target": "out"}]}
                """.formatted(sourceSettings, temp.resolve("out.csv"));
    }

    private Path tableExport(String ifExists) throws Exception {
        return workflowFile("copy-" + ifExists + ".json", """
                {"name": "copy", "nodes": [
                  {"id": "src", "type": "data_source", "data": {"source_type": "database", "table_name": "scores"}},
                  {"id": "out", "type": "export", "data": {"export_type": "database", "table_name": "scores_copy", "if_exists": "%s"}}],
                 "edges": [{"source": "src", "target": "out"}]}
                """.formatted(ifExists));
    }

    private static List<String> exported(TestDatabase database) throws SQLException {
        return Rows.query(database, "SELECT \"id\", \"who\", \"score\", \"ok\" FROM \"scores_copy\" ORDER BY \"id\"").stream()
                .map(row -> row.get("id") + "|" + row.get("who") + "|" + row.get("score") + "|" + row.get("ok")).toList();
    }

    private static boolean tableExists(TestDatabase database, String table) throws SQLException {
        try (Connection connection = database.connect()) {
            return TableExport.exists(connection, table);
        }
    }

    /** Rows {@code id,twice} for ids 1..10,000; the row of {@code badId} has text instead of a number. */
    private static String numbers(int badId) {
        StringBuilder csv = new StringBuilder("id,twice\n");
        for (int id = 1; id <= 10_000; id++) {
            csv.append(id).append(',').append(id == badId ? "oops" : Integer.toString(id * 2)).append('\n');
        }
        return csv.toString();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_registered_mariadb_database_is_read_by_a_query_and_written_by_a_table_export(TestDatabase database) throws Exception {
        // given a MariaDB database of its own, reached by a user with a password, registered with it encrypted
        String name = "sluice_wf_" + Long.toHexString(System.nanoTime());
        try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
            statement.execute("CREATE USER IF NOT EXISTS 'sluice_wf'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'");
            statement.execute("GRANT ALL ON " + name + ".* TO 'sluice_wf'@'127.0.0.1'");
            statement.execute("CREATE TABLE " + name + ".orders (id bigint PRIMARY KEY, region varchar(10), qty int, rate double)");
            statement.execute("INSERT INTO " + name + ".orders VALUES (1, 'EU', 2, 0.5), (2, 'US', 1, 1.25), (3, 'EU', 7, NULL)");
        }
        try {
            Sluice sluice = migrated(database);
            SecretCipher cipher = SecretCipher.configured(null, database.dataDir(), notice -> { });
            execute(database, """
                    INSERT INTO databases (id, name, provider, host, port, database_name, username, password_encrypted,
                                           status, table_count, created_at, updated_at)
                    VALUES ('db_maria', 'shop', 'MARIADB', '127.0.0.1', 3306, ?, 'sluice_wf', ?, 'CONNECTED', 1, ?, ?)""",
                    name, cipher.encrypt(PASSWORD), now(), now());
            Path out = temp.resolve("maria-eu.csv");
            Path workflow = workflowFile("maria.json", """
                    {"name": "maria", "nodes": [
                      {"id": "orders", "type": "data_source", "data": {"source_type": "database", "database_id": "db_maria",
                         "query": "SELECT id, region, qty, rate FROM orders WHERE region = 'EU' ORDER BY id"}},
                      {"id": "csv", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}},
                      {"id": "table", "type": "export", "data": {"export_type": "database", "database_id": "db_maria", "table_name": "eu_orders",
                         "if_exists": "replace"}}],
                     "edges": [{"source": "orders", "target": "csv"}, {"source": "orders", "target": "table"}]}
                    """.formatted(out));

            // when
            Sluice.Result result = sluice.run("workflow", "run", "--file", workflow.toString());

            // then
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(Files.readAllLines(out)).containsExactly("id,region,qty,rate", "1,EU,2,0.5", "3,EU,7,");
            assertThat(result.out() + result.err()).doesNotContain(PASSWORD);
            try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement();
                 var rows = statement.executeQuery("SELECT id, region, qty, rate FROM " + name + ".eu_orders ORDER BY id")) {
                List<String> written = new java.util.ArrayList<>();
                while (rows.next()) {
                    written.add(rows.getLong("id") + "," + rows.getString("region") + "," + rows.getLong("qty") + "," + rows.getObject("rate"));
                }
                assertThat(written).containsExactly("1,EU,2,0.5", "3,EU,7,null");
            }
        } finally {
            try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement()) {
                statement.execute("DROP DATABASE " + name);
            }
        }
    }

    /** Registers {@code registered} as a {@code databases} row, its password encrypted with the key sluice will use. */
    private static void registerPostgres(TestDatabase database, String id, TestDatabase registered) throws SQLException {
        SecretCipher cipher = SecretCipher.configured(null, database.dataDir(), notice -> { });
        execute(database, """
                INSERT INTO databases (id, name, provider, host, port, database_name, username, password_encrypted, connection_string,
                                       status, table_count, created_at, updated_at)
                VALUES (?, 'shop', 'POSTGRESQL', '127.0.0.1', 5432, ?, 'postgres', ?, ?, 'CONNECTED', 1, ?, ?)""",
                id, registered.postgresName(), cipher.encrypt(PASSWORD), "postgresql://postgres@127.0.0.1:5432/" + registered.postgresName(), now(), now());
    }

    private static Timestamp now() {
        return Timestamp.from(Instant.now());
    }

    private static void execute(TestDatabase database, String sql, Object... parameters) throws SQLException {
        try (Connection connection = database.connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }
}
