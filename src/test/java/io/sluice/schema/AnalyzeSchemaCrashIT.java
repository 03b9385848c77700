package io.sluice.schema;

import io.sluice.testing.Executions;
import io.sluice.testing.PackagedJar;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged sluice killed with SIGKILL in the middle of {@code analyze-schema} on a generated schema of
 * 491 tables: while it derives concepts, held at a chunk by a lock the test keeps on one entity table (so
 * the kill comes at a known point, not after a sleep). The execution is recovered and restarted: the
 * restart reads only the entity tables after the chunks committed before the kill, and the concepts and
 * relationships equal those of a clean analysis of the same database.
 */
class AnalyzeSchemaCrashIT {

    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";
    private static final Duration WITHIN = Duration.ofMinutes(2);
    private static final String NAME = "sluice_crash_" + Long.toHexString(System.nanoTime());
    private static GeneratedSchema schema;

    @TempDir
    static Path shared;

    @TempDir
    Path temp;

    @BeforeAll
    static void aGeneratedDatabase() throws Exception {
        schema = GeneratedSchema.of(500, 3);
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres"); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + NAME);
        }
        try (Connection connection = DriverManager.getConnection(SERVER + NAME + "?user=postgres"); Statement statement = connection.createStatement()) {
            for (String sql : schema.sql().split("\n")) {
                statement.execute(sql);
            }
        }
    }

    @AfterAll
    static void dropIt() throws Exception {
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres"); Statement statement = admin.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
        }
    }

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void a_run_killed_while_deriving_concepts_restarts_at_its_table_and_ends_as_a_clean_run_does(TestDatabase database) throws Exception {
        // given the database registered twice: one registration analysed cleanly, for reference
        Sluice sluice = new Sluice(database);
        String clean = register(sluice, "clean");
        assertThat(sluice.run("analyze-schema", clean).exitCode()).isZero();
        String crashed = register(sluice, "crashed");
        List<String> members = schema.groundTruth().keySet().stream().filter(t -> t.matches(".*_[0-9]+s")).sorted().toList();
        String locked = members.get(members.size() / 2);

        // when the other's analysis, in a process of its own, is killed while it waits on the locked table
        long killed;
        try (Connection holder = DriverManager.getConnection(SERVER + NAME + "?user=postgres")) {
            holder.setAutoCommit(false);
            try (Statement lock = holder.createStatement()) {
                lock.execute("LOCK TABLE " + locked + " IN ACCESS EXCLUSIVE MODE");
            }
            Process run = PackagedJar.start(database, temp.resolve("run.log"), "analyze-schema", crashed);
            try {
                awaitWaitingOn(locked, run);
            } finally {
                run.destroyForcibly().waitFor();
            }
            holder.rollback();
        }
        database.awaitReleasedByKilledProcess();
        killed = Executions.newest(database);
        assertThat(Executions.status(database, killed)).isEqualTo("STARTED");
        long committed = Executions.steps(database, killed).stream().filter(s -> s.name().equals("analyze-schema.derive-concepts"))
                .findFirst().orElseThrow().written();

        // then recover and restart finish it where it stopped, with a clean run's concepts and relationships
        Sluice.Result recovered = sluice.run("recover", Long.toString(killed));
        assertThat(recovered.exitCode()).as(recovered.out() + recovered.err()).isZero();
        Sluice.Result restarted = sluice.run("restart", Long.toString(killed));
        assertThat(restarted.exitCode()).as(restarted.out() + restarted.err()).isZero();
        long restart = Executions.newest(database);
        assertThat(Executions.steps(database, restart)).extracting(Executions.StepCounts::name)
                .as("the steps done before the kill are not run again").doesNotContain("analyze-schema.extract-tables", "analyze-schema.cluster-tables");
        long entities = Rows.query(database, "SELECT count(*) AS n FROM concepts WHERE database_id = '" + clean + "'").get(0).get("n") instanceof Number n
                ? n.longValue() : -1;
        Executions.StepCounts concepts = Executions.steps(database, restart).stream()
                .filter(s -> s.name().equals("analyze-schema.derive-concepts")).findFirst().orElseThrow();
        assertThat(committed).as("chunks committed before the kill").isPositive();
        assertThat(concepts.read()).isEqualTo(entities - committed);
        assertThat(names(database, "SELECT name FROM concepts WHERE database_id = '%s' ORDER BY name", crashed))
                .isEqualTo(names(database, "SELECT name FROM concepts WHERE database_id = '%s' ORDER BY name", clean));
        assertThat(names(database, "SELECT name, confidence FROM relationships WHERE database_id = '%s' ORDER BY name, confidence", crashed))
                .isEqualTo(names(database, "SELECT name, confidence FROM relationships WHERE database_id = '%s' ORDER BY name, confidence", clean));
    }

    private static String register(Sluice sluice, String name) {
        Sluice.Result added = sluice.run("db", "add", name, "--provider", "postgresql", "--url", SERVER + NAME + "?user=postgres");
        assertThat(added.exitCode()).as(added.err()).isZero();
        return added.out().strip();
    }

    private static List<String> names(TestDatabase database, String query, String id) throws Exception {
        return Rows.query(database, query.formatted(id)).stream().map(row -> row.values().toString()).toList();
    }

    /** Waits, while {@code process} runs, until a query of the analysed database waits for the lock on {@code table}. */
    private static void awaitWaitingOn(String table, Process process) throws Exception {
        Instant deadline = Instant.now().plus(WITHIN);
        try (Connection admin = DriverManager.getConnection(SERVER + "postgres?user=postgres")) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new AssertionError("the process ended (exit " + process.exitValue() + ") before it waited on " + table);
                }
                try (Statement statement = admin.createStatement(); ResultSet rows = statement.executeQuery("""
                        SELECT count(*) FROM pg_stat_activity WHERE datname = '%s' AND wait_event_type = 'Lock' AND query LIKE '%%%s%%'
                        """.formatted(NAME, table))) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("no query waited on " + table + " within " + WITHIN);
    }
}
