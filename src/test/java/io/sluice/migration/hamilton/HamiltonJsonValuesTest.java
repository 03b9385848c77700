package io.sluice.migration.hamilton;

import io.sluice.batch.LegacyJson;
import io.sluice.testing.Rows;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.sluice.migration.hamilton.HamiltonStoreBuilder.aHamiltonStore;
import static org.assertj.core.api.Assertions.assertThat;

/** Hamilton's JSON text columns as Python's {@code json} wrote them: exact, or the row is rejected with the reason. */
class HamiltonJsonValuesTest {

    private static final String PASSWORD = "s3cr3t-Pa55";

    @TempDir
    Path folder;

    static Stream<TestDatabase> databases() {
        return TestDatabase.both();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("databases")
    void json_columns_land_exactly_and_a_value_the_database_cannot_hold_rejects_its_row(TestDatabase database) throws Exception {
        // given
        HamiltonStoreBuilder store = aHamiltonStore(folder.resolve("hamilton_metadata.db"))
                .database("db_a1b2c3d4e5", PASSWORD, Map.of())
                .concept("c_exact", "db_a1b2c3d4e5", Map.of("conditions",
                        "[{\"weight\": 3.141592653589793238462643383279502884197, \"floor\": 1e-400, \"deep\": "
                                + "[".repeat(600) + "]".repeat(600) + "}]"))
                .concept("c_nan", "db_a1b2c3d4e5", Map.of("conditions", "[{\"weight\": NaN}]"))
                .concept("c_surrogate", "db_a1b2c3d4e5", Map.of("joins", "[\"\\ud83d\"]"))
                .concept("c_nul", "db_a1b2c3d4e5", Map.of("description", "a\u0000b"));
        Sluice sluice = new Sluice(database);

        // when
        Sluice.Result result = sluice.run("migrate", store.file().toString());
        Sluice.Result again = sluice.run("migrate", store.file().toString());

        // then
        assertThat(result.exitCode()).as(result.out() + result.err()).isZero();
        assertThat(Rows.query(database, "SELECT id FROM concepts ORDER BY id")).extracting(row -> row.get("id")).containsExactly("c_exact");
        Object conditions = Rows.query(database, "SELECT conditions FROM concepts WHERE id = 'c_exact'").get(0).get("conditions");
        JsonNode stored = LegacyJson.mapper().readTree(String.valueOf(conditions)).get(0);
        assertThat(stored.get("weight").decimalValue()).isEqualByComparingTo("3.141592653589793238462643383279502884197");
        assertThat(stored.get("floor").decimalValue()).isEqualByComparingTo("1e-400");
        List<JsonNode> rejects = rejectLines(database);
        assertThat(rejects).extracting(line -> line.get("location").asString() + ": " + line.get("reason").asString())
                .anySatisfy(line -> assertThat(line).startsWith("concepts id=c_nan").contains("conditions/0/weight is NaN"))
                .anySatisfy(line -> assertThat(line).startsWith("concepts id=c_surrogate").contains("joins/0 holds an unpaired surrogate"))
                .anySatisfy(line -> assertThat(line).startsWith("concepts id=c_nul").contains("description holds the character U+0000"));
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(Rows.count(database, "concepts")).isEqualTo(1);
    }

    private static List<JsonNode> rejectLines(TestDatabase database) throws Exception {
        Path file;
        try (var files = Files.walk(database.dataDir().resolve("executions"))) {
            file = files.filter(path -> path.getFileName().toString().equals("rejects.jsonl")).findFirst().orElseThrow();
        }
        String text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        return text.lines().map(JsonMapper.builder().build()::readTree).toList();
    }
}
