package io.sluice.workflow;

import org.hipparchus.clustering.CentroidCluster;
import org.hipparchus.clustering.DoublePoint;
import org.hipparchus.clustering.KMeansPlusPlusClusterer;
import org.hipparchus.clustering.distance.EuclideanDistance;
import org.hipparchus.random.JDKRandomGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Data Wrangler's clustering analysis ({@code analysis_type: clustering}, {@code algorithm: kmeans}):
 * k-means++ seeding and Lloyd's iterations (Arthur and Vassilvitskii 2007; Hipparchus'
 * {@code KMeansPlusPlusClusterer}) over the feature columns, seeded ({@code random_state}, default 42)
 * so that a run is repeatable. Every input row comes out with a column {@code cluster}: the number
 * (0 to k-1) of its nearest centroid, or null when one of its features is null. The input rows wait
 * in a row file; the feature vectors are held in memory (8 bytes a feature a row).
 *
 * <p>Its result (an {@link Analysis}, {@code analysis_type: clustering}, in Data Wrangler's shape):
 * {@code n_clusters}, {@code feature_columns}, {@code random_state}, {@code inertia} (the sum of the
 * squared Euclidean distances of the points to their nearest centroid, as scikit-learn's
 * {@code inertia_}), {@code cluster_counts} (points per cluster) and {@code cluster_centers}
 * ({@code cluster_0}: feature to value). Unlike Data Wrangler, the features are not standardised
 * first: the centroids are in the features' own units.
 */
final class KMeans implements BlockingNode, Analysis {

    static final String CLUSTER = "cluster";
    private static final int DEFAULT_ITERATIONS = 300;

    private final int k;
    private final int[] features;
    private final long seed;
    private final int maxIterations;
    private final Schema input;
    private final Schema output;
    private Path spill;
    private RowFile.Writer spilled;
    private Map<String, Object> result;

    private KMeans(int k, int[] features, long seed, int maxIterations, Schema input) {
        this.k = k;
        this.features = features;
        this.seed = seed;
        this.maxIterations = maxIterations;
        this.input = input;
        this.output = input.with(new Schema.Column(CLUSTER, ColumnType.LONG));
    }

    /**
     * From the settings {@code n_clusters} (or {@code k}), {@code feature_columns} (or {@code columns},
     * {@code features}), {@code random_state} and {@code max_iter}.
     *
     * @return null (problems noted) when they do not describe a k-means this input can run
     */
    static KMeans of(Settings settings, Schema input) {
        Object clusters = settings.value("n_clusters", "k", "clusters", "num_clusters");
        int k;
        try {
            k = clusters == null ? 3 : Integer.parseInt(clusters.toString());
        } catch (NumberFormatException e) {
            settings.problem("has n_clusters '" + clusters + "', not a whole number");
            return null;
        }
        if (k < 1) {
            settings.problem("has n_clusters " + k + "; it must be at least 1");
            return null;
        }
        List<String> names = settings.texts("feature_columns", "columns", "features");
        if (names.isEmpty()) {
            for (Schema.Column column : input.columns()) {
                if (column.type().numeric()) {
                    names.add(column.name());
                }
            }
        }
        int[] features = new int[names.size()];
        for (int i = 0; i < features.length; i++) {
            features[i] = input.indexOf(names.get(i));
            if (features[i] < 0) {
                settings.problem("clusters on column " + names.get(i) + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                return null;
            }
            if (!input.column(features[i]).type().numeric()) {
                settings.problem("clusters on column " + names.get(i) + ", which holds " + input.column(features[i]).type().label() + " values, not numbers");
                return null;
            }
        }
        if (features.length == 0) {
            settings.problem("has no feature_columns, and its input has no numeric column");
            return null;
        }
        Long seed = whole(settings, "random_state", 42, settings.value("random_state", "seed"));
        Long iterations = whole(settings, "max_iter", DEFAULT_ITERATIONS, settings.value("max_iter", "max_iterations"));
        if (seed == null || iterations == null) {
            return null;
        }
        return new KMeans(k, features, seed, (int) Math.min(Integer.MAX_VALUE, Math.max(1, iterations)), input);
    }

    /** A whole-number setting (42 and 42.0 alike); null, with a problem noted, when it is not one. */
    private static Long whole(Settings settings, String name, long fallback, Object value) {
        if (value == null) {
            return fallback;
        }
        try {
            java.math.BigDecimal number = new java.math.BigDecimal(value.toString().trim());
            return number.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            settings.problem("has " + name + " '" + value + "', not a whole number");
            return null;
        }
    }

    @Override
    public Schema output() {
        return output;
    }

    @Override
    public void add(Object[] row) throws IOException {
        if (spilled == null) {
            spill = Files.createTempFile("sluice-kmeans-", ".rows");
            spilled = new RowFile.Writer(spill, input);
        }
        spilled.append(row);
    }

    /** Clusters the spilled rows' features, then writes every spilled row with its cluster number. */
    @Override
    public long finish(Path rowFile) throws IOException {
        if (spilled == null) {
            RowFile.write(rowFile, output, List.of());
            result = result(List.of(), new long[0], 0);
            return 0;
        }
        spilled.commit();
        try {
            List<double[]> centroids = centroids();
            long[] counts = new long[centroids.size()];
            double inertia = 0;
            long written = 0;
            try (RowFile.Reader reader = new RowFile.Reader(spill); RowFile.Writer writer = new RowFile.Writer(rowFile, output)) {
                for (Object[] row = reader.next(); row != null; row = reader.next()) {
                    Object[] out = Arrays.copyOf(row, output.size());
                    double[] point = point(row);
                    if (point != null) {
                        int cluster = nearest(centroids, point);
                        counts[cluster]++;
                        inertia += squaredDistance(centroids.get(cluster), point);
                        out[output.size() - 1] = (long) cluster;
                    }
                    writer.append(out);
                    written++;
                }
                writer.commit();
            }
            result = result(centroids, counts, inertia);
            return written;
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    private List<double[]> centroids() throws IOException {
        List<DoublePoint> points = new ArrayList<>();
        try (RowFile.Reader reader = new RowFile.Reader(spill)) {
            for (Object[] row = reader.next(); row != null; row = reader.next()) {
                double[] point = point(row);
                if (point != null) {
                    points.add(new DoublePoint(point));
                }
            }
        }
        List<double[]> centroids = new ArrayList<>();
        if (!points.isEmpty()) {
            JDKRandomGenerator random = new JDKRandomGenerator();
            random.setSeed(seed);
            KMeansPlusPlusClusterer<DoublePoint> clusterer = new KMeansPlusPlusClusterer<>(Math.min(k, points.size()), maxIterations,
                    new EuclideanDistance(), random);
            for (CentroidCluster<DoublePoint> cluster : clusterer.cluster(points)) {
                centroids.add(cluster.getCenter().getPoint());
            }
        }
        return centroids;
    }

    @Override
    public String analysisType() {
        return "clustering";
    }

    @Override
    public Map<String, Object> result() {
        if (result == null) {
            throw new IllegalStateException("the k-means has not finished");
        }
        return result;
    }

    private Map<String, Object> result(List<double[]> centroids, long[] counts, double inertia) {
        List<String> names = new ArrayList<>();
        for (int feature : features) {
            names.add(input.column(feature).name());
        }
        Map<String, Object> centers = new LinkedHashMap<>();
        for (int c = 0; c < centroids.size(); c++) {
            Map<String, Object> center = new LinkedHashMap<>();
            for (int i = 0; i < features.length; i++) {
                center.put(names.get(i), Analysis.json(centroids.get(c)[i]));
            }
            centers.put("cluster_" + c, center);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("analysis_type", "clustering");
        result.put("algorithm", "kmeans");
        result.put("n_clusters", k);
        result.put("feature_columns", names);
        result.put("random_state", seed);
        result.put("inertia", Analysis.json(inertia));
        result.put("cluster_counts", Arrays.stream(counts).boxed().toList());
        result.put("cluster_centers", centers);
        return result;
    }

    @Override
    public void close() throws IOException {
        if (spilled != null) {
            spilled.close();
            Files.deleteIfExists(spill);
            spilled = null;
        }
    }

    private double[] point(Object[] row) {
        double[] point = new double[features.length];
        for (int i = 0; i < features.length; i++) {
            Object value = row[features[i]];
            if (!(value instanceof Number number) || Double.isNaN(number.doubleValue())) {
                return null;
            }
            point[i] = number.doubleValue();
        }
        return point;
    }

    private static int nearest(List<double[]> centroids, double[] point) {
        int best = 0;
        double bestDistance = Double.MAX_VALUE;
        for (int c = 0; c < centroids.size(); c++) {
            double distance = squaredDistance(centroids.get(c), point);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = c;
            }
        }
        return best;
    }

    private static double squaredDistance(double[] centroid, double[] point) {
        double distance = 0;
        for (int i = 0; i < point.length; i++) {
            double d = point[i] - centroid[i];
            distance += d * d;
        }
        return distance;
    }
}
