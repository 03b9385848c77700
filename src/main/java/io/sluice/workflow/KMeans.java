package io.sluice.workflow;

import org.hipparchus.clustering.CentroidCluster;
import org.hipparchus.clustering.DoublePoint;
import org.hipparchus.clustering.KMeansPlusPlusClusterer;
import org.hipparchus.clustering.distance.EuclideanDistance;
import org.hipparchus.random.JDKRandomGenerator;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
 * k-means++ seeding and Lloyd's iterations (Arthur and Vassilvitskii 2007) over the feature columns,
 * seeded ({@code random_state}, default 42) so that a run is repeatable. Every input row comes out with
 * a column {@code cluster}: the number (0 to k-1) of its nearest centroid, or null when one of its
 * features is null.
 *
 * <p>Bounded memory: the input rows wait in a row file and the feature vectors in a file of doubles;
 * only a sample of at most {@value #SAMPLE} points is held (a reservoir sample, Vitter's algorithm R,
 * drawn with the seed; every point when there are no more). Hipparchus' {@code KMeansPlusPlusClusterer}
 * (k-means++ seeding, then Lloyd's iterations until no point of the sample changes cluster) clusters
 * the sample; its centroids start Lloyd's iterations over all points, streamed from the file, each
 * pass assigning every point to its nearest centroid and moving each centroid to the mean of its
 * points (a centroid without points stays). The passes stop, as scikit-learn's {@code KMeans} does
 * with its defaults, after {@code max_iter} (300) passes or once the centroids moved by at most
 * {@code tol} (1e-4) relative: the sum over the centroids of their squared shift at most {@code tol}
 * times the mean of the features' variances (scikit-learn's {@code _tolerance} and
 * {@code _kmeans_single_lloyd}; its other stop, no label changed, is not checked, as the labels are not
 * kept). When every point is in the sample the sample's clustering has converged already: the first
 * pass moves no centroid (beyond rounding) and the result is Hipparchus' own.
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
    /** The most points held for the seeding: 100,000 (a megabyte and a bit a feature). */
    static final int SAMPLE = 100_000;
    private static final int DEFAULT_ITERATIONS = 300;
    /** scikit-learn's default relative tolerance. */
    private static final double TOLERANCE = 1e-4;

    private final int k;
    private final int[] features;
    private final long seed;
    private final int maxIterations;
    private final Schema input;
    private final Schema output;
    private final int sampleSize;
    private Path spill;
    private RowFile.Writer spilled;
    private Path pointsFile;
    private DataOutputStream points;
    /** The points with all features present. */
    private long pointCount;
    private final List<double[]> sample = new ArrayList<>();
    private final JDKRandomGenerator sampling;
    /** Welford's running mean and sum of squared deviations per feature, for the tolerance. */
    private final double[] featureMeans;
    private final double[] featureSquares;
    private Map<String, Object> result;

    private KMeans(int k, int[] features, long seed, int maxIterations, Schema input, int sampleSize) {
        this.sampleSize = Math.max(1, sampleSize);
        this.sampling = new JDKRandomGenerator();
        sampling.setSeed(seed);
        this.featureMeans = new double[features.length];
        this.featureSquares = new double[features.length];
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
        return of(settings, input, SAMPLE);
    }

    /** Like {@link #of(Settings, Schema)}, seeding on at most {@code sampleSize} points (at least 1). */
    static KMeans of(Settings settings, Schema input, int sampleSize) {
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
        return new KMeans(k, features, seed, (int) Math.min(Integer.MAX_VALUE, Math.max(1, iterations)), input, sampleSize);
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
            pointsFile = Files.createTempFile("sluice-kmeans-", ".points");
            points = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(pointsFile), 1 << 16));
        }
        spilled.append(row);
        double[] point = point(row);
        if (point == null) {
            return;
        }
        for (double x : point) {
            points.writeDouble(x);
        }
        pointCount++;
        for (int i = 0; i < point.length; i++) {
            double delta = point[i] - featureMeans[i];
            featureMeans[i] += delta / pointCount;
            featureSquares[i] += delta * (point[i] - featureMeans[i]);
        }
        // algorithm R: the n-th point replaces a random one of the sample with probability size / n
        if (sample.size() < sampleSize) {
            sample.add(point);
        } else {
            long slot = (long) (sampling.nextDouble() * pointCount);
            if (slot < sampleSize) {
                sample.set((int) slot, point);
            }
        }
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
        points.close();
        try {
            List<double[]> centroids = lloyd(seeds());
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
            Files.deleteIfExists(pointsFile);
        }
    }

    /** The sample clustered by Hipparchus (k-means++ seeding and Lloyd's iterations): the starting centroids. */
    private List<double[]> seeds() {
        List<DoublePoint> held = new ArrayList<>(sample.size());
        for (double[] point : sample) {
            held.add(new DoublePoint(point));
        }
        sample.clear();
        List<double[]> centroids = new ArrayList<>();
        if (!held.isEmpty()) {
            JDKRandomGenerator random = new JDKRandomGenerator();
            random.setSeed(seed);
            KMeansPlusPlusClusterer<DoublePoint> clusterer = new KMeansPlusPlusClusterer<>(Math.min(k, held.size()), maxIterations,
                    new EuclideanDistance(), random);
            for (CentroidCluster<DoublePoint> cluster : clusterer.cluster(held)) {
                centroids.add(cluster.getCenter().getPoint().clone());
            }
        }
        return centroids;
    }

    /** Lloyd's passes over the points file from {@code centroids} until they move less than the tolerance, or {@code max_iter} passes. */
    private List<double[]> lloyd(List<double[]> centroids) throws IOException {
        if (centroids.isEmpty()) {
            return centroids;
        }
        double meanVariance = 0;
        for (double squares : featureSquares) {
            meanVariance += squares / pointCount; // numpy's var: the population variance
        }
        double tolerance = meanVariance / features.length * TOLERANCE;
        int d = features.length;
        double[] point = new double[d];
        for (int pass = 0; pass < maxIterations; pass++) {
            double[][] sums = new double[centroids.size()][d];
            long[] counts = new long[centroids.size()];
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(pointsFile), 1 << 16))) {
                for (long p = 0; p < pointCount; p++) {
                    for (int i = 0; i < d; i++) {
                        point[i] = in.readDouble();
                    }
                    int cluster = nearest(centroids, point);
                    counts[cluster]++;
                    double[] sum = sums[cluster];
                    for (int i = 0; i < d; i++) {
                        sum[i] += point[i];
                    }
                }
            }
            double shift = 0;
            for (int c = 0; c < centroids.size(); c++) {
                if (counts[c] == 0) {
                    continue; // no point is nearest: it stays
                }
                double[] moved = new double[d];
                for (int i = 0; i < d; i++) {
                    moved[i] = sums[c][i] / counts[c];
                }
                shift += squaredDistance(centroids.get(c), moved);
                centroids.set(c, moved);
            }
            if (shift <= tolerance) {
                break;
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
        sample.clear();
        pointCount = 0;
        Arrays.fill(featureMeans, 0);
        Arrays.fill(featureSquares, 0);
        sampling.setSeed(seed);
        if (spilled != null) {
            spilled.close();
            points.close();
            Files.deleteIfExists(spill);
            Files.deleteIfExists(pointsFile);
            spilled = null;
            points = null;
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
