package io.sluice.workflow;

import io.sluice.InvalidInputException;

import java.security.SecureRandom;
import java.util.SplittableRandom;

/**
 * A random sample of the rows without replacement, in their input order, as pandas'
 * {@code df.sample(n=..., frac=..., random_state=...)} (Data Wrangler's {@code filter_rows} with
 * {@code filter_type: random_sample}, and a {@code sample} node): {@code n} rows, or
 * {@code round(frac * rows)} (Python's rounding, half to even, as pandas), {@code frac} 0.1 when neither
 * is set (Data Wrangler's default).
 *
 * <p>The rows are chosen by selection sampling (Knuth, TAOCP vol. 2, 3.4.2, Algorithm S) once the first
 * pass has counted them: each row in turn is taken with probability (rows still wanted) / (rows left), so
 * the sample has exactly its size, every subset of that size is equally likely, the rows keep their order,
 * and memory stays constant. The generator is {@link SplittableRandom} seeded by {@code random_state}
 * (also {@code seed}): the same seed over the same input gives the same sample on any machine. It is not
 * numpy's generator, so the rows differ from those pandas picks for the same seed; without a seed each
 * run draws anew, as pandas does.
 */
final class Sample extends TwoPassNode {

    private final String node;
    private final Long n;
    private final Double frac;
    private final long seed;
    private SplittableRandom random;
    private long wanted;
    private long left;

    private Sample(Schema input, String node, Long n, Double frac, long seed) {
        super("sluice-sample-", input, input);
        this.node = node;
        this.n = n;
        this.frac = frac;
        this.seed = seed;
    }

    /**
     * From {@code n} (also {@code sample_size}), {@code frac} (also {@code fraction}) and {@code random_state} (also {@code seed}).
     *
     * @return null (problems noted) when both n and frac are set, n is negative or not whole, frac is not in 0..1,
     *         or {@code replace} is true (sluice samples without replacement)
     */
    static Sample of(Settings settings, Schema input) {
        boolean ok = true;
        Object fracSetting = settings.value("frac", "fraction");
        Object nSetting = settings.value("n", "sample_size");
        if (fracSetting != null && nSetting != null) {
            settings.problem("has both n and frac; pandas' sample takes one");
            return null;
        }
        Long n = nSetting == null ? null : TwoPassNodes.whole(settings, "n", null, "n", "sample_size");
        if (nSetting != null && (n == null || n < 0)) {
            if (n != null) {
                settings.problem("has n " + n + "; a sample has from 0 rows");
            }
            ok = false;
        }
        Double frac = null;
        if (fracSetting != null || nSetting == null) {
            try {
                frac = fracSetting == null ? 0.1 : Double.parseDouble(fracSetting.toString().trim());
            } catch (NumberFormatException e) {
                frac = Double.NaN;
            }
            if (!(frac >= 0 && frac <= 1)) {
                settings.problem("has frac '" + fracSetting + "'; a sample without replacement takes a fraction from 0 to 1");
                ok = false;
            }
        }
        Object replace = settings.value("replace");
        if (replace != null && Boolean.parseBoolean(replace.toString())) {
            settings.problem("samples with replace true; sluice samples without replacement");
            ok = false;
        }
        Object seedSetting = settings.value("random_state", "seed");
        Long seed = seedSetting == null ? (Long) new SecureRandom().nextLong() : TwoPassNodes.whole(settings, "random_state", null, "random_state", "seed");
        if (seed == null) {
            ok = false;
        }
        String name = "node " + settings.node().id() + " (" + settings.node().type() + ")";
        return ok ? new Sample(input, name, n, frac, seed) : null;
    }

    @Override
    void begin() {
    }

    @Override
    boolean gather(Object[] row, long index) {
        return true;
    }

    /** @throws InvalidInputException when n is larger than the input, as pandas refuses it */
    @Override
    void prepare(long rows) {
        wanted = n != null ? n : (long) Math.rint(frac * rows);
        if (wanted > rows) {
            throw new InvalidInputException(node + " samples n=" + n + " rows from an input of " + rows
                    + " rows; a sample without replacement cannot be larger than its input");
        }
        left = rows;
        random = new SplittableRandom(seed);
    }

    @Override
    Object[] transform(Object[] row) {
        boolean taken = wanted > 0 && random.nextDouble() * left < wanted;
        left--;
        if (taken) {
            wanted--;
            return row;
        }
        return null;
    }
}
