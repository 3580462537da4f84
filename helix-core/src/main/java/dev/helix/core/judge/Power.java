package dev.helix.core.judge;

import java.util.OptionalInt;

/**
 * The statistical judge's power: how likely it keeps a candidate with a given true improvement,
 * the smallest improvement it keeps with a given probability, and how many blocks that takes. It
 * follows the judge's own rule (paired blocks; Pocock's constant boundary over the looks 2..K at
 * {@code 1 - confidence}; a first block no better discards, then the futility line 0.35 (k - 1)),
 * with the sd of a block's difference taken as known and the effect estimated by the mean of the
 * differences: a little optimistic for the first experiments, whose noise estimate is thin.
 * Computed exactly on a grid (the Armitage-McPherson-Rowe recursion, as {@link Boundary}). Pure.
 * docs/statistical-judge.md has the formulas.
 */
public final class Power {
    private Power() {}

    /** The power people plan with. */
    public static final double PLANNED = 0.8;
    /** The most blocks judge.max_repeats allows. */
    public static final int MOST_BLOCKS = 50;

    private static final double H = 0.025;

    /**
     * The probability of a keep.
     *
     * @param excess the true improvement beyond min_improvement, in units of the sd of one block's difference
     *               (sqrt(2) times the sd of one measurement)
     * @param blocks judge.max_repeats: the most blocks, each one candidate and one incumbent sample
     */
    public static double keep(double excess, int blocks, double confidence) {
        int looks = Math.max(2, blocks);
        double alpha = 1 - confidence;
        double c = StudentT.quantile(1 - SequentialJudge.alphaAt(2, looks, alpha), Double.POSITIVE_INFINITY);
        // Paths that go on lie between the futility line (>= 0) and the boundary: the grid covers that.
        double high = Math.max(c * Math.sqrt(looks), excess + 9) + 1;
        int size = (int) Math.ceil(high / H) + 1;
        int reach = (int) Math.ceil((9 + Math.abs(excess)) / H);
        double[] kernel = new double[2 * reach + 1]; // the density of one step, S_k - S_(k-1) ~ N(excess, 1)
        for (int d = -reach; d <= reach; d++) kernel[d + reach] = phi(d * H - excess);
        double[] f = new double[size];
        for (int j = 0; j < size; j++) {
            double y = j * H;
            f[j] = y >= SequentialJudge.futilityAt(1) ? phi(y - excess) : 0; // look 1 cannot keep
        }
        double kept = 0;
        for (int k = 2; k <= looks; k++) {
            double up = c * Math.sqrt(k);
            for (int i = 0; i < size; i++) {
                if (f[i] > 0) kept += weight(i, size) * H * f[i] * (1 - StudentT.normalCdf(up - i * H - excess));
            }
            if (k == looks) break;
            double down = SequentialJudge.futilityAt(k) * Math.sqrt(k);
            double[] g = new double[size];
            for (int j = 0; j < size; j++) {
                double y = j * H;
                if (y < down || y >= up) continue;
                double s = 0;
                for (int i = Math.max(0, j - reach); i <= Math.min(size - 1, j + reach); i++) {
                    s += weight(i, size) * f[i] * kernel[j - i + reach];
                }
                g[j] = s * H;
            }
            f = g;
        }
        return kept;
    }

    /**
     * The smallest true improvement (in units of the sd of one block's difference, beyond
     * min_improvement) kept with probability {@code power}.
     */
    public static double detectable(int blocks, double confidence, double power) {
        double lo = 0, hi = 1;
        while (keep(hi, blocks, confidence) < power) {
            hi *= 2;
            if (hi > 64) return Double.POSITIVE_INFINITY;
        }
        for (int i = 0; i < 30; i++) {
            double mid = (lo + hi) / 2;
            if (keep(mid, blocks, confidence) < power) lo = mid; else hi = mid;
        }
        return hi;
    }

    /**
     * The fewest blocks (judge.max_repeats, 2 to {@value #MOST_BLOCKS}) with which an improvement
     * {@code excess} beyond min_improvement (in sds of a block's difference) is kept with probability
     * {@code power}; empty when no number is enough. More blocks help only up to the look where the
     * futility line reaches the boundary: every experiment ends there, and more blocks only raise the boundary.
     */
    public static OptionalInt blocksFor(double excess, double confidence, double power) {
        if (excess <= 0) return OptionalInt.empty();
        for (int k = 2; k <= MOST_BLOCKS; k++) {
            if (keep(excess, k, confidence) >= power) return OptionalInt.of(k);
            if (lastLook(k, confidence) < k) break;
        }
        return OptionalInt.empty();
    }

    /**
     * The look by which every experiment has ended under judge.max_repeats {@code blocks}: the first
     * where the futility line (t below 0.35 (k - 1) discards) reaches the boundary, else {@code blocks}.
     */
    public static int lastLook(int blocks, double confidence) {
        int looks = Math.max(2, blocks);
        double c = StudentT.quantile(1 - SequentialJudge.alphaAt(2, looks, 1 - confidence), Double.POSITIVE_INFINITY);
        for (int k = 2; k < looks; k++) if (SequentialJudge.futilityAt(k) >= c) return k;
        return looks;
    }

    /**
     * How many false keeps a session should expect at most: every judged experiment whose change had
     * no real effect is kept with probability {@code keep(0, blocks, confidence)} (at most
     * {@code 1 - confidence}), so {@code judged} experiments give at most judged times that.
     */
    public static double expectedFalseKeeps(int judged, int blocks, double confidence) {
        return judged * keep(0, blocks, confidence);
    }

    private static double weight(int i, int size) {
        return i == 0 || i == size - 1 ? 0.5 : 1;
    }

    private static double phi(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
}
