package io.sluice.schema;

import io.sluice.testing.Executions;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code sluice analyze-schema} on real databases (the local PostgreSQL, MariaDB, a SQLite file), with
 * sluice's own on both HSQLDB and PostgreSQL: the ISWC database of Hamilton's store gives its five entity
 * concepts and its four link tables as relationships; a second run tells what changed; a generated
 * schema of 491 tables is clustered against its ground truth by both methods; a dead database fails
 * with one line; a run that fails while deriving concepts restarts at the chunk where it stopped.
 */
class AnalyzeSchemaTest {

    private static final Path FIXTURES = Path.of("..", "shared", "fixtures");
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void the_iswc_database_gives_five_entity_concepts_and_its_link_tables_become_relationships(TestDatabase database) throws Exception {
        // given the ISWC database of Hamilton's store, created from its script
        Path fixture = FIXTURES.resolve("hamilton").resolve("hamilton_metadata.db");
        assumeThat(Files.exists(fixture)).as("the shared fixtures are beside the project").isTrue();
        Path script = temp.resolve("iswc.sql");
        try (Connection store = DriverManager.getConnection("jdbc:sqlite:" + fixture); Statement statement = store.createStatement();
             ResultSet row = statement.executeQuery("SELECT sql_content FROM databases")) {
            row.next();
            Files.writeString(script, row.getString(1));
        }
        String name = "sluice_iswc_" + Long.toHexString(System.nanoTime());
        Sluice sluice = new Sluice(database);
        try {
            String id = create(sluice, database, name, script);

            // when
            Sluice.Result analysed = sluice.run("analyze-schema", id);

            // then
            assertThat(analysed.exitCode()).as(analysed.out() + analysed.err()).isZero();
            assertThat(analysed.out()).contains("schema: 9 tables (the first snapshot)", "concepts: 5", "relationships: 7");
            assertThat(Rows.query(database, "SELECT name FROM concepts WHERE database_id = '" + id + "' ORDER BY name"))
                    .extracting(r -> r.get("name")).containsExactly("Conference", "Organization", "Paper", "Person", "Topic");
            List<String> relationships = new ArrayList<>();
            for (Map<String, Object> r : Rows.query(database, """
                    SELECT f.name AS from_name, t.name AS to_name, r.name, r.confidence FROM relationships r
                    JOIN concepts f ON f.id = r.from_concept_id JOIN concepts t ON t.id = r.to_concept_id
                    WHERE r.database_id = '%s'""".formatted(id))) {
                relationships.add(r.get("from_name") + " -" + r.get("name") + "-> " + r.get("to_name") + " " + r.get("confidence"));
            }
            assertThat(relationships).containsExactlyInAnyOrder("Paper -Paper Topic-> Topic 1.0", "Person -Person Organization-> Organization 1.0",
                    "Person -Person Paper-> Paper 1.0", "Person -Person Topic-> Topic 1.0", "Paper -Conference-> Conference 1.0",
                    "Organization -Belongsto-> Organization 1.0", "Topic -Parent-> Topic 1.0");
            Map<String, Object> paperId = Rows.query(database, "SELECT id_attributes FROM concepts WHERE name = 'Paper'").get(0);
            assertThat(String.valueOf(paperId.get("id_attributes"))).contains("\"column\"", "paperid");
            assertThat(Rows.query(database, """
                    SELECT a.column_name, a.data_type, a.is_required FROM attributes a JOIN concepts c ON c.id = a.concept_id
                    WHERE c.name = 'Topic' ORDER BY a.column_name""")).extracting(r -> r.get("column_name") + " " + r.get("data_type"))
                    .containsExactly("topicname character varying(50)", "uri character varying(200)");
            Map<String, Object> registered = Rows.query(database, "SELECT status, table_count, schema_json FROM databases WHERE id = '" + id + "'").get(0);
            assertThat(registered.get("table_count")).isEqualTo(9);
            JsonNode cached = JSON.readTree(String.valueOf(registered.get("schema_json")));
            assertThat(cached.get("tableCount").asInt()).isEqualTo(9);
            JsonNode papers = cached.get("tables").get(2);
            assertThat(papers.get("name").asString()).isEqualTo("papers");
            assertThat(papers.get("columns").get(0).get("isPrimaryKey").asBoolean()).isTrue();
            assertThat(papers.get("columns").get(5).get("name").asString()).isEqualTo("conference");
            assertThat(papers.get("columns").get(5).get("referencedTable").asString()).isEqualTo("conferences");
            assertThat(Rows.query(database, "SELECT count(*) AS n FROM clustering_results WHERE database_id = '" + id + "' AND is_active")
                    .get(0).get("n")).isEqualTo(1L);
        } finally {
            drop(name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_second_run_reports_what_changed_since_the_last_snapshot(TestDatabase database) throws Exception {
        // given a database analysed once, its relationship confirmed by a user, then changed: a table added, a column added, one
        // retyped, a table dropped
        String name = "sluice_changes_" + Long.toHexString(System.nanoTime());
        Path script = temp.resolve("shop.sql");
        Files.writeString(script, """
                CREATE TABLE customers (id int PRIMARY KEY, name text, kind varchar(10));
                CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id), total int);
                CREATE TABLE notes (id int PRIMARY KEY, body text);
                """);
        Sluice sluice = new Sluice(database);
        try {
            String id = create(sluice, database, name, script);
            assertThat(sluice.run("analyze-schema", id).exitCode()).isZero();
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE relationships SET confirmed = true WHERE database_id = '" + id + "'"); // a user confirmed orders' customer
            }
            execute(name, "CREATE TABLE invoices (id int PRIMARY KEY, order_id int REFERENCES orders (id))",
                    "ALTER TABLE customers ADD COLUMN email text", "ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2)", "DROP TABLE notes");

            // when
            Sluice.Result again = sluice.run("analyze-schema", id);

            // then
            assertThat(again.exitCode()).as(again.out()).isZero();
            assertThat(again.out()).contains("schema: 3 tables; since the last snapshot: 1 table added (public.invoices), 1 table dropped (public.notes),"
                    + " 1 column added (public.customers.email), 1 column retyped (public.orders.total: integer -> numeric(12,2))");
            assertThat(Rows.query(database, "SELECT count(*) AS n FROM schema_snapshots WHERE database_id = '" + id + "' AND status = 'complete'")
                    .get(0).get("n")).isEqualTo(2L);
            assertThat(Rows.query(database, "SELECT name, confirmed FROM relationships WHERE database_id = '" + id + "' ORDER BY name"))
                    .extracting(r -> r.get("name") + " " + r.get("confirmed")).containsExactly("Customer true", "Order false");
        } finally {
            drop(name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void db_schema_reads_the_live_database_or_else_the_cache_saying_which(TestDatabase database) throws Exception {
        // given an analysed database, which then moves out of reach
        String name = "sluice_schema_" + Long.toHexString(System.nanoTime());
        Path script = temp.resolve("shop.sql");
        Files.writeString(script, """
                CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE NOT NULL);
                CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers (id), total numeric(10, 2) DEFAULT 0);
                """);
        Sluice sluice = new Sluice(database);
        try {
            String id = create(sluice, database, name, script);
            assertThat(sluice.run("analyze-schema", id).exitCode()).isZero();

            // when
            Sluice.Result live = sluice.run("db", "schema", id);
            int port = TestDatabase.deadPort();
            try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE databases SET port = " + port + " WHERE id = '" + id + "'");
            }
            Sluice.Result cached = sluice.run("db", "schema", id);
            Sluice.Result json = sluice.run("db", "schema", id, "--json");

            // then
            assertThat(live.exitCode()).as(live.err()).isZero();
            assertThat(live.out()).startsWith("Schema of registered database " + id).contains("read live: 2 tables.");
            assertThat(live.out().lines().map(String::strip)).contains("public.orders",
                    "customer_id  integer        yes   FK customers",
                    "total        numeric(10,2)  yes                 0",
                    "unique (email)");
            assertThat(cached.exitCode()).as(cached.err()).isZero();
            assertThat(cached.out()).contains("as cached", "(the database cannot be reached: ");
            assertThat(cached.out().lines().map(String::strip)).contains("public.orders", "customer_id  integer        yes   FK customers");
            assertThat(JSON.readTree(json.out().lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow()).get("tableCount").asInt()).isEqualTo(2);
        } finally {
            drop(name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_generated_schema_is_clustered_against_its_ground_truth_by_both_methods(TestDatabase database) throws Exception {
        // given a generated schema of 491 tables in 49 domains, and its ground truth
        GeneratedSchema schema = GeneratedSchema.of(500, 7);
        Path script = temp.resolve("generated.sql");
        Files.writeString(script, schema.sql());
        Path truth = temp.resolve("truth.csv");
        Files.writeString(truth, schema.groundTruthCsv());
        String name = "sluice_generated_" + Long.toHexString(System.nanoTime());
        Sluice sluice = new Sluice(database);
        try {
            String id = create(sluice, database, name, script);

            // when
            Sluice.Result analysed = sluice.run("analyze-schema", id, "--ground-truth", truth.toString());

            // then
            assertThat(analysed.exitCode()).as(analysed.out() + analysed.err()).isZero();
            List<Map<String, Object>> results = Rows.query(database,
                    "SELECT algorithm, is_active, ari, ami, cluster_count FROM clustering_results WHERE database_id = '" + id + "' ORDER BY algorithm");
            System.out.println("generated schema of " + schema.groundTruth().size() + " tables: " + results);
            assertThat(results).extracting(r -> r.get("algorithm") + " " + r.get("is_active"))
                    .containsExactly("fk-communities false", "schema-affinity true");
            double baseline = ((Number) results.get(0).get("ari")).doubleValue();
            double affinity = ((Number) results.get(1).get("ari")).doubleValue();
            assertThat(affinity).isGreaterThan(baseline);
            assertThat(Rows.query(database, "SELECT table_count FROM databases WHERE id = '" + id + "'").get(0).get("table_count"))
                    .isEqualTo(schema.groundTruth().size());
            long links = schema.groundTruth().keySet().stream().filter(t -> t.endsWith("_links")).count();
            assertThat(Rows.query(database, "SELECT count(*) AS n FROM concepts WHERE database_id = '" + id + "'").get(0).get("n"))
                    .isEqualTo((long) schema.groundTruth().size() - links);
        } finally {
            drop(name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_dead_database_fails_the_run_with_one_line_and_status_failed(TestDatabase database) throws Exception {
        // given a registered database on a port where nothing listens
        int port = TestDatabase.deadPort();
        Sluice sluice = new Sluice(database);
        String id = sluice.run("db", "add", "gone", "--provider", "postgresql", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--database", "nothing", "--user", "nobody").out().strip();

        // when
        Sluice.Result analysed = sluice.run("analyze-schema", id);

        // then
        assertThat(analysed.exitCode()).isEqualTo(1);
        assertThat(analysed.out()).contains("cannot reach registered database " + id + " (POSTGRESQL 127.0.0.1:" + port + "/nothing): ");
        assertThat(analysed.out() + analysed.err()).doesNotContain("\tat ");
        assertThat(Rows.query(database, "SELECT status FROM databases WHERE id = '" + id + "'").get(0).get("status")).isEqualTo("FAILED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_sqlite_file_is_analysed_through_jdbc_metadata(TestDatabase database) throws Exception {
        // given a SQLite file with declared keys and a link table
        Path file = temp.resolve("school.db");
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = sqlite.createStatement()) {
            statement.execute("CREATE TABLE students (id INTEGER PRIMARY KEY, name TEXT NOT NULL, level TEXT)");
            statement.execute("CREATE TABLE courses (id INTEGER PRIMARY KEY, title TEXT)");
            statement.execute("CREATE TABLE enrolments (student_id INTEGER REFERENCES students (id), course_id INTEGER REFERENCES courses (id),"
                    + " PRIMARY KEY (student_id, course_id))");
            statement.execute("INSERT INTO students VALUES (1, 'Ann', 'first'), (2, 'Bo', 'second')");
        }
        Sluice sluice = new Sluice(database);
        String id = sluice.run("db", "add", "school", "--provider", "sqlite", "--database", file.toString()).out().strip();

        // when
        Sluice.Result analysed = sluice.run("analyze-schema", id);

        // then
        assertThat(analysed.exitCode()).as(analysed.out() + analysed.err()).isZero();
        Map<Object, JsonNode> conditions = new java.util.TreeMap<>();
        for (Map<String, Object> row : Rows.query(database, "SELECT name, conditions FROM concepts WHERE database_id = '" + id + "'")) {
            conditions.put(row.get("name"), JSON.readTree(String.valueOf(row.get("conditions"))));
        }
        assertThat(conditions).isEqualTo(Map.of("Course", JSON.readTree("[]"), "Student", JSON.readTree("""
                [{"table": "students", "column": "level", "operator": "in", "values": ["first", "second"]}]""")));
        assertThat(Rows.query(database, "SELECT name, confidence FROM relationships WHERE database_id = '" + id + "'"))
                .extracting(r -> r.get("name") + " " + r.get("confidence")).containsExactly("Enrolment 1.0");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_mariadb_database_is_analysed_with_its_database_as_the_schema(TestDatabase database) throws Exception {
        // given a MariaDB database with a declared key, a key by name only, and a link table
        String name = "sluice_an_" + Long.toHexString(System.nanoTime());
        try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
            statement.execute("CREATE TABLE " + name + ".authors (id int PRIMARY KEY, name varchar(80) NOT NULL)");
            statement.execute("CREATE TABLE " + name + ".books (id int PRIMARY KEY, author_id int, title varchar(200),"
                    + " FOREIGN KEY (author_id) REFERENCES " + name + ".authors (id))");
            statement.execute("CREATE TABLE " + name + ".reviews (id int PRIMARY KEY, book_id int, stars int)");
            statement.execute("INSERT INTO " + name + ".authors VALUES (1, 'Ann'), (2, 'Bo')");
            statement.execute("INSERT INTO " + name + ".books VALUES (10, 1, 'A'), (11, 2, 'B')");
            statement.execute("INSERT INTO " + name + ".reviews VALUES (1, 10, 5), (2, 11, 4), (3, 10, 3)");
        }
        try {
            Sluice sluice = new Sluice(database);
            String id = sluice.run("db", "add", "books", "--provider", "mariadb", "--host", "127.0.0.1", "--database", name, "--user", "root")
                    .out().strip();

            // when
            Sluice.Result analysed = sluice.run("analyze-schema", id);

            // then
            assertThat(analysed.exitCode()).as(analysed.out() + analysed.err()).isZero();
            assertThat(analysed.out()).contains("schema: 3 tables", "concepts: 3", "relationships: 2");
            assertThat(Rows.query(database, "SELECT name, confidence FROM relationships WHERE database_id = '" + id + "' ORDER BY name"))
                    .extracting(r -> r.get("name") + " " + r.get("confidence"))
                    .containsExactly("Author 1.0", "Book 0.9"); // declared; by name, every sampled book_id a book's id
            JsonNode cached = JSON.readTree(String.valueOf(Rows.query(database, "SELECT schema_json FROM databases WHERE id = '" + id + "'")
                    .get(0).get("schema_json")));
            assertThat(cached.get("tables").get(1).get("schema").asString()).isEqualTo(name);
        } finally {
            try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement()) {
                statement.execute("DROP DATABASE " + name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_run_that_fails_while_deriving_concepts_restarts_at_the_chunk_where_it_stopped(TestDatabase database) throws Exception {
        // given a generated schema one of whose entity tables the test holds locked, so that sampling it waits
        GeneratedSchema schema = GeneratedSchema.of(120, 11);
        Path script = temp.resolve("generated.sql");
        Files.writeString(script, schema.sql());
        String name = "sluice_restart_" + Long.toHexString(System.nanoTime());
        Sluice sluice = new Sluice(database);
        try {
            String id = create(sluice, database, name, script);
            List<String> members = schema.groundTruth().keySet().stream().filter(t -> t.matches(".*_[0-9]+s")).sorted().toList();
            String locked = members.get(members.size() / 2); // an entity table with a status column, which is sampled
            long committed;
            try (Connection holder = DriverManager.getConnection(SERVER + name + "?user=postgres")) {
                holder.setAutoCommit(false);
                try (Statement lock = holder.createStatement()) {
                    lock.execute("LOCK TABLE " + locked + " IN ACCESS EXCLUSIVE MODE");
                }
                Thread killer = new Thread(() -> terminateWhenWaiting(name, locked), "terminate-the-blocked-sample");
                killer.start();

                // when the run's sampling connection is cut while it waits on the lock
                Sluice.Result failed = sluice.run("analyze-schema", id);
                killer.join();
                holder.rollback();
                assertThat(failed.exitCode()).as(failed.out()).isEqualTo(1);
                long execution = Executions.newest(database);
                committed = Executions.steps(database, execution).stream().filter(s -> s.name().equals("analyze-schema.derive-concepts"))
                        .findFirst().orElseThrow().written();
            }
            // the entity tables in the snapshot's order (the database's collation's), and where the locked one is among them
            List<String> entities = Rows.query(database, """
                    SELECT t.table_name FROM schema_snapshot_tables t JOIN schema_snapshots s ON s.id = t.snapshot_id
                    WHERE s.database_id = '%s' ORDER BY t.position""".formatted(id)).stream()
                    .map(r -> (String) r.get("table_name")).filter(t -> !t.endsWith("_links")).toList();
            int lockedAt = entities.indexOf(locked);
            Sluice.Result restarted = sluice.run("restart", Long.toString(Executions.newest(database)));

            // then: the restart read only the entity tables after the committed chunks, and each concept is there once
            assertThat(restarted.exitCode()).as(restarted.out()).isZero();
            assertThat(committed).isEqualTo(lockedAt / 20 * 20); // the chunks of 20 before the chunk of the locked table
            long restart = Executions.newest(database);
            Executions.StepCounts concepts = Executions.steps(database, restart).stream()
                    .filter(s -> s.name().equals("analyze-schema.derive-concepts")).findFirst().orElseThrow();
            assertThat(concepts.read()).isEqualTo(entities.size() - committed);
            assertThat(Rows.query(database, "SELECT count(*) AS n FROM concepts WHERE database_id = '" + id + "'").get(0).get("n"))
                    .isEqualTo((long) entities.size());
        } finally {
            drop(name);
        }
    }

    /** Waits until a query of the database waits for a lock on {@code table}, then ends that query's session. */
    private static void terminateWhenWaiting(String database, String table) {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres")) {
            for (int tries = 0; tries < 6000; tries++) {
                try (Statement statement = admin.createStatement(); ResultSet rows = statement.executeQuery("""
                        SELECT pid FROM pg_stat_activity WHERE datname = '%s' AND wait_event_type = 'Lock' AND query LIKE '%%%s%%'
                        """.formatted(database, table))) {
                    if (rows.next()) {
                        try (Statement kill = admin.createStatement()) {
                            kill.execute("SELECT pg_terminate_backend(" + rows.getInt("pid") + ")");
                        }
                        return;
                    }
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException("no query waited for the lock on " + table);
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Creates a PostgreSQL database from a script with {@code db create} (on the test server) and returns its id. */
    private static String create(Sluice sluice, TestDatabase database, String name, Path script) {
        List<String> arguments = new ArrayList<>(List.of("db", "create", name, "--sql", script.toString()));
        if (!database.isPostgres()) {
            arguments.addAll(List.of("--host", "127.0.0.1", "--port", "5432", "--user", "postgres"));
        }
        Sluice.Result created = sluice.run(arguments.toArray(String[]::new));
        assertThat(created.exitCode()).as(created.err()).isZero();
        return created.out().strip();
    }

    private static void execute(String database, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(SERVER + database + "?user=postgres"); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static void drop(String name) throws SQLException {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres"); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
