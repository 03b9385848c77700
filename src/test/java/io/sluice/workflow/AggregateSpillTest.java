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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.sluice.workflow.OperatorRows.read;
import static io.sluice.workflow.OperatorRows.row;
import static io.sluice.workflow.OperatorRows.schema;
import static io.sluice.workflow.OperatorRows.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The aggregate node fed rows directly, its output read back from its row file, with budgets small enough
 * that its groups go to bucket files (and buckets are split again). The expected values are what pandas
 * (1.5.3) gives for {@code df.groupby(['k', 'g']).agg(...)} on the same rows, written here as literals.
 */
class AggregateSpillTest {

    private static final Schema ROWS = schema("k", ColumnType.STRING, "g", ColumnType.LONG, "v", ColumnType.DOUBLE, "n", ColumnType.LONG);
    private static final double CLOSE = 1e-12;

    @TempDir
    Path temp;

    /** Fifteen rows; two have a missing key (k null, g null), which pandas' groupby leaves out. */
    private static List<Object[]> rows() {
        return List.of(
                row("a", 1L, 1.5, 10L),
                row("b", 2L, 2.0, 20L),
                row("a", 1L, null, 30L),
                row(null, 1L, 4.0, 40L),
                row("a", 2L, 3.5, 50L),
                row("b", 2L, Double.NaN, 60L),
                row("a", 1L, 2.5, 10L),
                row("c", 1L, 7.0, null),
                row("b", 2L, 2.0, 20L),
                row("a", 2L, -1.0, 70L),
                row("c", 1L, 8.0, 80L),
                row("a", 1L, 1.5, 90L),
                row("b", null, 5.0, 100L),
                row("c", 1L, -0.0, 80L),
                row("b", 2L, 9.0, 20L));
    }

    private static List<Map<String, String>> everyFunction() {
        List<Map<String, String>> measures = new ArrayList<>();
        for (String function : List.of("count", "sum", "mean", "min", "max", "nunique", "median", "std")) {
            measures.add(Map.of("src", "v", "op", function));
        }
        for (String function : List.of("sum", "mean", "min", "max", "count_distinct")) {
            measures.add(Map.of("src", "n", "op", function));
        }
        measures.add(Map.of("src", "*", "op", "count", "dest", "rows"));
        return measures;
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1500, 300, 1})
    void every_function_gives_what_pandas_gives_whether_the_groups_spill_or_not(long budget) throws IOException {
        // given: pandas: df.groupby(['k', 'g']).agg(v_count=('v', 'count'), ..., rows=('v', 'size'))
        Aggregate aggregate = Aggregate.of(settings(new ArrayList<>(), "aggregate", "group_by", List.of("k", "g"),
                "aggregations", everyFunction()), ROWS, budget, temp);

        // when
        List<List<Object>> groups = aggregateAll(aggregate, rows());

        // then: groups in key order, as pandas sorts them; columns <column>_<function>
        assertThat(aggregate.output().names()).containsExactly("k", "g", "v_count", "v_sum", "v_mean", "v_min", "v_max", "v_nunique",
                "v_median", "v_std", "n_sum", "n_mean", "n_min", "n_max", "n_count_distinct", "rows");
        assertThat(groups).hasSize(4);
        assertGroup(groups.get(0), List.of("a", 1L, 3L, 5.5, 1.5, 2.5, 2L, 1.5, 140L, 35.0, 10L, 90L, 3L, 4L), 1.8333333333333333, 0.5773502691896257);
        assertGroup(groups.get(1), List.of("a", 2L, 2L, 2.5, -1.0, 3.5, 2L, 1.25, 120L, 60.0, 50L, 70L, 2L, 2L), 1.25, 3.181980515339464);
        assertGroup(groups.get(2), List.of("b", 2L, 3L, 13.0, 2.0, 9.0, 2L, 2.0, 120L, 30.0, 20L, 60L, 2L, 4L), 4.333333333333333, 4.041451884327381);
        assertGroup(groups.get(3), List.of("c", 1L, 3L, 15.0, -0.0, 8.0, 3L, 7.0, 160L, 80.0, 80L, 80L, 1L, 3L), 5.0, 4.358898943540674);
        assertThat(aggregate.spilled()).isEqualTo(budget < 5000);
        assertNoSpillFilesLeft();
    }

    /** The group's values except its mean and std (at 4 and 9), which are compared within {@link #CLOSE}. */
    private static void assertGroup(List<Object> group, List<Object> exact, double mean, double std) {
        List<Object> others = new ArrayList<>(group);
        double actualStd = (Double) others.remove(9);
        double actualMean = (Double) others.remove(4);
        assertThat(others).isEqualTo(exact);
        assertThat(actualMean).isCloseTo(mean, within(CLOSE));
        assertThat(actualStd).isCloseTo(std, within(CLOSE));
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void float_sums_and_means_are_compensated_as_pandas_adds_them(long budget) throws IOException {
        // given ten rows of 67.9 in group a, and 0.1 three times in group b, interleaved with group c's one row:
        // pandas: df.groupby('k').agg(v_sum=('v', 'sum'), v_mean=('v', 'mean')) gives 679.0 and 67.9,
        // 0.30000000000000004 and 0.10000000000000002, 1.0 and 1.0 (a plain float sum gives 678.9999999999999)
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(row("a", 1L, 67.9, 1L));
            if (i < 3) {
                rows.add(row("b", 1L, 0.1, 1L));
            }
        }
        rows.add(row("c", 1L, 1.0, 1L));
        Aggregate aggregate = Aggregate.of(settings(new ArrayList<>(), "aggregate", "group_columns", List.of("k"),
                "aggregation_functions", Map.of("v", List.of("sum", "mean"))), ROWS, budget, temp);

        // when
        List<List<Object>> groups = aggregateAll(aggregate, rows);

        // then
        assertThat(groups).containsExactly(List.of("a", 679.0, 67.9), List.of("b", 0.30000000000000004, 0.10000000000000002),
                List.of("c", 1.0, 1.0));
        assertThat(aggregate.spilled()).isEqualTo(budget == 1);
    }

    @ParameterizedTest(name = "budget {0} bytes")
    @ValueSource(longs = {1L << 20, 1})
    void without_group_columns_all_rows_are_one_group_held_whole_however_small_the_budget(long budget) throws IOException {
        // given: pandas: s = df['v']; s.count(), s.sum(), s.mean(), s.median(), s.std(), s.nunique(), len(s), s.min(), s.max()
        List<Map<String, String>> measures = new ArrayList<>();
        for (String function : List.of("count", "sum", "mean", "median", "std", "nunique", "min", "max")) {
            measures.add(Map.of("src", "v", "op", function));
        }
        measures.add(Map.of("src", "*", "op", "count", "dest", "rows"));
        Aggregate aggregate = Aggregate.of(settings(new ArrayList<>(), "aggregate", "group_by", List.of(), "aggregations", measures), ROWS, budget, temp);

        // when
        List<List<Object>> groups = aggregateAll(aggregate, rows());

        // then: 13 4.5e1 3.4615384615384617 2.5 3.0445411426405076 11 15 -1.0 9.0
        assertThat(groups).hasSize(1);
        List<Object> all = groups.get(0);
        assertThat(all.get(0)).isEqualTo(13L);
        assertThat((Double) all.get(1)).isCloseTo(45.0, within(CLOSE));
        assertThat((Double) all.get(2)).isCloseTo(3.4615384615384617, within(CLOSE));
        assertThat(all.get(3)).isEqualTo(2.5);
        assertThat((Double) all.get(4)).isCloseTo(3.0445411426405076, within(CLOSE));
        assertThat(all.subList(5, 9)).isEqualTo(List.of(11L, -1.0, 9.0, 15L));
        assertThat(aggregate.spilled()).isFalse();
    }

    @Test
    void many_groups_past_a_tiny_budget_split_again_and_give_the_same_rows_as_in_memory_and_as_a_plain_computation() throws IOException {
        // given 30,000 rows of about 2,000 groups (some keys missing), a budget of about ten groups
        Random random = new Random(11);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            String k = random.nextInt(50) == 0 ? null : "k" + random.nextInt(40);
            Long g = (long) random.nextInt(50);
            Double v = random.nextInt(30) == 0 ? null : Math.round(random.nextGaussian() * 1000) / 8.0;
            rows.add(row(k, g, v, (long) random.nextInt(7)));
        }
        Settings every = settings(new ArrayList<>(), "aggregate", "group_by", List.of("k", "g"), "aggregations", everyFunction());

        // when
        Aggregate spilling = Aggregate.of(every, ROWS, 2_000, temp);
        List<List<Object>> spilled = aggregateAll(spilling, rows);
        List<List<Object>> inMemory = aggregateAll(Aggregate.of(every, ROWS, 1L << 30, temp), rows);

        // then: the same values to the bit (states combine in input order), in the same order
        assertThat(spilling.spilled()).isTrue();
        assertThat(spilled).isEqualTo(inMemory);
        assertThat(spilled).extracting(group -> group.get(0) + "/" + group.get(1)).containsExactlyElementsOf(plain(rows).keySet());
        Map<String, List<Double>> values = plain(rows);
        for (List<Object> group : spilled) {
            List<Double> own = values.get(group.get(0) + "/" + group.get(1));
            List<Double> present = own.stream().filter(x -> x != null).sorted().toList();
            assertThat(group.get(2)).isEqualTo((long) present.size());
            assertThat((Double) group.get(3)).isCloseTo(present.stream().mapToDouble(Double::doubleValue).sum(), within(1e-6));
            if (!present.isEmpty()) {
                assertThat(group.get(5)).isEqualTo(present.get(0));
                assertThat(group.get(6)).isEqualTo(present.get(present.size() - 1));
                int n = present.size();
                assertThat(group.get(8)).isEqualTo(n % 2 == 1 ? present.get(n / 2) : (present.get(n / 2 - 1) + present.get(n / 2)) / 2);
            }
            assertThat(group.get(7)).isEqualTo(present.stream().distinct().count());
            assertThat(group.get(15)).isEqualTo((long) own.size());
        }
        assertNoSpillFilesLeft();
    }

    /** The v values of each group whose key is present, in key order ("k/g", k by text then g by number). */
    private static Map<String, List<Double>> plain(List<Object[]> rows) {
        TreeMap<List<Comparable<?>>, List<Double>> groups = new TreeMap<>((a, b) -> {
            int c = ((String) a.get(0)).compareTo((String) b.get(0));
            return c != 0 ? c : Long.compare((Long) a.get(1), (Long) b.get(1));
        });
        for (Object[] row : rows) {
            if (row[0] != null && row[1] != null) {
                groups.computeIfAbsent(List.of((String) row[0], (Long) row[1]), key -> new ArrayList<>()).add((Double) row[2]);
            }
        }
        Map<String, List<Double>> byName = new java.util.LinkedHashMap<>();
        groups.forEach((key, values) -> byName.put(key.get(0) + "/" + key.get(1), values));
        return byName;
    }

    private void assertNoSpillFilesLeft() throws IOException {
        try (var left = Files.list(temp)) {
            assertThat(left.filter(Files::isDirectory)).allSatisfy(folder -> assertThat(Files.list(folder)).isEmpty());
        }
    }

    private List<List<Object>> aggregateAll(Aggregate aggregate, List<Object[]> rows) throws IOException {
        Path out = temp.resolve("groups-" + System.nanoTime() + ".rows");
        long written;
        try (aggregate) {
            for (Object[] row : rows) {
                aggregate.add(Arrays.copyOf(row, row.length));
            }
            written = aggregate.finish(out);
        }
        List<List<Object>> groups = read(out);
        assertThat(written).isEqualTo(groups.size());
        Files.delete(out);
        return groups;
    }
}
