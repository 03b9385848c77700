package io.sluice.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.sluice.workflow.OperatorRows.lists;
import static io.sluice.workflow.OperatorRows.read;
import static io.sluice.workflow.OperatorRows.row;
import static io.sluice.workflow.OperatorRows.schema;
import static io.sluice.workflow.OperatorRows.settings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dedupe node fed rows directly, its output read back from its row file. The expected rows are what
 * pandas (1.5.3) gives for {@code df.drop_duplicates(subset, keep)} on the same rows, written here as
 * literals (pandas shows a float column's None as NaN; here the kept row's own value is shown).
 */
class DedupeTest {

    private static final Schema ROWS = schema("k", ColumnType.STRING, "v", ColumnType.DOUBLE, "n", ColumnType.LONG);

    @TempDir
    Path temp;

    private static List<Object[]> rows() {
        return List.of(
                row("a", 1.0, 1L),
                row("b", 2.0, 1L),
                row("a", 1.0, 2L),
                row(null, Double.NaN, 3L),
                row("b", 2.5, 4L),
                row(null, null, 5L),
                row("a", 1.0, 6L),
                row("c", null, 7L),
                row("c", Double.NaN, 8L),
                row("b", 2.0, 1L));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 300, 1})
    void keep_first_keeps_each_keys_first_row_with_missing_values_equal_to_each_other(long budget) throws IOException {
        // given: pandas: df.drop_duplicates(subset=['k', 'v'], keep='first')
        Dedupe dedupe = Dedupe.of(settings(new ArrayList<>(), "data_transformation", "transformation_type", "drop_duplicates",
                "subset", List.of("k", "v")), ROWS, budget, temp);

        // when
        List<List<Object>> kept = dedupeAll(dedupe, rows());

        // then
        assertThat(kept).isEqualTo(lists(row("a", 1.0, 1L), row("b", 2.0, 1L), row(null, Double.NaN, 3L), row("b", 2.5, 4L), row("c", null, 7L)));
        assertThat(dedupe.spilled()).isEqualTo(budget < 1000);
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 300, 1})
    void keep_last_keeps_each_keys_last_row_in_the_order_of_those_rows(long budget) throws IOException {
        // given: pandas: df.drop_duplicates(subset=['k', 'v'], keep='last')
        Dedupe dedupe = Dedupe.of(settings(new ArrayList<>(), "deduplicate", "columns", List.of("k", "v"), "keep", "last"), ROWS, budget, temp);

        // when
        List<List<Object>> kept = dedupeAll(dedupe, rows());

        // then
        assertThat(kept).isEqualTo(lists(row("b", 2.5, 4L), row(null, null, 5L), row("a", 1.0, 6L), row("c", Double.NaN, 8L), row("b", 2.0, 1L)));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 300, 1})
    void keep_false_drops_every_row_whose_key_is_repeated(long budget) throws IOException {
        // given: pandas: df.drop_duplicates(subset=['k', 'v'], keep=False) and df.drop_duplicates(subset='n', keep=False)
        Dedupe byKey = Dedupe.of(settings(new ArrayList<>(), "drop_duplicates", "subset", List.of("k", "v"), "keep", false), ROWS, budget, temp);
        Dedupe byNumber = Dedupe.of(settings(new ArrayList<>(), "drop_duplicates", "subset", "n", "keep", "false"), ROWS, budget, temp);

        // when
        List<List<Object>> keptByKey = dedupeAll(byKey, rows());
        List<List<Object>> keptByNumber = dedupeAll(byNumber, rows());

        // then
        assertThat(keptByKey).isEqualTo(lists(row("b", 2.5, 4L)));
        assertThat(keptByNumber).isEqualTo(lists(row("a", 1.0, 2L), row(null, Double.NaN, 3L), row("b", 2.5, 4L), row(null, null, 5L),
                row("a", 1.0, 6L), row("c", null, 7L), row("c", Double.NaN, 8L)));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void without_a_subset_all_columns_are_the_key(long budget) throws IOException {
        // given: pandas: df.drop_duplicates() (only the last row repeats a whole row, the second)
        Dedupe dedupe = Dedupe.of(settings(new ArrayList<>(), "remove_duplicates"), ROWS, budget, temp);

        // when
        List<List<Object>> kept = dedupeAll(dedupe, rows());

        // then
        assertThat(kept).isEqualTo(lists(rows().subList(0, 9).toArray(Object[][]::new)));
    }

    @Test
    void a_whole_number_and_a_float_of_equal_value_are_one_key() throws IOException {
        // given: pandas: pd.DataFrame({'x': [1, 1.0, 2, 2.5, nan, None]}).drop_duplicates() keeps positions 0, 2, 3, 4
        Schema schema = schema("x", ColumnType.DOUBLE);
        Dedupe dedupe = Dedupe.of(settings(new ArrayList<>(), "drop_duplicates"), schema, 1, temp);

        // when
        List<List<Object>> kept = dedupeAll(dedupe, List.of(row(1L), row(1.0), row(2L), row(2.5), row(Double.NaN), row((Object) null), row(-0.0), row(0L)));

        // then: and -0.0 equals 0 as in pandas
        assertThat(kept).isEqualTo(lists(row(1L), row(2L), row(2.5), row(Double.NaN), row(-0.0)));
    }

    @Test
    void many_keys_past_a_small_budget_split_into_buckets_and_come_back_in_input_order() throws IOException {
        // given 5,000 rows of 700 keys (some missing), a budget of about ten rows, so buckets are split again
        Random random = new Random(7);
        List<Object[]> rows = new ArrayList<>();
        for (long i = 0; i < 5000; i++) {
            rows.add(row(random.nextInt(20) == 0 ? null : "k" + random.nextInt(35), (double) random.nextInt(20), i));
        }
        for (Dedupe.Keep keep : Dedupe.Keep.values()) {
            Dedupe dedupe = Dedupe.of(settings(new ArrayList<>(), "drop_duplicates", "subset", List.of("k", "v"), "keep",
                    keep == Dedupe.Keep.NONE ? "false" : keep.name().toLowerCase()), ROWS, 2_000, temp);

            // when
            List<List<Object>> kept = dedupeAll(dedupe, rows);

            // then: as a hash table of every key in memory keeps them
            assertThat(kept).as("keep %s", keep).isEqualTo(inMemory(rows, keep));
        }
        try (var left = Files.list(temp)) {
            assertThat(left.filter(Files::isDirectory)).allSatisfy(folder -> assertThat(Files.list(folder)).isEmpty());
        }
    }

    @Test
    void an_unknown_column_and_an_unknown_keep_are_noted_against_the_node() {
        // given
        List<String> problems = new ArrayList<>();

        // when
        Dedupe unknown = Dedupe.of(settings(problems, "drop_duplicates", "subset", List.of("k", "price")), ROWS);
        Dedupe badKeep = Dedupe.of(settings(problems, "drop_duplicates", "keep", "middle"), ROWS);

        // then
        assertThat(unknown).isNull();
        assertThat(badKeep).isNull();
        assertThat(problems).containsExactly(
                "node n1 (drop_duplicates) dedupes by column price, which its input does not have (columns: k, v, n)",
                "node n1 (drop_duplicates) has keep 'middle'; it must be first, last or false");
    }

    /** The kept rows as a plain in-memory pass computes them: a map of key to its rows' positions. */
    private static List<List<Object>> inMemory(List<Object[]> rows, Dedupe.Keep keep) {
        Map<List<Object>, List<Integer>> positions = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            positions.computeIfAbsent(Arrays.asList(rows.get(i)[0], rows.get(i)[1]), k -> new ArrayList<>()).add(i);
        }
        boolean[] kept = new boolean[rows.size()];
        for (List<Integer> at : positions.values()) {
            switch (keep) {
                case FIRST -> kept[at.get(0)] = true;
                case LAST -> kept[at.get(at.size() - 1)] = true;
                case NONE -> kept[at.get(0)] = at.size() == 1;
            }
        }
        List<List<Object>> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            if (kept[i]) {
                out.add(Arrays.asList(rows.get(i)));
            }
        }
        return out;
    }

    private List<List<Object>> dedupeAll(Dedupe dedupe, List<Object[]> rows) throws IOException {
        Path out = temp.resolve("kept-" + System.nanoTime() + ".rows");
        long written;
        try (dedupe) {
            for (Object[] row : rows) {
                dedupe.add(row);
            }
            written = dedupe.finish(out);
        }
        List<List<Object>> kept = read(out);
        assertThat(written).isEqualTo(kept.size());
        Files.delete(out);
        return kept;
    }
}
