package io.sluice.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.sluice.workflow.OperatorRows.lists;
import static io.sluice.workflow.OperatorRows.read;
import static io.sluice.workflow.OperatorRows.row;
import static io.sluice.workflow.OperatorRows.schema;
import static io.sluice.workflow.OperatorRows.settings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sort node fed rows directly, its output read back from its row file. The expected orders are what
 * pandas (1.5.3) gives for {@code df.sort_values(by, ascending, kind='stable', na_position='last')} on the same
 * rows (None and NaN as missing), written here as literals.
 */
class SortTest {

    private static final Schema PEOPLE = schema("name", ColumnType.STRING, "score", ColumnType.DOUBLE, "qty", ColumnType.LONG);

    @TempDir
    Path temp;

    /** id 0..7 by position. */
    private static List<Object[]> people() {
        return List.of(
                row("b", 2.0, 1L),
                row("a", null, 2L),
                row("c", 2.0, 3L),
                row("a", 1.5, null),
                row(null, 3.0, 1L),
                row("b", Double.NaN, 2L),
                row("a", 2.0, 1L),
                row("c", 1.5, 2L));
    }

    /** Budgets: everything in memory, a few rows a run, one row a run (more runs than one merge takes at once is tested below). */
    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 200, 1})
    void several_keys_one_descending_put_missing_values_last_under_each_key(long budget) throws IOException {
        // given: pandas: df.sort_values(['score', 'name'], ascending=[False, True], kind='stable', na_position='last')
        List<String> problems = new ArrayList<>();
        Sort sort = Sort.of(settings(problems, "data_transformation", "transformation_type", "sort",
                "sort_columns", List.of("score", "name"), "ascending", List.of(false, true)), PEOPLE, budget, temp);
        assertThat(problems).isEmpty();

        // when
        List<List<Object>> sorted = sortAll(sort, people());

        // then
        assertThat(sorted).isEqualTo(lists(
                row(null, 3.0, 1L),
                row("a", 2.0, 1L),
                row("b", 2.0, 1L),
                row("c", 2.0, 3L),
                row("a", 1.5, null),
                row("c", 1.5, 2L),
                row("a", null, 2L),
                row("b", Double.NaN, 2L)));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 150, 1})
    void a_whole_number_key_then_a_descending_text_key_keep_missing_values_last(long budget) throws IOException {
        // given: pandas: df.sort_values(['qty', 'name'], ascending=[True, False], kind='stable', na_position='last')
        Sort sort = Sort.of(settings(new ArrayList<>(), "sort", "by", List.of("qty", "name"), "ascending", List.of(true, false)), PEOPLE, budget, temp);

        // when
        List<List<Object>> sorted = sortAll(sort, people());

        // then
        assertThat(sorted).isEqualTo(lists(
                row("b", 2.0, 1L),
                row("a", 2.0, 1L),
                row(null, 3.0, 1L),
                row("c", 1.5, 2L),
                row("b", Double.NaN, 2L),
                row("a", null, 2L),
                row("c", 2.0, 3L),
                row("a", 1.5, null)));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void rows_with_equal_keys_keep_their_input_order_ascending_and_descending(long budget) throws IOException {
        // given: pandas: df.sort_values('name', ascending=False, kind='stable') keeps the qty order within a name
        Sort sort = Sort.of(settings(new ArrayList<>(), "sort", "columns", "name", "ascending", false), PEOPLE, budget, temp);

        // when
        List<List<Object>> sorted = sortAll(sort, people());

        // then
        assertThat(sorted).isEqualTo(lists(
                row("c", 2.0, 3L),
                row("c", 1.5, 2L),
                row("b", 2.0, 1L),
                row("b", Double.NaN, 2L),
                row("a", null, 2L),
                row("a", 1.5, null),
                row("a", 2.0, 1L),
                row(null, 3.0, 1L)));
    }

    @Test
    void whole_numbers_near_the_64_bit_limit_and_booleans_keep_their_exact_order() throws IOException {
        // given values that would tie as doubles (2^63 - 1 and 2^63 - 2), and booleans (false before true, as pandas)
        Schema schema = schema("n", ColumnType.LONG, "b", ColumnType.BOOLEAN);
        Sort sort = Sort.of(settings(new ArrayList<>(), "sort", "sort_columns", List.of("b", "n")), schema, 1, temp);

        // when
        List<List<Object>> sorted = sortAll(sort, List.of(row(Long.MAX_VALUE, true), row(Long.MAX_VALUE - 1, true),
                row(-5L, false), row(null, false), row(7L, null)));

        // then
        assertThat(sorted).isEqualTo(lists(row(-5L, false), row(null, false), row(Long.MAX_VALUE - 1, true),
                row(Long.MAX_VALUE, true), row(7L, null)));
    }

    @Test
    void more_runs_than_one_merge_takes_are_merged_in_levels_into_the_same_stable_order_as_an_in_memory_sort() throws IOException {
        // given 1,000 rows, one run each (more than FAN_IN = 64), with many equal keys and missing values
        Random random = new Random(42);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            rows.add(row(random.nextInt(10) == 0 ? null : "k" + random.nextInt(5), random.nextInt(7) == 0 ? null : (double) random.nextInt(4), (long) i));
        }
        Sort sort = Sort.of(settings(new ArrayList<>(), "sort", "sort_columns", List.of("name", "score"), "ascending", List.of(true, false)), PEOPLE, 1, temp);

        // when
        List<List<Object>> sorted = sortAll(sort, rows);

        // then: in order by name (missing last), then score descending (missing last), then by position (the qty column)
        assertThat(sorted).hasSize(1000);
        for (int i = 1; i < sorted.size(); i++) {
            List<Object> a = sorted.get(i - 1);
            List<Object> b = sorted.get(i);
            int byName = nullsLast(a.get(0), b.get(0), false);
            int byScore = byName != 0 ? byName : nullsLast(a.get(1), b.get(1), true);
            assertThat(byScore != 0 ? byScore : Long.compare((Long) a.get(2), (Long) b.get(2))).as("rows %s and %s", a, b).isNegative();
        }
    }

    @Test
    void the_spill_folder_is_deleted_on_close() throws IOException {
        // given
        Sort sort = Sort.of(settings(new ArrayList<>(), "sort", "sort_columns", "name"), PEOPLE, 1, temp.resolve("spill"));
        for (Object[] row : people()) {
            sort.add(row);
        }
        assertThat(sort.spilledRuns()).isEqualTo(8);
        sort.finish(temp.resolve("out.rows"));

        // when
        sort.close();

        // then
        try (var left = Files.list(temp.resolve("spill"))) {
            assertThat(left).isEmpty();
        }
        assertThat(read(temp.resolve("out.rows"))).hasSize(8);
    }

    @Test
    void an_unknown_column_and_a_direction_that_is_not_a_boolean_are_noted_against_the_node() {
        // given
        List<String> problems = new ArrayList<>();

        // when
        Sort unknown = Sort.of(settings(problems, "sort", "sort_columns", List.of("name", "price")), PEOPLE);
        Sort badDirection = Sort.of(settings(problems, "sort", "sort_columns", "name", "ascending", "upwards"), PEOPLE);
        Sort badCount = Sort.of(settings(problems, "sort", "sort_columns", List.of("name"), "ascending", List.of(true, false)), PEOPLE);
        Sort none = Sort.of(settings(problems, "sort"), PEOPLE);

        // then
        assertThat(unknown).isNull();
        assertThat(badDirection).isNull();
        assertThat(badCount).isNull();
        assertThat(none).isNull();
        assertThat(problems).containsExactly(
                "node n1 (sort) sorts by column price, which its input does not have (columns: name, score, qty)",
                "node n1 (sort) has ascending 'upwards' for column name; it must be true or false (or asc/desc)",
                "node n1 (sort) has 2 ascending values for 1 sort columns; give one, or one per column",
                "node n1 (sort) has no sort_columns");
    }

    @Test
    void keys_given_as_objects_with_an_order_are_read_as_their_directions() throws IOException {
        // given
        Sort sort = Sort.of(settings(new ArrayList<>(), "sort", "sort_columns",
                List.of(java.util.Map.of("column", "qty", "order", "desc"), java.util.Map.of("column", "name", "ascending", true))), PEOPLE, 1L << 20, temp);

        // when
        List<List<Object>> sorted = sortAll(sort, people());

        // then: pandas: df.sort_values(['qty', 'name'], ascending=[False, True], kind='stable', na_position='last')
        assertThat(sorted).extracting(r -> r.get(2)).containsExactly(3L, 2L, 2L, 2L, 1L, 1L, 1L, null);
        assertThat(sorted).extracting(r -> r.get(0)).containsExactly("c", "a", "b", "c", "a", "b", null, "a");
    }

    private List<List<Object>> sortAll(Sort sort, List<Object[]> rows) throws IOException {
        Path out = temp.resolve("sorted-" + System.nanoTime() + ".rows");
        try (sort) {
            for (Object[] row : rows) {
                sort.add(row);
            }
            assertThat(sort.finish(out)).isEqualTo(rows.size());
        }
        return read(out);
    }

    private static int nullsLast(Object a, Object b, boolean descending) {
        if (a == null || b == null) {
            return a == b ? 0 : a == null ? 1 : -1;
        }
        @SuppressWarnings("unchecked")
        int c = ((Comparable<Object>) a).compareTo(b);
        return descending ? -c : c;
    }
}
