package io.sluice.workflow;

import io.sluice.InvalidInputException;
import io.sluice.testing.Executions;
import io.sluice.testing.Sluice;
import io.sluice.testing.TestDatabase;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The nodes that need a first pass over their input, run directly on rows and end to end (CSV in, the
 * node, CSV out). Expected values were produced by pandas 1.5.3 where the comments say so; the z-scores
 * are what scikit-learn's StandardScaler computes (population deviation), produced with pandas'
 * {@code std(ddof=0)}.
 */
class TwoPassNodesTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path temp;

    @Nested
    class FillMissing_ {

        // id, age (whole numbers), score (floats), city (text), with gaps in each
        private final Schema people = schema("id", ColumnType.LONG, "age", ColumnType.LONG, "score", ColumnType.DOUBLE, "city", ColumnType.STRING);
        private final List<Object[]> rows = List.of(
                row(1L, 30L, 1.5, "Oslo"),
                row(2L, null, 2.5, null),
                row(3L, 20L, null, "Bergen"),
                row(4L, 25L, 4.0, "Bergen"),
                row(5L, null, 2.5, "Oslo"),
                row(6L, 27L, 2.5, null));

        @Test
        void data_wranglers_fill_strategies_fill_with_the_mean_the_median_and_the_mode_as_pandas() throws Exception {
            // given Data Wrangler's handle_dict: fill (the mean), fill_median, fill_mode
            BlockingNode node = blocking("""
                    {"transformation_type": "handle_missing", "handle_dict": {"age": "fill", "score": "fill_median", "city": "fill_mode"}}""", people);

            // when
            List<Object[]> out = run(node, rows);

            // then pandas: age mean 25.5, score median 2.5, city mode Bergen (Bergen and Oslo twice each: the smaller);
            // the whole-number age becomes a float column as in pandas
            assertThat(node.output().column(1).type()).isEqualTo(ColumnType.DOUBLE);
            assertThat(out).containsExactly(
                    row(1L, 30.0, 1.5, "Oslo"),
                    row(2L, 25.5, 2.5, "Bergen"),
                    row(3L, 20.0, 2.5, "Bergen"),
                    row(4L, 25.0, 4.0, "Bergen"),
                    row(5L, 25.5, 2.5, "Oslo"),
                    row(6L, 27.0, 2.5, "Bergen"));
        }

        @Test
        void the_stored_workflows_strategy_and_columns_fill_with_the_median_and_the_mode() throws Exception {
            // given the fixtures' shape: one strategy for the columns listed
            BlockingNode median = blocking("""
                    {"transformation_type": "handle_missing", "strategy": "median", "columns": ["age"]}""", people);
            BlockingNode mode = blocking("""
                    {"transformation_type": "handle_missing", "strategy": "mode", "columns": ["age", "score"]}""", people);

            // when
            List<Object[]> medians = run(median, rows);
            List<Object[]> modes = run(mode, rows);

            // then pandas: age median 26.0; age mode 20 (all once: the smallest, a whole number kept), score mode 2.5
            assertThat(medians).extracting(r -> r[1]).containsExactly(30.0, 26.0, 20.0, 25.0, 26.0, 27.0);
            assertThat(mode.output().column(1).type()).isEqualTo(ColumnType.LONG);
            assertThat(modes).extracting(r -> r[1]).containsExactly(30L, 20L, 20L, 25L, 20L, 27L);
            assertThat(modes).extracting(r -> r[2]).containsExactly(1.5, 2.5, 2.5, 4.0, 2.5, 2.5);
        }

        @Test
        void a_drop_before_a_fill_leaves_the_dropped_rows_out_of_the_mean_as_pandas_in_turn() throws Exception {
            // given age dropped first, then score filled with its mean
            BlockingNode node = blocking("""
                    {"transformation_type": "handle_missing", "handle_dict": {"age": "drop", "score": "mean"}}""", people);

            // when
            List<Object[]> out = run(node, rows);

            // then pandas: dropna(subset=[age]), then score's mean over rows 1, 3, 4, 6 = 2.6666666666666665
            assertThat(out).containsExactly(
                    row(1L, 30L, 1.5, "Oslo"),
                    row(3L, 20L, 2.6666666666666665, "Bergen"),
                    row(4L, 25L, 4.0, "Bergen"),
                    row(6L, 27L, 2.5, null));
        }

        @Test
        void a_column_with_no_value_keeps_its_nulls() throws Exception {
            // given a score column that is all null
            BlockingNode node = blocking("""
                    {"transformation_type": "handle_missing", "strategy": "mean", "columns": ["score"]}""", people);

            // when
            List<Object[]> out = run(node, List.of(row(1L, 1L, null, "a"), row(2L, 2L, null, "b")));

            // then pandas: the mean is NaN, fillna leaves NaN
            assertThat(out).extracting(r -> r[2]).containsExactly(null, null);
        }

        @Test
        void a_mean_of_text_and_an_unknown_strategy_are_refused_naming_the_node() {
            // given
            List<String> problems = new ArrayList<>();

            // when
            Object text = TwoPassNodes.blockingNode(settings("fill", """
                    {"transformation_type": "handle_missing", "handle_dict": {"city": "mean"}}""", problems), people);
            Object unknown = TwoPassNodes.blockingNode(settings("fill2", """
                    {"transformation_type": "handle_missing", "handle_dict": {"age": "median", "score": "interpolate"}}""", problems), people);

            // then
            assertThat(text).isNull();
            assertThat(unknown).isNull();
            assertThat(problems).containsExactly(
                    "node fill (data_transformation) fills column city with its mean, but it holds string values, not numbers",
                    "node fill2 (data_transformation) fills missing values of column score with the strategy 'interpolate', which sluice does not know (drop, value, mean, median, mode)");
        }

        @Test
        void drop_and_value_alone_stay_row_operations() {
            assertThat(TwoPassNodes.kind(node("""
                    {"transformation_type": "handle_missing", "strategy": "drop", "columns": ["age"]}"""))).isNull();
            assertThat(TwoPassNodes.kind(node("""
                    {"transformation_type": "handle_missing", "strategy": "fill", "fill_value": 0}"""))).isNull();
            assertThat(TwoPassNodes.kind(node("""
                    {"transformation_type": "handle_missing", "strategy": "fill"}"""))).isEqualTo(WorkflowPlan.Kind.BLOCKING);
        }
    }

    @Nested
    class Normalize_ {

        private final Schema values = schema("x", ColumnType.LONG, "c", ColumnType.DOUBLE);
        private final List<Object[]> rows = List.of(row(1L, 3.0), row(2L, 3.0), row(null, 3.0), row(4L, 3.0), row(8L, null));

        @Test
        void min_max_scales_to_zero_one_keeps_nulls_and_gives_a_constant_column_zero() throws Exception {
            // given
            BlockingNode node = blocking("""
                    {"transformation_type": "normalize", "normalization_type": "min_max", "columns": ["x", "c"]}""", values);

            // when
            List<Object[]> out = run(node, rows);

            // then pandas over [1, 2, NaN, 4, 8]: (x - 1) / 7; MinMaxScaler gives a constant column 0
            assertThat(node.output().column(0).type()).isEqualTo(ColumnType.DOUBLE);
            assertThat(out).containsExactly(
                    row(0.0, 0.0), row(0.14285714285714285, 0.0), row(null, 0.0), row(0.42857142857142855, 0.0), row(1.0, null));
        }

        @Test
        void standard_scales_by_the_population_deviation_as_data_wranglers_standard_scaler() throws Exception {
            // given
            BlockingNode node = blocking("""
                    {"transformation_type": "normalize", "normalization_type": "standard"}""", values);

            // when
            List<Object[]> out = run(node, rows);

            // then pandas (x - mean) / std(ddof=0) over [1, 2, NaN, 4, 8]: mean 3.75, std 2.680951323690902
            double[] expected = {-1.025755289064345, -0.6527533657682196, Double.NaN, 0.09325048082403138, 1.5852581740085334};
            for (int i = 0; i < expected.length; i++) {
                if (Double.isNaN(expected[i])) {
                    assertThat(out.get(i)[0]).isNull();
                } else {
                    assertThat((Double) out.get(i)[0]).isCloseTo(expected[i], within(1e-15));
                }
            }
            assertThat(out).extracting(r -> r[1]).containsExactly(0.0, 0.0, 0.0, 0.0, null);
        }

        @Test
        void a_text_column_and_an_unknown_type_are_refused() {
            List<String> problems = new ArrayList<>();
            Schema mixed = schema("x", ColumnType.LONG, "name", ColumnType.STRING);
            assertThat(TwoPassNodes.blockingNode(settings("n", """
                    {"transformation_type": "normalize", "columns": ["name"]}""", problems), mixed)).isNull();
            assertThat(TwoPassNodes.blockingNode(settings("m", """
                    {"transformation_type": "normalize", "normalization_type": "robust"}""", problems), mixed)).isNull();
            assertThat(problems).containsExactly(
                    "node n (data_transformation) normalizes column name, which holds string values, not numbers",
                    "node m (data_transformation) has normalization_type 'robust' (min_max, standard)");
        }
    }

    @Nested
    class Binning_ {

        private final Schema values = schema("v", ColumnType.LONG);
        private final List<Object[]> rows = List.of(row(1L), row(2L), row(3L), row(4L), row(5L), row(10L), row((Object) null));

        @Test
        void a_bin_count_makes_equal_width_bins_widened_on_the_lowest_edge_with_pandas_interval_labels() throws Exception {
            // when
            List<Object> bins = binned(blocking("""
                    {"transformation_type": "binning", "columns": ["v"], "bins": 3}""", values), rows);
            List<Object> leftClosed = binned(blocking("""
                    {"transformation_type": "binning", "columns": ["v"], "bins": 3, "right": false}""", values), rows);

            // then pandas: pd.cut(v, 3) and pd.cut(v, 3, right=False)
            assertThat(bins).containsExactly("(0.991, 4.0]", "(0.991, 4.0]", "(0.991, 4.0]", "(0.991, 4.0]", "(4.0, 7.0]", "(7.0, 10.0]", null);
            assertThat(leftClosed).containsExactly("[1.0, 4.0)", "[1.0, 4.0)", "[1.0, 4.0)", "[4.0, 7.0)", "[4.0, 7.0)", "[7.0, 10.009)", null);
        }

        @Test
        void given_edges_bin_row_by_row_with_whole_number_labels_include_lowest_and_labels() {
            // when
            List<Object> plain = binned(edges("{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [0, 2, 5, 10]}"));
            List<Object> lowest = binned(edges("{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [0, 2, 5, 10], \"include_lowest\": true}"));
            List<Object> fromOne = binned(edges("{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [1, 2, 5, 10]}"));
            List<Object> fromOneLowest = binned(edges("{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [1, 2, 5, 10], \"include_lowest\": true}"));
            List<Object> labelled = binned(edges("{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [0, 2, 5, 10], \"labels\": [\"low\", \"mid\", \"high\"]}"));
            List<Object> codes = binned(edges("{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [0, 2, 5, 10], \"labels\": false}"));

            // then pandas' pd.cut with the same arguments (labels=False gives pandas float codes because of the NaN; sluice whole numbers)
            assertThat(plain).containsExactly("(0, 2]", "(0, 2]", "(2, 5]", "(2, 5]", "(2, 5]", "(5, 10]", null);
            assertThat(lowest).containsExactly("(-0.001, 2.0]", "(-0.001, 2.0]", "(2.0, 5.0]", "(2.0, 5.0]", "(2.0, 5.0]", "(5.0, 10.0]", null);
            assertThat(fromOne).containsExactly(null, "(1, 2]", "(2, 5]", "(2, 5]", "(2, 5]", "(5, 10]", null);
            assertThat(fromOneLowest).containsExactly("(0.999, 2.0]", "(0.999, 2.0]", "(2.0, 5.0]", "(2.0, 5.0]", "(2.0, 5.0]", "(5.0, 10.0]", null);
            assertThat(labelled).containsExactly("low", "low", "mid", "mid", "mid", "high", null);
            assertThat(codes).containsExactly(0L, 0L, 1L, 1L, 1L, 2L, null);
        }

        @Test
        void float_edges_are_rounded_to_three_decimals_or_to_three_significant_digits_below_one() throws Exception {
            Schema floats = schema("v", ColumnType.DOUBLE);

            // when
            List<Object> quarters = binned(blocking("{\"transformation_type\": \"binning\", \"columns\": [\"v\"], \"bins\": 4}", floats),
                    List.of(row(0.5), row(1.25), row(2.0), row(3.75)));
            List<Object> given = binned(TwoPassNodes.rowOperation(settings("b", "{\"transformation_type\": \"binning\", \"columns\": [\"v\"], \"bins\": [0.5, 1.5, 2.5, 4.0]}",
                    new ArrayList<>()), floats), List.of(row(0.5), row(1.25), row(2.0), row(3.75)));
            List<Object> constant = binned(blocking("{\"transformation_type\": \"binning\", \"columns\": [\"v\"], \"bins\": 2}", floats),
                    List.of(row(5.0), row(5.0), row(5.0)));
            List<Object> small = binned(blocking("{\"transformation_type\": \"binning\", \"columns\": [\"v\"], \"bins\": 2}", floats),
                    List.of(row(0.0011), row(0.0023), row(0.0035)));
            List<Object> negative = binned(blocking("{\"transformation_type\": \"binning\", \"columns\": [\"v\"], \"bins\": 2}", floats),
                    List.of(row(-3.0), row(0.0), row(7.5)));

            // then pandas' pd.cut with the same arguments
            assertThat(quarters).containsExactly("(0.497, 1.312]", "(0.497, 1.312]", "(1.312, 2.125]", "(2.938, 3.75]");
            assertThat(given).containsExactly(null, "(0.5, 1.5]", "(1.5, 2.5]", "(2.5, 4.0]");
            assertThat(constant).containsExactly("(4.995, 5.0]", "(4.995, 5.0]", "(4.995, 5.0]");
            assertThat(small).containsExactly("(0.0011, 0.0023]", "(0.0011, 0.0023]", "(0.0023, 0.0035]");
            assertThat(negative).containsExactly("(-3.01, 2.25]", "(-3.01, 2.25]", "(2.25, 7.5]");
        }

        @Test
        void edges_that_do_not_increase_and_labels_that_do_not_fit_are_refused() {
            List<String> problems = new ArrayList<>();
            assertThat(TwoPassNodes.rowOperation(settings("b1", "{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": [0, 5, 5]}", problems), values)).isNull();
            assertThat(TwoPassNodes.blockingNode(settings("b2", "{\"transformation_type\": \"binning\", \"column\": \"v\", \"bins\": 3, \"labels\": [\"a\", \"b\"]}", problems), values)).isNull();
            assertThat(TwoPassNodes.blockingNode(settings("b3", "{\"transformation_type\": \"binning\", \"column\": \"v\", \"binningMethod\": \"equal_frequency\"}", problems), values)).isNull();
            assertThat(problems).containsExactly(
                    "node b1 (data_transformation) has bin edges that do not increase ([0, 5, 5]); pandas' cut wants them increasing",
                    "node b2 (data_transformation) has 2 labels for 3 bins; pandas' cut wants one label a bin",
                    "node b3 (data_transformation) has binningMethod 'equal_frequency'; sluice bins by equal width or given edges (equal_width, custom)");
        }

        private RowOperation edges(String json) {
            List<String> problems = new ArrayList<>();
            assertThat(TwoPassNodes.kind(node(json))).isEqualTo(WorkflowPlan.Kind.ROW);
            RowOperation operation = TwoPassNodes.rowOperation(settings("bin", json, problems), values);
            assertThat(problems).isEmpty();
            return operation;
        }

        private List<Object> binned(RowOperation operation) {
            return binned(operation, rows);
        }

        private List<Object> binned(RowOperation operation, List<Object[]> input) {
            assertThat(operation.output().names()).containsExactly("v", "v_binned");
            return input.stream().map(r -> operation.apply(r)[1]).toList();
        }

        private List<Object> binned(BlockingNode node, List<Object[]> input) throws IOException {
            assertThat(node.output().names()).containsExactly("v", "v_binned");
            return run(node, input).stream().map(r -> r[1]).toList();
        }
    }

    @Nested
    class LimitAndSample {

        private final Schema ids = schema("id", ColumnType.LONG);

        @Test
        void a_limit_keeps_the_first_n_rows_and_all_of_a_shorter_input() throws Exception {
            // when
            List<Object[]> three = run(blocking("{\"transformation_type\": \"limit\", \"n\": 3}", ids), ids(10));
            List<Object[]> all = run(blocking("{\"transformation_type\": \"limit\", \"limit\": 30}", ids), ids(10));
            List<Object[]> topN = run(blocking("{\"transformation_type\": \"filter_rows\", \"filter_type\": \"top_n\"}", ids), ids(20));

            // then pandas' head(3), head(30), and Data Wrangler's top_n default head(10)
            assertThat(three).extracting(r -> r[0]).containsExactly(0L, 1L, 2L);
            assertThat(all).hasSize(10);
            assertThat(topN).extracting(r -> r[0]).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }

        @Test
        void a_seeded_sample_has_its_size_keeps_the_input_order_and_is_the_same_each_run() throws Exception {
            // given
            String json = "{\"transformation_type\": \"sample\", \"n\": 5, \"random_state\": 7}";

            // when
            List<Object> first = run(blocking(json, ids), ids(100)).stream().map(r -> r[0]).toList();
            List<Object> second = run(blocking(json, ids), ids(100)).stream().map(r -> r[0]).toList();

            // then
            assertThat(first).hasSize(5).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare((Long) a, (Long) b));
            assertThat(second).isEqualTo(first);
        }

        @Test
        void a_fraction_samples_round_half_to_even_of_the_rows_as_pandas() throws Exception {
            // when
            int quarter = run(blocking("{\"transformation_type\": \"sample\", \"frac\": 0.25, \"seed\": 1}", ids), ids(10)).size();
            int more = run(blocking("{\"transformation_type\": \"sample\", \"frac\": 0.35, \"seed\": 1}", ids), ids(10)).size();
            int half = run(blocking("{\"transformation_type\": \"sample\", \"frac\": 0.45, \"seed\": 1}", ids), ids(10)).size();
            int dataWranglers = run(blocking("{\"transformation_type\": \"filter_rows\", \"filter_type\": \"random_sample\", \"random_state\": 3}", ids), ids(30)).size();
            int everything = run(blocking("{\"transformation_type\": \"sample\", \"frac\": 1, \"seed\": 1}", ids), ids(10)).size();

            // then pandas' len(df.sample(frac=...)) over 10 rows: 2, 4, 4; Data Wrangler's default frac 0.1 of 30: 3
            assertThat(List.of(quarter, more, half, dataWranglers, everything)).containsExactly(2, 4, 4, 3, 10);
        }

        @Test
        void every_row_is_about_as_likely_to_be_sampled() throws Exception {
            // given 2,000 seeded samples of 3 rows of 10: each row is drawn 600 times on average
            int[] drawn = new int[10];
            for (int seed = 0; seed < 2000; seed++) {
                for (Object[] r : run(blocking("{\"transformation_type\": \"sample\", \"n\": 3, \"seed\": " + seed + "}", ids), ids(10))) {
                    drawn[(int) (long) (Long) r[0]]++;
                }
            }

            // then each count within 5 standard deviations (about 102) of 600
            assertThat(Arrays.stream(drawn).boxed().toList()).allSatisfy(count -> assertThat(count).isBetween(500, 700));
        }

        @Test
        void a_sample_larger_than_its_input_fails_with_the_node_named_and_bad_settings_are_refused() {
            // given
            BlockingNode node = blocking("{\"transformation_type\": \"sample\", \"n\": 5, \"seed\": 1}", ids);
            List<String> problems = new ArrayList<>();

            // when / then
            assertThatThrownBy(() -> run(node, ids(3))).isInstanceOf(InvalidInputException.class)
                    .hasMessage("node node (data_transformation) samples n=5 rows from an input of 3 rows; a sample without replacement cannot be larger than its input");
            assertThat(TwoPassNodes.blockingNode(settings("s1", "{\"transformation_type\": \"sample\", \"frac\": 1.5}", problems), ids)).isNull();
            assertThat(TwoPassNodes.blockingNode(settings("s2", "{\"transformation_type\": \"sample\", \"n\": 2, \"frac\": 0.5}", problems), ids)).isNull();
            assertThat(TwoPassNodes.blockingNode(settings("l1", "{\"transformation_type\": \"limit\"}", problems), ids)).isNull();
            assertThat(problems).containsExactly(
                    "node s1 (data_transformation) has frac '1.5'; a sample without replacement takes a fraction from 0 to 1",
                    "node s2 (data_transformation) has both n and frac; pandas' sample takes one",
                    "node l1 (data_transformation) has no n");
        }

        private List<Object[]> ids(int count) {
            List<Object[]> rows = new ArrayList<>();
            for (long id = 0; id < count; id++) {
                rows.add(row(id));
            }
            return rows;
        }
    }

    @Nested
    class EndToEnd {

        private final TestDatabase database = TestDatabase.hsqldb();

        @Test
        void a_workflow_fills_missing_amounts_with_their_median() throws Exception {
            // given; pandas: fillna(median 25.0)
            List<String> out = runWorkflow("id,amount\n1,10\n2,\n3,40\n4,25\n5,\n",
                    "{\"transformation_type\": \"handle_missing\", \"strategy\": \"median\", \"columns\": [\"amount\"]}");

            // then
            assertThat(out).containsExactly("id,amount", "1,10.0", "2,25.0", "3,40.0", "4,25.0", "5,25.0");
        }

        @Test
        void a_workflow_normalizes_to_z_scores() throws Exception {
            // given; pandas: (x - 5) / std(ddof=0) = 2
            List<String> out = runWorkflow("id,x\n1,2\n2,4\n3,4\n4,4\n5,5\n6,5\n7,7\n8,9\n",
                    "{\"transformation_type\": \"normalize\", \"normalization_type\": \"standard\", \"columns\": [\"x\"]}");

            // then
            assertThat(out).containsExactly("id,x", "1,-1.5", "2,-0.5", "3,-0.5", "4,-0.5", "5,0.0", "6,0.0", "7,1.0", "8,2.0");
        }

        @Test
        void a_workflow_bins_by_given_edges_with_labels_and_by_a_count() throws Exception {
            // given; pandas: pd.cut(age, [0, 18, 65], labels=[minor, adult]) and pd.cut(age, 3)
            // (pandas prints the ages as floats because of the gap; sluice keeps a whole-number column)
            String csv = "id,age\n1,5\n2,17\n3,30\n4,\n5,64\n";
            List<String> labelled = runWorkflow(csv, "{\"transformation_type\": \"binning\", \"columns\": [\"age\"], \"bins\": [0, 18, 65], \"labels\": [\"minor\", \"adult\"]}");
            List<String> counted = runWorkflow(csv, "{\"transformation_type\": \"binning\", \"columns\": [\"age\"], \"bins\": 3}");

            // then
            assertThat(labelled).containsExactly("id,age,age_binned", "1,5,minor", "2,17,minor", "3,30,adult", "4,,", "5,64,adult");
            assertThat(counted).containsExactly("id,age,age_binned", "1,5,\"(4.941, 24.667]\"", "2,17,\"(4.941, 24.667]\"",
                    "3,30,\"(24.667, 44.333]\"", "4,,", "5,64,\"(44.333, 64.0]\"");
        }

        @Test
        void a_workflow_limits_across_chunks_and_samples_in_order() throws Exception {
            // given 20,000 rows: more than two chunks
            StringBuilder csv = new StringBuilder("id\n");
            for (int id = 0; id < 20_000; id++) {
                csv.append(id).append('\n');
            }
            List<String> limited = runWorkflow(csv.toString(), "{\"transformation_type\": \"limit\", \"n\": 10000}");
            List<String> sampled = runWorkflow(csv.toString(), "{\"transformation_type\": \"sample\", \"n\": 50, \"random_state\": 42}");
            List<String> again = runWorkflow(csv.toString(), "{\"transformation_type\": \"sample\", \"n\": 50, \"random_state\": 42}");

            // then
            assertThat(limited).hasSize(10_001).startsWith("id", "0", "1").endsWith("9999");
            assertThat(sampled).hasSize(51).isEqualTo(again);
            List<Long> ids = sampled.subList(1, 51).stream().map(Long::parseLong).toList();
            assertThat(ids).isSorted().doesNotHaveDuplicates();
        }

        /** Runs CSV -> the node of {@code settings} -> CSV out, and returns the output's lines. */
        private List<String> runWorkflow(String csv, String settings) throws Exception {
            Path in = Files.createTempFile(temp, "in-", ".csv");
            Files.writeString(in, csv);
            Path out = in.resolveSibling(in.getFileName() + ".out.csv");
            Path workflow = Files.createTempFile(temp, "workflow-", ".json");
            Files.writeString(workflow, """
                    {"name": "two-pass", "nodes": [
                      {"id": "src", "type": "data_source", "data": {"source_path": "%s", "file_type": "csv"}},
                      {"id": "node", "type": "data_transformation", "data": %s},
                      {"id": "out", "type": "export", "data": {"export_type": "csv", "output_path": "%s"}}],
                     "edges": [{"source": "src", "target": "node"}, {"source": "node", "target": "out"}]}
                    """.formatted(in, settings, out));
            Sluice.Result result = new Sluice(database).run("workflow", "run", "--file", workflow.toString());
            assertThat(result.exitCode()).as(result.err()).isZero();
            assertThat(Executions.status(database, Executions.newest(database))).isEqualTo("COMPLETED");
            return Files.readAllLines(out);
        }
    }

    // --- builders

    private BlockingNode blocking(String json, Schema input) {
        List<String> problems = new ArrayList<>();
        assertThat(TwoPassNodes.kind(node(json))).isEqualTo(WorkflowPlan.Kind.BLOCKING);
        BlockingNode node = TwoPassNodes.blockingNode(settings("node", json, problems), input);
        assertThat(problems).isEmpty();
        return node;
    }

    /** Adds the rows, finishes into a row file, and reads it back; the node is closed. */
    private List<Object[]> run(BlockingNode node, List<Object[]> rows) throws IOException {
        Path rowFile = Files.createTempFile(temp, "out-", ".rows");
        try (node) {
            for (Object[] row : rows) {
                node.add(row);
            }
            node.finish(rowFile);
        }
        List<Object[]> out = new ArrayList<>();
        try (RowFile.Reader reader = new RowFile.Reader(rowFile)) {
            assertThat(reader.schema()).isEqualTo(node.output());
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                out.add(row);
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static WorkflowDefinition.Node node(String json) {
        return new WorkflowDefinition.Node("node", "data_transformation", JSON.readValue(json, Map.class));
    }

    @SuppressWarnings("unchecked")
    private static Settings settings(String id, String json, List<String> problems) {
        return new Settings(new WorkflowDefinition.Node(id, "data_transformation", JSON.readValue(json, Map.class)), problems);
    }

    private static Schema schema(Object... namesAndTypes) {
        List<Schema.Column> columns = new ArrayList<>();
        for (int i = 0; i < namesAndTypes.length; i += 2) {
            columns.add(new Schema.Column((String) namesAndTypes[i], (ColumnType) namesAndTypes[i + 1]));
        }
        return new Schema(columns);
    }

    private static Object[] row(Object... values) {
        return Arrays.copyOf(values, values.length);
    }
}
