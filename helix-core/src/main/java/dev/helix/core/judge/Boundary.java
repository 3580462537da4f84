package dev.helix.core.judge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The constant (Pocock) boundary of a one-sided group-sequential test: the c for which a standard
 * Gaussian random walk S_k crosses c * sqrt(k) at any of K looks with probability alpha, computed
 * by the Armitage-McPherson-Rowe recursion on a grid (deterministic, memoized).
 *
 * <p>Why it also holds for Helix's looks, whose information does not grow in equal steps: the
 * candidate's samples are compared with an incumbent pool shared by every look, so the correlation
 * of the statistics at looks j &lt; k is sqrt((1/k + 1/m_k) / (1/j + 1/m_j)), never less than the
 * equal-steps sqrt(j/k) as long as k/m_k does not fall (true for Helix's protocol, where m grows by
 * at most one per look). By Slepian's inequality more correlation can only lower the chance of ever
 * crossing, so this c keeps the false-keep rate at or below alpha. That is exact for a known sd;
 * with the sd estimated the judge applies the same nominal level to t-statistics, the usual
 * group-sequential t approximation (the benchmark checks the result).
 */
public final class Boundary {
    private Boundary() {}

    private static final Map<String, Double> CACHE = new ConcurrentHashMap<>();
    private static final double H = 0.04;
    private static final double MARGIN = 0.02;

    /** The nominal one-sided level of each look: 1 - Phi(c). */
    public static double nominalAlpha(int looks, double alpha) {
        return 1 - StudentT.normalCdf(constant(looks, alpha));
    }

    /** c with P(max_k S_k / sqrt(k) &gt; c) = alpha over {@code looks} looks. */
    public static double constant(int looks, double alpha) {
        return constant(1, looks, alpha);
    }

    /** The nominal one-sided level of each of the looks {@code first} to {@code last} (information first..last). */
    public static double nominalAlpha(int first, int last, double alpha) {
        return 1 - StudentT.normalCdf(constant(first, last, alpha));
    }

    /**
     * c with P(max_k S_k / sqrt(k) &gt; c) = alpha over the looks k = {@code first} .. {@code last}:
     * the paired judge cannot keep at its first block, so its looks that may keep start at the
     * second, more correlated with each other than looks 1..K-1 and so allowed a lower c.
     */
    public static double constant(int first, int last, double alpha) {
        int looks = last - first + 1;
        if (looks <= 1) return StudentT.quantile(1 - alpha, Double.POSITIVE_INFINITY);
        return CACHE.computeIfAbsent(first + ".." + last + ":" + alpha, key -> {
            double lo = StudentT.quantile(1 - alpha, Double.POSITIVE_INFINITY);
            double hi = StudentT.quantile(1 - alpha / looks, Double.POSITIVE_INFINITY) + 0.01; // Bonferroni
            for (int i = 0; i < 22; i++) {
                double mid = (lo + hi) / 2;
                if (crossing(first, last, mid) > alpha) lo = mid; else hi = mid;
            }
            // The grid loses a little mass just below the boundary, so it errs low by about 0.01
            // (2.189 for 7 looks where a finer grid gives 2.195 and Pocock's tables 2.20): round up.
            return hi + MARGIN;
        });
    }

    /** P(S_k &gt; c sqrt(k) for some k &lt;= looks) for a standard Gaussian random walk. */
    static double crossing(int looks, double c) {
        return crossing(1, looks, c);
    }

    /** P(S_k &gt; c sqrt(k) for some first &lt;= k &lt;= last) for a standard Gaussian random walk. */
    static double crossing(int first, int last, double c) {
        int looks = last;
        double low = -8 * Math.sqrt(looks);
        int size = (int) Math.ceil((c * Math.sqrt(looks) - low) / H) + 2;
        double[] f = new double[size];
        double[] g = new double[size];
        double crossed = 1 - StudentT.normalCdf(c);
        double s0 = c * Math.sqrt(first);
        int top = (int) Math.floor((s0 - low) / H);
        double sd0 = Math.sqrt(first);
        for (int i = 0; i <= top; i++) f[i] = phi((low + i * H) / sd0) / sd0;
        int prevTop = top;
        int reach = (int) Math.ceil(9 / H);
        double[] kernel = new double[reach + 1];
        for (int d = 0; d <= reach; d++) kernel[d] = phi(d * H);
        for (int k = first + 1; k <= looks; k++) {
            double bound = c * Math.sqrt(k);
            int newTop = (int) Math.floor((bound - low) / H);
            for (int i = 0; i <= prevTop; i++) {
                double x = low + i * H;
                crossed += w(i, prevTop) * H * f[i] * (1 - StudentT.normalCdf(bound - x));
            }
            for (int j = 0; j <= newTop; j++) {
                double y = low + j * H, s = 0;
                for (int i = Math.max(0, j - reach); i <= Math.min(prevTop, j + reach); i++) {
                    s += w(i, prevTop) * f[i] * kernel[Math.abs(j - i)];
                }
                g[j] = s * H;
            }
            double[] t = f;
            f = g;
            g = t;
            java.util.Arrays.fill(g, 0);
            prevTop = newTop;
        }
        return crossed;
    }

    /**
     * The nominal one-sided level of each look 1..{@code last} for a Wang-Tsiatis boundary
     * c_k = C (k / last)^(shape - 1/2) over the looks 2..last (look 1 cannot keep: level 0), with C
     * set so that a standard Gaussian random walk crosses with probability {@code alpha}. shape 1/2
     * is Pocock's constant boundary, 0 O'Brien-Fleming's. When {@code futility} is given (z at looks
     * 1..last, -infinity for none), paths below it stop there and can no longer cross: the futility
     * stops are binding, which lowers C.
     */
    public static double[] levels(int last, double alpha, double shape, double[] futility) {
        String key = "wt" + last + ":" + alpha + ":" + shape + ":" + java.util.Arrays.toString(futility);
        double c = CACHE.computeIfAbsent(key, k -> {
            double lo = 0.5, hi = 8;
            for (int i = 0; i < 30; i++) {
                double mid = (lo + hi) / 2;
                if (crossing(upper(last, mid, shape), futility) > alpha) lo = mid; else hi = mid;
            }
            return hi + MARGIN;
        });
        double[] u = upper(last, c, shape);
        double[] levels = new double[last];
        for (int k = 1; k < last; k++) levels[k] = 1 - StudentT.normalCdf(u[k]);
        return levels;
    }

    private static double[] upper(int last, double c, double shape) {
        double[] u = new double[last];
        u[0] = Double.POSITIVE_INFINITY;
        for (int k = 2; k <= last; k++) u[k - 1] = c * Math.pow((double) k / last, shape - 0.5);
        return u;
    }

    /**
     * P(S_k &gt; upper_k sqrt(k) at some look before falling below lower_k sqrt(k)) for a standard
     * Gaussian random walk, bounds in z units for looks 1..K ({@code lower} may be null).
     */
    static double crossing(double[] upper, double[] lower) {
        int looks = upper.length;
        double low = -8 * Math.sqrt(looks), high = 8 * Math.sqrt(looks);
        int size = (int) Math.ceil((high - low) / H) + 1;
        int reach = (int) Math.ceil(9 / H);
        double[] kernel = new double[reach + 1];
        for (int d = 0; d <= reach; d++) kernel[d] = phi(d * H);
        double[] f = new double[size];
        double crossed = 0;
        for (int k = 1; k <= looks; k++) {
            double root = Math.sqrt(k);
            double up = upper[k - 1] * root, down = lower == null ? Double.NEGATIVE_INFINITY : lower[k - 1] * root;
            double[] g = new double[size];
            for (int j = 0; j < size; j++) {
                double y = low + j * H;
                if (y >= up || y < down) continue;
                if (k == 1) {
                    g[j] = phi(y);
                    continue;
                }
                double s = 0;
                for (int i = Math.max(0, j - reach); i <= Math.min(size - 1, j + reach); i++) s += f[i] * kernel[Math.abs(j - i)];
                g[j] = s * H;
            }
            if (k == 1) {
                crossed += up == Double.POSITIVE_INFINITY ? 0 : 1 - StudentT.normalCdf(up);
            } else if (up != Double.POSITIVE_INFINITY) {
                for (int i = 0; i < size; i++) if (f[i] > 0) crossed += H * f[i] * (1 - StudentT.normalCdf(up - (low + i * H)));
            }
            f = g;
        }
        return crossed;
    }

    private static double w(int i, int top) {
        return i == 0 || i == top ? 0.5 : 1;
    }

    private static double phi(double x) {
        return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
    }
}
