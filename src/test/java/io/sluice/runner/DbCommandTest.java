package io.sluice.runner;

import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sluice db}: databases registered against the real local PostgreSQL and MariaDB services and a
 * SQLite file, on both sluice databases; a password given on standard input is stored encrypted and
 * never printed; a dead server fails its test with one line; {@code db create} runs a script
 * statement by statement, reporting the failed ones with their line.
 */
class DbCommandTest {

    private static final String PASSWORD = "pw-Db7-never-shown";

    @TempDir
    Path temp;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_mariadb_database_added_with_a_password_on_stdin_connects_and_the_password_is_stored_encrypted(TestDatabase database) throws Exception {
        // given a MariaDB database reached by a user with a password
        String name = "sluice_db_" + Long.toHexString(System.nanoTime());
        try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
            statement.execute("CREATE USER IF NOT EXISTS 'sluice_db'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'");
            statement.execute("ALTER USER 'sluice_db'@'127.0.0.1' IDENTIFIED BY '" + PASSWORD + "'");
            statement.execute("GRANT ALL ON " + name + ".* TO 'sluice_db'@'127.0.0.1'");
        }
        try {
            Sluice sluice = new Sluice(database);

            // when
            Sluice.Result added = sluice.runWithInput(PASSWORD + "\n", "db", "add", "shop", "--provider", "mariadb", "--host", "127.0.0.1",
                    "--port", "3306", "--database", name, "--user", "sluice_db", "--password-stdin");
            String id = added.out().strip();
            Sluice.Result tested = sluice.run("db", "test", id);
            Sluice.Result listed = sluice.run("db", "list");

            // then
            assertThat(added.exitCode()).as(added.err()).isZero();
            assertThat(id).matches("db_[0-9a-f]{10}");
            assertThat(tested.exitCode()).as(tested.out() + tested.err()).isZero();
            assertThat(tested.out()).startsWith(id + ": connected to MariaDB");
            assertThat(listed.out()).contains(id, "shop", "mysql", "connected", "127.0.0.1:3306/" + name);
            Map<String, Object> row = Rows.query(database, "SELECT * FROM databases WHERE id = '" + id + "'").get(0);
            assertThat(row.get("password_encrypted")).asString().startsWith("v1:").doesNotContain(PASSWORD);
            assertThat(row.get("status")).isEqualTo("CONNECTED");
            assertThat(row.get("last_connected_at")).isNotNull();
            for (Sluice.Result result : List.of(added, tested, listed)) {
                assertThat(result.out() + result.err()).doesNotContain(PASSWORD);
            }
        } finally {
            try (Connection root = TestDatabase.mariadbRoot(); Statement statement = root.createStatement()) {
                statement.execute("DROP DATABASE " + name);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_sqlite_file_and_a_postgresql_url_connect_and_remove_unregisters(TestDatabase database) throws Exception {
        // given a SQLite file and the test PostgreSQL server's URL
        Path file = temp.resolve("shop.db");
        try (Connection sqlite = DriverManager.getConnection("jdbc:sqlite:" + file); Statement statement = sqlite.createStatement()) {
            statement.execute("CREATE TABLE orders (id integer PRIMARY KEY)");
        }
        Sluice sluice = new Sluice(database);

        // when
        String sqliteId = sluice.run("db", "add", "local", "--provider", "sqlite", "--database", file.toString()).out().strip();
        String postgresId = sluice.run("db", "add", "pg", "--provider", "postgresql", "--url",
                "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres").out().strip();
        Sluice.Result sqliteTest = sluice.run("db", "test", sqliteId);
        Sluice.Result postgresTest = sluice.run("db", "test", postgresId);
        Sluice.Result removed = sluice.run("db", "remove", sqliteId);
        Sluice.Result removedAgain = sluice.run("db", "remove", sqliteId);

        // then
        assertThat(sqliteTest.out()).startsWith(sqliteId + ": connected to SQLite");
        assertThat(postgresTest.exitCode()).as(postgresTest.out() + postgresTest.err()).isZero();
        assertThat(postgresTest.out()).startsWith(postgresId + ": connected to PostgreSQL");
        assertThat(removed.exitCode()).isZero();
        assertThat(removedAgain.exitCode()).isEqualTo(ExitCode.NOT_FOUND.code());
        assertThat(removedAgain.err()).contains("no registered database " + sqliteId);
        assertThat(Rows.query(database, "SELECT id FROM databases")).extracting(r -> r.get("id")).containsExactly(postgresId);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_dead_server_fails_its_test_with_one_line_and_status_failed(TestDatabase database) throws Exception {
        // given a PostgreSQL database registered on a port where nothing listens
        int port = TestDatabase.deadPort();
        Sluice sluice = new Sluice(database);
        String id = sluice.run("db", "add", "gone", "--provider", "postgresql", "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--database", "nothing", "--user", "nobody").out().strip();

        // when
        Sluice.Result tested = sluice.run("db", "test", id);

        // then
        assertThat(tested.exitCode()).isEqualTo(ExitCode.FAILED.code());
        assertThat(tested.out().lines()).hasSize(1);
        assertThat(tested.out()).startsWith(id + ": failed after");
        assertThat(tested.err()).doesNotContain("Exception", "\tat ");
        assertThat(Rows.query(database, "SELECT status FROM databases WHERE id = '" + id + "'").get(0).get("status")).isEqualTo("FAILED");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void db_create_runs_a_script_statement_by_statement_reporting_the_failed_ones_with_their_line(TestDatabase database) throws Exception {
        // given a psql script: a meta-command, a whole-database statement, two tables, a failing statement on line 9, a function body,
        // then statements that reach beyond the new database, one behind a comment, and rows as pg_dump writes them
        String name = "sluice_create_" + Long.toHexString(System.nanoTime());
        Path script = temp.resolve("shop.sql");
        Files.writeString(script, """
                \\c postgres
                DROP DATABASE IF EXISTS shop;
                CREATE TABLE customers (id int PRIMARY KEY, name text);
                -- a comment; with a semicolon
                CREATE TABLE orders (id int PRIMARY KEY,
                  customer_id int REFERENCES customers (id), note text DEFAULT 'a;b');
                INSERT INTO customers VALUES (1, 'it''s');

                INSERT INTO nowhere VALUES (1);
                CREATE FUNCTION two() RETURNS int AS $$ SELECT 1; SELECT 2 $$ LANGUAGE sql;
                DROP /* hidden */ DATABASE postgres;
                ALTER SYSTEM SET work_mem = '8MB';
                COPY customers (id, name) FROM stdin;
                2\tBo
                3\tCy; not the end
                \\.
                """);
        Sluice sluice = new Sluice(database);
        List<String> server = database.isPostgres() ? List.of() : List.of("--host", "127.0.0.1", "--port", "5432", "--user", "postgres");
        try {
            // when
            List<String> arguments = new java.util.ArrayList<>(List.of("db", "create", name, "--sql", script.toString()));
            arguments.addAll(server);
            Sluice.Result created = sluice.run(arguments.toArray(String[]::new));

            // then
            assertThat(created.exitCode()).as(created.err()).isZero();
            String id = created.out().strip();
            assertThat(id).matches("db_[0-9a-f]{10}");
            assertThat(created.err()).contains(script + " line 9: INSERT INTO nowhere VALUES (1): ERROR: relation \"nowhere\" does not exist");
            assertThat(created.err()).contains("5 statements ran, 1 failed, 4 not run");
            try (Connection made = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/" + name + "?user=postgres");
                 Statement statement = made.createStatement();
                 var rows = statement.executeQuery("SELECT (SELECT name FROM customers WHERE id = 1), two(), (SELECT count(*) FROM customers)")) {
                rows.next();
                assertThat(rows.getString(1)).isEqualTo("it's");
                assertThat(rows.getInt(2)).isEqualTo(2);
                assertThat(rows.getInt(3)).as("the rows of pg_dump's COPY ... FROM stdin").isEqualTo(3);
            }
            Map<String, Object> row = Rows.query(database, "SELECT * FROM databases WHERE id = '" + id + "'").get(0);
            assertThat(row).containsEntry("name", name).containsEntry("provider", "POSTGRESQL").containsEntry("database_name", name)
                    .containsEntry("status", "CONNECTED");
            assertThat(row.get("sql_content")).isEqualTo(Files.readString(script));
        } finally {
            try (Connection admin = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres");
                 Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name);
            }
        }
    }

}
