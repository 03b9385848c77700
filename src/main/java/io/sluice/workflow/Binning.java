package io.sluice.workflow;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Data Wrangler's {@code binning} transformation, as its engine runs it: pandas' {@code cut}. Each of
 * {@code columns} (also {@code column}, the UI's {@code targetColumn}) gets a column
 * {@code <column>_binned} (or {@code new_column}, also {@code output_column}, when one column is binned)
 * holding the bin of its value.
 *
 * <p>{@code bins} (also {@code numBins}, {@code num_bins}, {@code n_bins}; default 10 as Data Wrangler's)
 * is either a list of edges, increasing (a row-wise operation: {@link #rowOperation}), or a number of
 * equal-width bins over the column's minimum to maximum (a {@link TwoPassNode}: {@link #blockingNode}),
 * the range widened by 0.1 % on its lowest edge (on its highest when {@code right} is false), and a
 * constant column's range by 0.1 % of its value each way, as pandas does. {@code right} (default true)
 * closes the bins on the right; {@code include_lowest} puts the lowest edge's value in the first bin.
 *
 * <p>The bin is named by {@code labels}: a list (one label a bin; whole numbers give a whole-number
 * column, anything else text), {@code false} for the bin's number from 0, or by default pandas' interval
 * text, {@code (0.991, 4.0]}: edges rounded to 3 significant decimals (more when needed to tell edges
 * apart), whole-number edges given as whole numbers printed as such ({@code (0, 10]}), the lowest moved
 * down by 0.001 with {@code include_lowest}. A missing value, or one outside the edges, has no bin (null).
 * {@code binningMethod} {@code equal_width} and {@code custom} are run; {@code equal_frequency} and
 * {@code kmeans} are refused at planning.
 */
final class Binning {

    private static final int PRECISION = 3;

    /** What the settings ask: the columns, where each bin goes, the edges or their count, and the labels. */
    private record Spec(int[] columns, String[] targets, double[] edges, boolean integralEdges, int count,
                        Object[] labels, boolean codes, boolean right, boolean includeLowest, Schema output, ColumnType labelType) {
    }

    private Binning() {
    }

    /** Whether a binning node needs its input's minimum and maximum first: its {@code bins} is a count, not a list of edges. */
    static boolean needsFirstPass(WorkflowDefinition.Node node) {
        return !(bins(node.settings()) instanceof List<?>);
    }

    private static Object bins(Map<String, Object> settings) {
        for (String name : List.of("bins", "numBins", "num_bins", "n_bins", "bin_edges", "edges")) {
            if (settings.get(name) != null) {
                return settings.get(name);
            }
        }
        return null;
    }

    /**
     * Binning by the edges in {@code bins}.
     *
     * @return null (problems noted) when the settings are bad (see {@link #spec})
     */
    static RowOperation rowOperation(Settings settings, Schema input) {
        Spec spec = spec(settings, input);
        if (spec == null) {
            return null;
        }
        Object[] names = spec.codes ? null : spec.labels != null ? spec.labels : intervalLabels(spec.edges, spec.integralEdges, spec.right, spec.includeLowest);
        double[][] edges = new double[spec.columns.length][];
        Object[][] labels = new Object[spec.columns.length][];
        Arrays.fill(edges, spec.edges);
        Arrays.fill(labels, names);
        return RowOperation.of(spec.output, row -> binned(spec, edges, labels, row));
    }

    /**
     * Binning into {@code bins} equal-width bins: a first pass finds each column's minimum and maximum.
     *
     * @return null (problems noted) when the settings are bad (see {@link #spec})
     */
    static BlockingNode blockingNode(Settings settings, Schema input) {
        Spec spec = spec(settings, input);
        return spec == null ? null : new EqualWidth(input, spec);
    }

    /**
     * The settings read and checked.
     *
     * @return null (problems noted) when a column is unknown or not numeric, the method is not run, the edges do
     *         not increase, the count is not a whole number of at least 1, or the labels are not one a bin
     */
    private static Spec spec(Settings settings, Schema input) {
        boolean ok = true;
        String method = settings.text("binningMethod", "binning_method", "method", "strategy");
        if (method != null && !List.of("equal_width", "uniform", "custom", "cut").contains(method.trim().toLowerCase(Locale.ROOT))) {
            settings.problem("has binningMethod '" + method + "'; sluice bins by equal width or given edges (equal_width, custom)");
            ok = false;
        }
        List<String> names = settings.texts("columns", "column", "targetColumn", "target_column");
        if (names.isEmpty()) {
            settings.problem("has no column to bin (columns)");
            return null;
        }
        String newColumn = settings.text("new_column", "output_column", "newColumn");
        if (newColumn != null && names.size() > 1) {
            settings.problem("bins " + names.size() + " columns into one new_column " + newColumn + "; name one column, or leave new_column out for <column>_binned");
            ok = false;
        }
        int[] columns = new int[names.size()];
        String[] targets = new String[names.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = input.indexOf(names.get(i));
            targets[i] = newColumn != null ? newColumn : names.get(i) + "_binned";
            if (columns[i] < 0) {
                settings.problem("bins column " + names.get(i) + ", which its input does not have (columns: " + String.join(", ", input.names()) + ")");
                ok = false;
            } else if (!input.column(columns[i]).type().numeric()) {
                settings.problem("bins column " + names.get(i) + ", which holds " + input.column(columns[i]).type().label() + " values, not numbers");
                ok = false;
            }
        }
        Object bins = bins(settings.node().settings());
        double[] edges = null;
        boolean integral = false;
        int count = 0;
        if (bins instanceof List<?> list) {
            edges = new double[list.size()];
            integral = true;
            for (int i = 0; i < edges.length && ok; i++) {
                Object edge = list.get(i);
                if (edge instanceof Number n) {
                    edges[i] = n.doubleValue();
                    integral &= n instanceof Integer || n instanceof Long || n instanceof BigInteger;
                } else {
                    try {
                        edges[i] = Double.parseDouble(String.valueOf(edge).trim());
                        integral &= String.valueOf(edge).trim().matches("[-+]?\\d+");
                    } catch (NumberFormatException e) {
                        settings.problem("has the bin edge '" + edge + "', not a number");
                        ok = false;
                    }
                }
                if (ok && i > 0 && !(edges[i] > edges[i - 1])) {
                    settings.problem("has bin edges that do not increase (" + list + "); pandas' cut wants them increasing");
                    ok = false;
                }
            }
            if (ok && edges.length < 2) {
                settings.problem("has " + edges.length + " bin edge" + (edges.length == 1 ? "" : "s") + "; at least 2 make a bin");
                ok = false;
            }
            count = edges.length - 1;
        } else {
            String text = bins == null ? "10" : bins.toString().trim();
            try {
                count = new java.math.BigDecimal(text).intValueExact();
            } catch (NumberFormatException | ArithmeticException e) {
                count = -1;
            }
            if (count < 1) {
                settings.problem("has bins '" + bins + "'; give a whole number of bins, at least 1, or a list of edges");
                ok = false;
            }
        }
        Object labelSetting = settings.value("labels");
        boolean codes = Boolean.FALSE.equals(labelSetting) || "false".equalsIgnoreCase(String.valueOf(labelSetting));
        Object[] labels = null;
        ColumnType labelType = codes ? ColumnType.LONG : ColumnType.STRING;
        if (labelSetting instanceof List<?> list) {
            labels = new Object[list.size()];
            boolean whole = true;
            for (Object label : list) {
                whole &= label instanceof Integer || label instanceof Long;
            }
            for (int i = 0; i < labels.length; i++) {
                Object label = list.get(i);
                labels[i] = whole ? (Object) ((Number) label).longValue()
                        : label instanceof Double d ? CsvExport.pythonRepr(d) : String.valueOf(label);
            }
            labelType = whole && labels.length > 0 ? ColumnType.LONG : ColumnType.STRING;
            if (ok && labels.length != count) {
                settings.problem("has " + labels.length + " labels for " + count + " bins; pandas' cut wants one label a bin");
                ok = false;
            }
        }
        boolean right = flag(settings, true, "right");
        boolean includeLowest = flag(settings, false, "include_lowest", "includeLowest");
        if (!ok) {
            return null;
        }
        Schema output = input;
        for (String target : targets) {
            output = output.with(new Schema.Column(target, labelType));
        }
        return new Spec(columns, targets, edges, integral, count, labels, codes, right, includeLowest, output, labelType);
    }

    private static boolean flag(Settings settings, boolean fallback, String... names) {
        Object value = settings.value(names);
        return value == null ? fallback : Boolean.parseBoolean(value.toString().trim());
    }

    /** A row with each binned column's bin put in its target column. */
    private static Object[] binned(Spec spec, double[][] edges, Object[][] labels, Object[] row) {
        Object[] out = Arrays.copyOf(row, spec.output.size());
        for (int i = 0; i < spec.columns.length; i++) {
            int bin = edges[i] == null ? -1 : bin(edges[i], TwoPassNode.number(row[spec.columns[i]]), spec.right, spec.includeLowest);
            out[spec.output.indexOf(spec.targets[i])] = bin < 0 ? null : spec.codes ? (Object) (long) bin : labels[i][bin];
        }
        return out;
    }

    /**
     * The bin of {@code x} as pandas' {@code cut} finds it (a binary search, {@code searchsorted} left when
     * right-closed, right otherwise), from 0; -1 when {@code x} is NaN or outside the edges.
     */
    static int bin(double[] edges, double x, boolean right, boolean includeLowest) {
        if (Double.isNaN(x)) {
            return -1;
        }
        int low = 0;
        int high = edges.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (right ? edges[middle] < x : edges[middle] <= x) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        int id = includeLowest && x == edges[0] ? 1 : low;
        return id == 0 || id == edges.length ? -1 : id - 1;
    }

    /**
     * pandas' equal-width edges over {@code min..max} ({@code numpy.linspace}), widened by 0.1 % of the range
     * on the open side, or by 0.1 % of the value each way when {@code min == max}.
     */
    static double[] equalWidthEdges(double min, double max, int count, boolean right) {
        double low = min;
        double high = max;
        if (low == high) {
            low -= low != 0 ? 0.001 * Math.abs(low) : 0.001;
            high += high != 0 ? 0.001 * Math.abs(high) : 0.001;
        }
        double step = (high - low) / count;
        double[] edges = new double[count + 1];
        for (int i = 0; i < count; i++) {
            edges[i] = i * step + low;
        }
        edges[count] = high;
        if (min != max) {
            double adjust = (max - min) * 0.001;
            if (right) {
                edges[0] -= adjust;
            } else {
                edges[count] += adjust;
            }
        }
        return edges;
    }

    /**
     * pandas' interval labels of {@code edges} ({@code _format_labels}): {@code (a, b]} when right-closed,
     * {@code [a, b)} otherwise; each edge rounded to the precision (3, or more until no two edges print alike)
     * as {@code _round_frac} does, and printed as Python prints the float; whole-number edges as whole numbers
     * unless {@code include_lowest} moves the lowest down by {@code 10^-precision}.
     */
    static String[] intervalLabels(double[] edges, boolean integral, boolean right, boolean includeLowest) {
        int precision = PRECISION;
        for (int p = PRECISION; p < 20; p++) {
            Set<Double> levels = new HashSet<>();
            for (double edge : edges) {
                levels.add(roundFrac(edge, p));
            }
            if (levels.size() == edges.length) {
                precision = p;
                break;
            }
        }
        double[] breaks = new double[edges.length];
        for (int i = 0; i < edges.length; i++) {
            breaks[i] = integral ? edges[i] : roundFrac(edges[i], precision);
        }
        boolean whole = integral;
        if (right && includeLowest) {
            breaks[0] = breaks[0] - Math.pow(10, -precision);
            whole = false;
        }
        String[] labels = new String[edges.length - 1];
        for (int i = 0; i < labels.length; i++) {
            String a = whole ? Long.toString((long) breaks[i]) : CsvExport.pythonRepr(breaks[i]);
            String b = whole ? Long.toString((long) breaks[i + 1]) : CsvExport.pythonRepr(breaks[i + 1]);
            labels[i] = right ? "(" + a + ", " + b + "]" : "[" + a + ", " + b + ")";
        }
        return labels;
    }

    /** pandas' {@code _round_frac}: {@code precision} decimals, or that many significant ones below 1 ({@code numpy.around}). */
    static double roundFrac(double x, int precision) {
        if (!Double.isFinite(x) || x == 0) {
            return x;
        }
        double whole = x < 0 ? Math.ceil(x) : Math.floor(x);
        int digits = whole == 0 ? -(int) Math.floor(Math.log10(Math.abs(x - whole))) - 1 + precision : precision;
        double factor = Math.pow(10, digits);
        return Math.rint(x * factor) / factor;
    }

    /** Equal-width binning: the first pass finds each column's minimum and maximum, then edges and labels are made. */
    private static final class EqualWidth extends TwoPassNode {

        private final Spec spec;
        private double[] min;
        private double[] max;
        private double[][] edges;
        private Object[][] labels;

        EqualWidth(Schema input, Spec spec) {
            super("sluice-binning-", input, spec.output);
            this.spec = spec;
        }

        @Override
        void begin() {
            min = new double[spec.columns.length];
            max = new double[spec.columns.length];
            Arrays.fill(min, Double.POSITIVE_INFINITY);
            Arrays.fill(max, Double.NEGATIVE_INFINITY);
        }

        @Override
        boolean gather(Object[] row, long index) {
            for (int i = 0; i < spec.columns.length; i++) {
                double x = number(row[spec.columns[i]]);
                if (!Double.isNaN(x)) {
                    min[i] = Math.min(min[i], x);
                    max[i] = Math.max(max[i], x);
                }
            }
            return true;
        }

        @Override
        void prepare(long rows) {
            edges = new double[spec.columns.length][];
            labels = new Object[spec.columns.length][];
            for (int i = 0; i < spec.columns.length; i++) {
                if (min[i] > max[i]) {
                    continue; // no value at all: every bin is null
                }
                edges[i] = equalWidthEdges(min[i], max[i], spec.count, spec.right);
                labels[i] = spec.labels != null ? spec.labels : spec.codes ? null : intervalLabels(edges[i], false, spec.right, spec.includeLowest);
            }
        }

        @Override
        Object[] transform(Object[] row) {
            return binned(spec, edges, labels, row);
        }
    }
}
