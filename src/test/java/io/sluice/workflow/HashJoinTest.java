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
import java.util.Map;

import static io.sluice.workflow.OperatorRows.lists;
import static io.sluice.workflow.OperatorRows.readAll;
import static io.sluice.workflow.OperatorRows.row;
import static io.sluice.workflow.OperatorRows.schema;
import static io.sluice.workflow.OperatorRows.settings;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The join fed two row files, its rows read back. The expected rows are what pandas (1.5.3) gives for
 * {@code pd.merge(L, R, on='id', how=...)} on the same rows, written here as literals (pandas shows the
 * missing values of a float column as NaN and turns int columns with missing values into floats; here
 * they are null and whole). Where sluice's documented order differs from pandas 1.5's (inner: pandas 1.5
 * grouped rows by key, pandas 2.2 keeps left order as sluice does), the rows are compared in any order
 * and sluice's order is asserted on its own.
 */
class HashJoinTest {

    /** id is whole with a missing value; the right id is a float: an int key joins a float key of equal value. */
    private static final Schema LEFT = schema("id", ColumnType.LONG, "name", ColumnType.STRING, "v", ColumnType.LONG);
    private static final Schema RIGHT = schema("id", ColumnType.DOUBLE, "v", ColumnType.LONG, "w", ColumnType.STRING);

    @TempDir
    Path temp;

    private Path leftRows() throws IOException {
        Path file = temp.resolve("left.rows");
        RowFile.write(file, LEFT, List.of(row(1L, "a", 10L), row(2L, "b", 20L), row(null, "n", 30L), row(3L, "c", 40L), row(2L, "b2", 50L), row(5L, "e", 60L)));
        return file;
    }

    private Path rightRows() throws IOException {
        Path file = temp.resolve("right.rows");
        RowFile.write(file, RIGHT, List.of(row(2.0, 200L, "x"), row(3.0, 300L, "y"), row(Double.NaN, 900L, "z"), row(4.0, 400L, "q"), row(2.0, 222L, "x2"), row(7.5, 750L, "r")));
        return file;
    }

    /** Budgets: the right side in memory, and a grace hash join (every right row past the budget). */
    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void an_inner_join_on_one_key_gives_left_order_with_matches_in_right_order_and_missing_keys_match(long budget) throws IOException {
        // given
        HashJoin join = join(budget, "how", "inner", "on", "id");
        List<Long> lines = new ArrayList<>();

        // when
        List<List<Object>> rows = joinAll(join, lines);

        // then: pandas' columns, and its rows
        assertThat(join.output().names()).containsExactly("id", "name", "v_x", "v_y", "w");
        assertThat(join.output().column(0).type()).isEqualTo(ColumnType.DOUBLE);
        assertThat(rows).containsExactlyInAnyOrderElementsOf(lists(
                row(2.0, "b", 20L, 200L, "x"), row(2.0, "b", 20L, 222L, "x2"), row(2.0, "b2", 50L, 200L, "x"), row(2.0, "b2", 50L, 222L, "x2"),
                row(null, "n", 30L, 900L, "z"), row(3.0, "c", 40L, 300L, "y")));
        assertThat(rows).extracting(r -> r.get(1) + "/" + r.get(4)).containsExactly("b/x", "b/x2", "n/z", "c/y", "b2/x", "b2/x2");
        assertThat(lines).containsExactly(2L, 2L, 3L, 4L, 5L, 5L);
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void a_left_join_keeps_every_left_row_in_order(long budget) throws IOException {
        // given
        HashJoin join = join(budget, "how", "left", "on", "id");
        List<Long> lines = new ArrayList<>();

        // when
        List<List<Object>> rows = joinAll(join, lines);

        // then: pandas: pd.merge(L, R, on='id', how='left'), in its order
        assertThat(rows).isEqualTo(lists(
                row(1.0, "a", 10L, null, null), row(2.0, "b", 20L, 200L, "x"), row(2.0, "b", 20L, 222L, "x2"), row(null, "n", 30L, 900L, "z"),
                row(3.0, "c", 40L, 300L, "y"), row(2.0, "b2", 50L, 200L, "x"), row(2.0, "b2", 50L, 222L, "x2"), row(5.0, "e", 60L, null, null)));
        assertThat(lines).containsExactly(1L, 2L, 2L, 3L, 4L, 5L, 5L, 6L);
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void a_right_join_gives_right_order_with_matches_in_left_order(long budget) throws IOException {
        // given
        HashJoin join = join(budget, "join_type", "right", "on", List.of("id"));
        List<Long> lines = new ArrayList<>();

        // when
        List<List<Object>> rows = joinAll(join, lines);

        // then: pandas: pd.merge(L, R, on='id', how='right'), in its order (the unmatched right rows have the right's key)
        assertThat(rows).isEqualTo(lists(
                row(2.0, "b", 20L, 200L, "x"), row(2.0, "b2", 50L, 200L, "x"), row(3.0, "c", 40L, 300L, "y"), row(null, "n", 30L, 900L, "z"),
                row(4.0, null, null, 400L, "q"), row(2.0, "b", 20L, 222L, "x2"), row(2.0, "b2", 50L, 222L, "x2"), row(7.5, null, null, 750L, "r")));
        assertThat(lines).containsExactly(2L, 5L, 4L, 3L, 4L, 2L, 5L, 6L);
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void an_outer_join_gives_the_left_rows_with_their_matches_then_the_unmatched_right_rows(long budget) throws IOException {
        // given: full, as Data Wrangler's UI says outer
        HashJoin join = join(budget, "mergeType", "full", "joinKey", "id");

        // when
        List<List<Object>> rows = joinAll(join, new ArrayList<>());

        // then: pandas' rows: pd.merge(L, R, on='id', how='outer'); the order is sluice's documented one
        List<List<Object>> pandas = lists(
                row(1.0, "a", 10L, null, null), row(2.0, "b", 20L, 200L, "x"), row(2.0, "b", 20L, 222L, "x2"), row(2.0, "b2", 50L, 200L, "x"),
                row(2.0, "b2", 50L, 222L, "x2"), row(null, "n", 30L, 900L, "z"), row(3.0, "c", 40L, 300L, "y"), row(5.0, "e", 60L, null, null),
                row(4.0, null, null, 400L, "q"), row(7.5, null, null, 750L, "r"));
        assertThat(rows).containsExactlyInAnyOrderElementsOf(pandas);
        assertThat(rows).extracting(r -> r.get(1) + "/" + r.get(4))
                .containsExactly("a/null", "b/x", "b/x2", "n/z", "c/y", "b2/x", "b2/x2", "e/null", "null/q", "null/r");
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void keys_of_other_names_keep_both_columns_and_overlapping_names_get_the_suffixes(long budget) throws IOException {
        // given: the right id named rid
        Path right = temp.resolve("rid.rows");
        RowFile.write(right, schema("rid", ColumnType.DOUBLE, "v", ColumnType.LONG, "w", ColumnType.STRING),
                List.of(row(2.0, 200L, "x"), row(4.0, 400L, "q")));
        HashJoin join = HashJoin.of(settings(new ArrayList<>(), "join", "how", "outer", "left_on", "id", "right_on", "rid", "suffixes", List.of("_l", "_r")),
                LEFT, schema("rid", ColumnType.DOUBLE, "v", ColumnType.LONG, "w", ColumnType.STRING), budget);

        // when
        List<List<Object>> rows;
        try (SourceRecords records = join.open(leftRows(), right)) {
            rows = readAll(records, new ArrayList<>());
        }

        // then: pandas: pd.merge(L, R2, left_on='id', right_on='rid', how='outer', suffixes=('_l', '_r'))
        assertThat(join.output().names()).containsExactly("id", "name", "v_l", "rid", "v_r", "w");
        assertThat(rows).containsExactlyInAnyOrderElementsOf(lists(
                row(1L, "a", 10L, null, null, null), row(2L, "b", 20L, 2.0, 200L, "x"), row(null, "n", 30L, null, null, null),
                row(3L, "c", 40L, null, null, null), row(2L, "b2", 50L, 2.0, 200L, "x"), row(5L, "e", 60L, null, null, null),
                row(null, null, null, 4.0, 400L, "q")));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void an_etl_core_join_plan_on_two_keys_of_one_name_keeps_each_key_once(long budget) throws IOException {
        // given: etl-core's join_plan step (left_on and right_on name the same columns)
        Schema people = schema("id", ColumnType.STRING, "year", ColumnType.LONG, "name", ColumnType.STRING);
        Path left = temp.resolve("people-l.rows");
        Path right = temp.resolve("people-r.rows");
        RowFile.write(left, people, List.of(row("1", 2020L, "Alice"), row("2", 2021L, "Bob"), row("1", 2021L, "Carol")));
        RowFile.write(right, people, List.of(row("1", 2021L, "Ann"), row("2", 2021L, "Ben"), row("1", 2020L, "Al")));
        HashJoin join = HashJoin.of(settings(new ArrayList<>(), "schema_mapping", "join_plan", Map.of("steps", List.of(Map.of(
                "left_port", "L", "right_port", "R", "left_on", List.of("id", "year"), "right_on", List.of("id", "year"), "how", "inner", "output_port", "J")))),
                people, people, budget);

        // when
        List<List<Object>> rows;
        try (SourceRecords records = join.open(left, right)) {
            rows = readAll(records, new ArrayList<>());
        }

        // then: pandas: L.merge(R, how='inner', left_on=['id', 'year'], right_on=['id', 'year']) (2.2's left order)
        assertThat(join.output().names()).containsExactly("id", "year", "name_x", "name_y");
        assertThat(rows).isEqualTo(lists(row("1", 2020L, "Alice", "Al"), row("2", 2021L, "Bob", "Ben"), row("1", 2021L, "Carol", "Ann")));
    }

    @Test
    void a_grace_join_leaves_nothing_behind_once_closed() throws IOException {
        // given
        HashJoin join = join(1, "how", "outer", "on", "id");

        // when
        try (SourceRecords records = join.open(leftRows(), rightRows())) {
            records.next();
        }

        // then
        try (var left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("left.rows", "right.rows");
        }
    }

    @Test
    void bad_settings_are_noted_against_the_node() {
        // given
        List<String> problems = new ArrayList<>();

        // when
        HashJoin unknownHow = HashJoin.of(settings(problems, "join", "how", "cross", "on", "id"), LEFT, RIGHT);
        HashJoin unknownKey = HashJoin.of(settings(problems, "join", "left_on", "id", "right_on", "key"), LEFT, RIGHT);
        HashJoin noKeys = HashJoin.of(settings(problems, "join", "how", "left"), LEFT, RIGHT);
        HashJoin uneven = HashJoin.of(settings(problems, "join", "left_on", List.of("id", "v"), "right_on", "id"), LEFT, RIGHT);
        HashJoin clash = HashJoin.of(settings(problems, "join", "on", "id", "suffixes", List.of("", "")), LEFT, RIGHT);
        HashJoin textWithNumber = HashJoin.of(settings(problems, "join", "left_on", "name", "right_on", "id"), LEFT, RIGHT);

        // then
        assertThat(List.of(java.util.Optional.ofNullable(unknownHow), java.util.Optional.ofNullable(unknownKey), java.util.Optional.ofNullable(noKeys),
                java.util.Optional.ofNullable(uneven), java.util.Optional.ofNullable(clash), java.util.Optional.ofNullable(textWithNumber))).allMatch(java.util.Optional::isEmpty);
        assertThat(problems).containsExactly(
                "node n1 (join) has how 'cross'; it must be inner, left, right, outer or full",
                "node n1 (join) joins on column key, which its right input does not have (columns: id, v, w)",
                "node n1 (join) has no join keys (on, or left_on and right_on)",
                "node n1 (join) has 2 left_on keys and 1 right_on keys; they pair up, so give as many of each",
                "node n1 (join) the join would have two columns named v; give other suffixes",
                "node n1 (join) joins column name (string) with column id (float); keys of a join must both be numbers or both be of one type");
    }

    private HashJoin join(long budget, Object... namesAndValues) {
        List<String> problems = new ArrayList<>();
        HashJoin join = HashJoin.of(settings(problems, "data_transformation", namesAndValues), LEFT, RIGHT, budget);
        assertThat(problems).isEmpty();
        return join;
    }

    private List<List<Object>> joinAll(HashJoin join, List<Long> lines) throws IOException {
        try (SourceRecords records = join.open(leftRows(), rightRows())) {
            return readAll(records, lines);
        }
    }
}
