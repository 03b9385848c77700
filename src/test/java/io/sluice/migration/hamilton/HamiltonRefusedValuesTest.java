package io.sluice.migration.hamilton;

import io.sluice.batch.RejectFile;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/** A Hamilton row the database refuses is rejected on its own (and the rows that hang on it); the rest lands. */
class HamiltonRefusedValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path folder;

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.sluice.testing.TestDatabase#both")
    void a_row_the_database_refuses_is_rejected_with_its_children_and_the_rest_of_the_chunk_lands(TestDatabase database) throws Exception {
        // given a check constraint on database names, and a store with one database that breaks it, holding a concept
        Sluice sluice = new Sluice(database);
        assertThat(sluice.run("migrate", aHamiltonStore(folder.resolve("empty.db")).file().toString()).exitCode()).isZero();
        try (Connection connection = database.connect(); Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE databases ADD CONSTRAINT ck_databases_name CHECK (name <> 'forbidden')");
        }
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"));
        for (int i = 0; i < 5; i++) {
            store.database("db_%010d".formatted(i), "pw-" + i, i == 2 ? Map.of("name", "forbidden") : Map.of());
            store.concept("c_" + i, "db_%010d".formatted(i), Map.of());
        }

        // when
        Sluice.Result result = sluice.run("migrate", store.file().toString(), "--chunk-size", "10");

        // then the job completes and verification passed, without the refused database and its concept
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        long execution = ((Number) Rows.query(database, "SELECT max(JOB_EXECUTION_ID) AS id FROM BATCH_JOB_EXECUTION").get(0).get("id")).longValue();
        assertThat(Rows.query(database, "SELECT STATUS FROM BATCH_JOB_EXECUTION WHERE JOB_EXECUTION_ID = " + execution)
                .get(0).get("status")).isEqualTo("COMPLETED");
        assertThat(Rows.count(database, "databases")).isEqualTo(4);
        assertThat(Rows.count(database, "concepts")).isEqualTo(4);
        assertThat(Rows.query(database, "SELECT id FROM databases WHERE id = 'db_0000000002'")).isEmpty();

        // and both are rejected with the database's reason and their table and key
        List<JsonNode> rejects = new ArrayList<>();
        for (String line : Files.readAllLines(RejectFile.pathFor(database.dataDir(), execution))) {
            rejects.add(JSON.readTree(line));
        }
        assertThat(rejects).extracting(line -> line.get("location").asString())
                .containsExactlyInAnyOrder("databases id=db_0000000002", "concepts id=c_2");
        assertThat(rejects).allSatisfy(line -> {
            assertThat(line.get("file").asString()).isEqualTo("hamilton_metadata.db");
            assertThat(line.get("reason").asString()).startsWith("rejected by the database: ");
            assertThat(line.toString()).doesNotContain("pw-2");
        });
        assertThat(result.out()).contains("inserted 8, updated 0, unchanged 0, rejected 2");
    }
}
