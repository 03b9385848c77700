package io.sluice.workflow;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sluice.workflow.OperatorRows.read;
import static io.sluice.workflow.OperatorRows.row;
import static io.sluice.workflow.OperatorRows.schema;
import static io.sluice.workflow.OperatorRows.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The k-means node fed rows directly, seeding on a sample smaller than its input (so that Lloyd's passes
 * over the points file do the rest) and on all of it. The expected centroids and inertia are worked out
 * by hand below.
 */
class KMeansStreamTest {

    private static final Schema POINTS = schema("id", ColumnType.LONG, "x", ColumnType.DOUBLE, "y", ColumnType.DOUBLE);

    @TempDir
    Path temp;

    @ParameterizedTest(name = "sample of {0} points")
    @ValueSource(ints = {KMeans.SAMPLE, 20, 3})
    void two_blobs_end_at_their_means_whatever_the_sample_and_every_row_comes_out_with_its_cluster(int sampleSize) throws IOException {
        // given two blobs of 100 points each, a 10 x 10 grid of step 0.1 from (0, 0) and the same from (10, 10),
        // interleaved, and a row without y. By hand: the means are (0.45, 0.45) and (10.45, 10.45); the grid's
        // values 0, 0.1, ..., 0.9 have the population variance 0.0825, so each blob's inertia is
        // 100 x 2 x 0.0825 = 16.5, and the total 33.0
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            double x = (i % 10) / 10.0;
            double y = (i / 10) / 10.0;
            rows.add(row((long) rows.size(), x, y));
            rows.add(row((long) rows.size(), 10 + x, 10 + y));
        }
        rows.add(row(200L, 5.0, null));
        KMeans kmeans = KMeans.of(settings(new ArrayList<>(), "analysis", "analysis_type", "clustering", "algorithm", "kmeans",
                "n_clusters", 2, "feature_columns", List.of("x", "y"), "random_state", 7), POINTS, sampleSize);

        // when
        Path out = temp.resolve("clusters-" + sampleSize + ".rows");
        long written;
        try (kmeans) {
            for (Object[] row : rows) {
                kmeans.add(row);
            }
            written = kmeans.finish(out);
        }

        // then
        List<List<Object>> clustered = read(out);
        assertThat(written).isEqualTo(201);
        assertThat(clustered).hasSize(201);
        Object low = clustered.get(0).get(3);
        Object high = clustered.get(1).get(3);
        assertThat(low).isNotEqualTo(high);
        for (int i = 0; i < 200; i++) {
            assertThat(clustered.get(i).get(3)).as("row %d", i).isEqualTo(i % 2 == 0 ? low : high);
        }
        assertThat(clustered.get(200).get(3)).isNull();
        Map<String, Object> result = kmeans.result();
        assertThat((Double) result.get("inertia")).isCloseTo(33.0, within(1e-9));
        assertThat(result.get("cluster_counts")).isEqualTo(List.of(100L, 100L));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, Double>> centers = (Map<String, Map<String, Double>>) result.get("cluster_centers");
        Map<String, Double> lowCenter = centers.get("cluster_" + low);
        Map<String, Double> highCenter = centers.get("cluster_" + high);
        assertThat(lowCenter.get("x")).isCloseTo(0.45, within(1e-12));
        assertThat(lowCenter.get("y")).isCloseTo(0.45, within(1e-12));
        assertThat(highCenter.get("x")).isCloseTo(10.45, within(1e-12));
        assertThat(highCenter.get("y")).isCloseTo(10.45, within(1e-12));
        assertThat(result.get("feature_columns")).isEqualTo(List.of("x", "y"));
        assertThat(result.get("random_state")).isEqualTo(7L);
    }
}
