package dev.helix.core.judge;

import java.util.Arrays;

/**
 * The fewest evaluations per experiment that any sequential rule can spend for given error rates
 * (not a test; {@code ./bench/judge --designs} prints it): the benchmark's four true effects (+0, +1,
 * +2, -1 sigma, equally often), at most {@code looks} looks, false keeps at +0 at most alpha, keeps at
 * +2 sigma at least the power asked, and the noise known exactly, which only makes a real judge
 * (which estimates it) costlier. The optimal rule is found by backward induction on the sum of the
 * looks' observations (a Bayes problem whose prior puts a quarter on each effect, with a price on
 * each error tuned until both constraints hold), so the figure is a floor, not a design's result.
 *
 * <p>Two measuring designs: <i>paired</i>, a look is a block (one candidate and one incumbent
 * evaluation, cost 2) whose difference has sd sqrt(2) sigma; <i>pooled</i>, a look is one candidate
 * evaluation (cost 1) against an incumbent whose level is taken as known, which is what comparing
 * with a large pool of its past samples amounts to, and is valid only while the machine stands still.
 */
final class JudgeFloor {
    private JudgeFloor() {}

    /** The grid of the observations' sum, in units of one look's sd. */
    private static final double H = 0.08, RANGE = 36;
    private static final int SIZE = (int) Math.round(2 * RANGE / H) + 1, REACH = (int) Math.ceil(7 / H);

    /**
     * @param evaluations the least mean evaluations per experiment over the four effects
     * @param byEffect the same for each effect, in the benchmark's order
     */
    record Floor(double evaluations, double falseKeeps, double power, double[] byEffect, int[][] action) {
        /** The rule as z = sum / sqrt(k) per look: {keep at or above, discard below}; NaN where it never stops that way. */
        double[][] bounds() {
            double[][] b = new double[action.length][2];
            for (int k = 1; k <= action.length; k++) {
                double keep = Double.NaN, discard = Double.NaN;
                for (int j = 0; j < SIZE; j++) {
                    double z = (-RANGE + j * H) / Math.sqrt(k);
                    if (action[k - 1][j] == 1 && Double.isNaN(keep)) keep = z;
                    if (action[k - 1][j] == 2) discard = z;
                }
                b[k - 1][0] = keep;
                b[k - 1][1] = discard;
            }
            return b;
        }
    }

    /**
     * @param paired blocks of two evaluations (drift-proof) or single candidate evaluations against a known level
     * @param firstMayKeep whether the first look may keep (a paired rule's first block cannot tell drift from effect)
     */
    static Floor of(boolean paired, boolean firstMayKeep, int looks, double alpha, double power) {
        double[] theta = new double[JudgeBenchmark.EFFECTS.length];
        for (int i = 0; i < theta.length; i++) theta[i] = JudgeBenchmark.EFFECTS[i] / (paired ? Math.sqrt(2) : 1);
        double cost = paired ? 2 : 1;
        // Outer: the price of a missed +2 sigma effect, for the power; inner: the price of a false keep, for alpha.
        double loMiss = 0, hiMiss = 12;
        Floor best = null;
        for (int i = 0; i < 22; i++) {
            double miss = (loMiss + hiMiss) / 2;
            Floor f = withAlpha(theta, cost, looks, firstMayKeep, alpha, Math.exp(miss));
            if (f.power() >= power) {
                hiMiss = miss;
                best = f;
            } else {
                loMiss = miss;
            }
        }
        return best;
    }

    private static Floor withAlpha(double[] theta, double cost, int looks, boolean firstMayKeep, double alpha, double missPrice) {
        double lo = -2, hi = 16;
        Floor ok = null;
        for (int i = 0; i < 22; i++) {
            double keepPrice = (lo + hi) / 2;
            Floor f = solve(theta, cost, looks, firstMayKeep, Math.exp(keepPrice), missPrice);
            if (f.falseKeeps() <= alpha) {
                hi = keepPrice;
                ok = f;
            } else {
                lo = keepPrice;
            }
        }
        return ok == null ? solve(theta, cost, looks, firstMayKeep, Math.exp(hi), missPrice) : ok;
    }

    /** The Bayes rule for these prices, then its error rates and costs under each effect. */
    static Floor solve(double[] theta, double cost, int looks, boolean firstMayKeep, double falseKeepPrice, double missPrice) {
        int m = theta.length;
        double[][] kernel = new double[m][2 * REACH + 1];
        for (int t = 0; t < m; t++) {
            for (int d = -REACH; d <= REACH; d++) kernel[t][d + REACH] = phi(d * H - theta[t]) * H;
        }
        // action[k][j]: 0 continue, 1 keep, 2 discard, at look k+1 with sum at grid point j
        int[][] action = new int[looks][SIZE];
        double[] next = new double[SIZE];
        for (int k = looks; k >= 1; k--) {
            double[] risk = new double[SIZE];
            for (int j = 0; j < SIZE; j++) {
                double[] p = posterior(theta, -RANGE + j * H, k);
                double keep = k == 1 && !firstMayKeep ? Double.POSITIVE_INFINITY : falseKeepPrice * p[0];
                double discard = missPrice * p[2];
                double stop = Math.min(keep, discard);
                double go = Double.POSITIVE_INFINITY;
                if (k < looks) {
                    go = cost;
                    for (int t = 0; t < m; t++) go += p[t] * expect(next, kernel[t], j);
                }
                risk[j] = Math.min(stop, go);
                action[k - 1][j] = go < stop ? 0 : keep <= discard ? 1 : 2;
            }
            next = risk;
        }
        // Forward: each effect's chance of keeping and its expected evaluations under that rule.
        double[] byEffect = new double[m], keeps = new double[m];
        for (int t = 0; t < m; t++) {
            double[] f = new double[SIZE];
            for (int j = 0; j < SIZE; j++) f[j] = phi(-RANGE + j * H - theta[t]) * H;
            for (int k = 1; k <= looks; k++) {
                double[] g = new double[SIZE];
                for (int j = 0; j < SIZE; j++) {
                    if (f[j] == 0) continue;
                    int a = action[k - 1][j];
                    if (a != 0) {
                        if (a == 1) keeps[t] += f[j];
                        byEffect[t] += f[j] * k * cost;
                        continue;
                    }
                    for (int d = -REACH; d <= REACH; d++) {
                        int to = j + d;
                        if (to >= 0 && to < SIZE) g[to] += f[j] * kernel[t][d + REACH];
                    }
                }
                f = g;
            }
        }
        double mean = Arrays.stream(byEffect).average().orElseThrow();
        return new Floor(mean, keeps[0], keeps[2], byEffect, action);
    }

    private static double expect(double[] v, double[] kernel, int j) {
        double s = 0;
        for (int d = -REACH; d <= REACH; d++) {
            int to = Math.max(0, Math.min(SIZE - 1, j + d));
            s += v[to] * kernel[d + REACH];
        }
        return s;
    }

    /** The posterior over the effects after {@code k} looks summing to {@code sum}, from equal prior weights. */
    private static double[] posterior(double[] theta, double sum, int k) {
        double[] log = new double[theta.length];
        double max = Double.NEGATIVE_INFINITY;
        for (int t = 0; t < theta.length; t++) {
            log[t] = theta[t] * sum - k * theta[t] * theta[t] / 2;
            max = Math.max(max, log[t]);
        }
        double total = 0;
        for (int t = 0; t < theta.length; t++) total += log[t] = Math.exp(log[t] - max);
        for (int t = 0; t < theta.length; t++) log[t] /= total;
        return log;
    }

    private static double phi(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }

    /** The floor at 80%, 85% and 90% of +2 sigma kept, alpha 0.05, {@code max_repeats} looks, as a Markdown table. */
    static String table() {
        StringBuilder b = new StringBuilder("| design | kept at +2 sigma | false keeps | evaluations at +0 / +1 / +2 / -1 sigma "
                + "| **least mean evaluations** |\n|---|---|---|---|---|\n");
        Floor rule = null;
        for (double power : new double[] {0.80, 0.85, 0.90}) {
            Floor paired = of(true, false, JudgeBenchmark.MAX_REPEATS, 0.05, power);
            b.append(row("paired blocks, first block cannot keep", paired));
            if (power == 0.90) rule = paired;
            b.append(row("paired blocks, first block may keep", of(true, true, JudgeBenchmark.MAX_REPEATS, 0.05, power)));
            b.append(row("one candidate run per look, incumbent's level known", of(false, true, JudgeBenchmark.MAX_REPEATS, 0.05, power)));
        }
        b.append("\nThe optimal paired rule at 90%, as z = sum of differences / (sd sqrt(k)) at look k: ");
        double[][] bounds = rule.bounds();
        for (int k = 1; k <= bounds.length; k++) {
            b.append(String.format(java.util.Locale.ROOT, "%s%d: %s, discard below %.2f", k == 1 ? "" : "; ", k,
                    Double.isNaN(bounds[k - 1][0]) ? "no keep" : String.format(java.util.Locale.ROOT, "keep from %.2f", bounds[k - 1][0]),
                    bounds[k - 1][1]));
        }
        return b.append(".\n").toString();
    }

    private static String row(String label, Floor f) {
        return String.format(java.util.Locale.ROOT, "| %s | %.1f%% | %.1f%% | %.2f / %.2f / %.2f / %.2f | **%.2f** |%n", label,
                100 * f.power(), 100 * f.falseKeeps(), f.byEffect()[0], f.byEffect()[1], f.byEffect()[2], f.byEffect()[3], f.evaluations());
    }
}
