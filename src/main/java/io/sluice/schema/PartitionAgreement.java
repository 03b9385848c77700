package io.sluice.schema;

import org.hipparchus.special.Gamma;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How well a clustering of tables agrees with a ground truth, by the two chance-adjusted measures:
 * the adjusted Rand index (ARI; Hubert and Arabie, "Comparing partitions", 1985) and the adjusted mutual
 * information (AMI; Vinh, Epps and Bailey, "Information theoretic measures for clusterings comparison",
 * JMLR 2010) with the arithmetic mean of the two entropies as its normaliser and natural logarithms.
 * Both are computed as scikit-learn's {@code adjusted_rand_score} and {@code adjusted_mutual_info_score}
 * compute them, special cases included: 1.0 for two identical partitions, about 0 for a random one,
 * negative for worse than chance.
 */
final class PartitionAgreement {

    private PartitionAgreement() {
    }

    /**
     * The adjusted Rand index of two labellings of the same items.
     *
     * @param truth     each item's true cluster
     * @param predicted each item's cluster, in the same item order
     * @throws IllegalArgumentException when the lists differ in length
     */
    static double adjustedRandIndex(List<?> truth, List<?> predicted) {
        Contingency table = new Contingency(truth, predicted);
        double n = table.n;
        double sumSquares = 0;
        for (long[] row : table.counts) {
            for (long count : row) {
                sumSquares += (double) count * count;
            }
        }
        double rowSquares = 0;
        for (long a : table.rowSums) {
            rowSquares += (double) a * a;
        }
        double columnSquares = 0;
        for (long b : table.columnSums) {
            columnSquares += (double) b * b;
        }
        // the pair confusion matrix (ordered pairs of items), as scikit-learn's pair_confusion_matrix: pairs
        // together in both labellings, together in the truth only, together as predicted only, apart in both
        double together = sumSquares - n;
        double truthOnly = columnSquares - sumSquares;
        double predictedOnly = rowSquares - sumSquares;
        double apart = n * n - predictedOnly - truthOnly - sumSquares;
        if (predictedOnly == 0 && truthOnly == 0) {
            return 1.0;
        }
        return 2.0 * (together * apart - predictedOnly * truthOnly)
                / ((together + predictedOnly) * (predictedOnly + apart) + (together + truthOnly) * (truthOnly + apart));
    }

    /**
     * The adjusted mutual information of two labellings of the same items (arithmetic normalisation, natural log).
     *
     * @throws IllegalArgumentException when the lists differ in length
     */
    static double adjustedMutualInformation(List<?> truth, List<?> predicted) {
        Contingency table = new Contingency(truth, predicted);
        int r = table.rowSums.length;
        int c = table.columnSums.length;
        if (r == c && (r == 1 || r == 0)) {
            return 1.0;
        }
        double n = table.n;
        double mutual = 0;
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                long nij = table.counts[i][j];
                if (nij > 0) {
                    mutual += nij / n * (Math.log(nij) + Math.log(n) - Math.log(table.rowSums[i]) - Math.log(table.columnSums[j]));
                }
            }
        }
        double expected = expectedMutualInformation(table);
        double normaliser = (entropy(table.rowSums, n) + entropy(table.columnSums, n)) / 2;
        double denominator = normaliser - expected;
        denominator = denominator < 0 ? Math.min(denominator, -Math.ulp(1.0)) : Math.max(denominator, Math.ulp(1.0));
        return (mutual - expected) / denominator;
    }

    /** E[MI] under the hypergeometric model of random labellings with the same cluster sizes (Vinh et al., eq. 24a). */
    private static double expectedMutualInformation(Contingency table) {
        long n = table.n;
        double logNFactorial = Gamma.logGamma(n + 1.0);
        double expected = 0;
        for (long a : table.rowSums) {
            for (long b : table.columnSums) {
                long start = Math.max(1, a + b - n);
                long end = Math.min(a, b);
                double constant = Gamma.logGamma(a + 1.0) + Gamma.logGamma(b + 1.0) + Gamma.logGamma(n - a + 1.0)
                        + Gamma.logGamma(n - b + 1.0) - logNFactorial;
                for (long nij = start; nij <= end; nij++) {
                    double term = (double) nij / n * (Math.log(n) + Math.log(nij) - Math.log(a) - Math.log(b));
                    double logProbability = constant - Gamma.logGamma(nij + 1.0) - Gamma.logGamma(a - nij + 1.0)
                            - Gamma.logGamma(b - nij + 1.0) - Gamma.logGamma(n - a - b + nij + 1.0);
                    expected += term * Math.exp(logProbability);
                }
            }
        }
        return expected;
    }

    private static double entropy(long[] sums, double n) {
        double entropy = 0;
        for (long count : sums) {
            if (count > 0) {
                entropy -= count / n * Math.log(count / n);
            }
        }
        return entropy;
    }

    /** The contingency table of two labellings: rows the predicted clusters, columns the true ones. */
    private static final class Contingency {
        final long n;
        final long[][] counts;
        final long[] rowSums;
        final long[] columnSums;

        Contingency(List<?> truth, List<?> predicted) {
            if (truth.size() != predicted.size()) {
                throw new IllegalArgumentException(truth.size() + " true labels for " + predicted.size() + " predicted ones");
            }
            Map<Object, Integer> rows = new HashMap<>();
            Map<Object, Integer> columns = new HashMap<>();
            for (int k = 0; k < truth.size(); k++) {
                rows.putIfAbsent(predicted.get(k), rows.size());
                columns.putIfAbsent(truth.get(k), columns.size());
            }
            n = truth.size();
            counts = new long[rows.size()][columns.size()];
            rowSums = new long[rows.size()];
            columnSums = new long[columns.size()];
            for (int k = 0; k < truth.size(); k++) {
                int i = rows.get(predicted.get(k));
                int j = columns.get(truth.get(k));
                counts[i][j]++;
                rowSums[i]++;
                columnSums[j]++;
            }
        }
    }
}
