package dev.helix.core.tune;

import java.util.Arrays;
import java.util.List;

/**
 * A Gaussian process fitted to the measured points, to judge candidates near the best by their
 * expected improvement: the tuner's local refinement. Coordinates are scaled to the unit cube;
 * scores are replaced by normal scores of their ranks (a Gaussian copula), so one huge value
 * cannot flatten the model; the kernel is Matérn 5/2 with the length scale of highest marginal
 * likelihood on a fixed grid.
 */
final class Surrogate {

    /** Length scales tried, in unit-cube coordinates. */
    private static final double[] LENGTHS = {0.05, 0.1, 0.2, 0.35, 0.5, 0.8, 1.2};
    /** Noise variance added on the diagonal, relative to the normal scores' unit variance. */
    private static final double NUGGET = 1e-3;

    private final Space space;
    private final double[][] x;
    private final double[] alpha;
    private final double[][] chol;
    private final double length;
    private final double best;

    private Surrogate(Space space, double[][] x, double length, double[][] chol, double[] alpha, double best) {
        this.space = space;
        this.x = x;
        this.length = length;
        this.chol = chol;
        this.alpha = alpha;
        this.best = best;
    }

    /**
     * @param points coordinates of the measured points
     * @param scores their scores, lower is better, in the same order
     */
    static Surrogate fit(Space space, List<double[]> points, List<Double> scores) {
        int n = points.size();
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) x[i] = unit(space, points.get(i));
        double[] y = normalScores(scores);
        Surrogate fitted = null;
        double bestLikelihood = Double.NEGATIVE_INFINITY;
        for (double length : LENGTHS) {
            double[][] k = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) k[i][j] = k[j][i] = matern(x[i], x[j], length);
                k[i][i] += NUGGET;
            }
            double[][] l = cholesky(k);
            double[] alpha = solve(l, y);
            double likelihood = 0;
            for (int i = 0; i < n; i++) likelihood -= 0.5 * y[i] * alpha[i] + Math.log(l[i][i]);
            if (likelihood > bestLikelihood) {
                bestLikelihood = likelihood;
                double min = Arrays.stream(y).min().orElse(0);
                fitted = new Surrogate(space, x, length, l, alpha, min);
            }
        }
        return fitted;
    }

    /** The expected improvement over the best point at coordinates {@code point} (larger is better). */
    double expectedImprovement(double[] point) {
        double[] u = unit(space, point);
        int n = x.length;
        double[] k = new double[n];
        for (int i = 0; i < n; i++) k[i] = matern(u, x[i], length);
        double mean = 0;
        for (int i = 0; i < n; i++) mean += k[i] * alpha[i];
        double[] v = forward(chol, k);
        double var = 1 + NUGGET;
        for (double vi : v) var -= vi * vi;
        double sd = Math.sqrt(Math.max(var, 1e-12));
        double z = (best - mean) / sd;
        return (best - mean) * Parzen.phi(z) + sd * Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
    }

    private static double[] unit(Space space, double[] point) {
        double[] u = new double[point.length];
        for (int d = 0; d < u.length; d++) {
            double range = space.high(d) - space.low(d);
            u[d] = range > 0 ? (point[d] - space.low(d)) / range : 0;
        }
        return u;
    }

    private static double matern(double[] a, double[] b, double length) {
        double ss = 0;
        for (int d = 0; d < a.length; d++) ss += (a[d] - b[d]) * (a[d] - b[d]);
        double r = Math.sqrt(5 * ss) / length;
        return (1 + r + r * r / 3) * Math.exp(-r);
    }

    /** Normal scores of the ranks: the i-th smallest of n becomes the (i + 0.5)/n quantile of N(0, 1). */
    static double[] normalScores(List<Double> scores) {
        int n = scores.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Double.compare(scores.get(a), scores.get(b)));
        double[] out = new double[n];
        for (int r = 0; r < n; r++) out[order[r]] = inverseNormal((r + 0.5) / n);
        return out;
    }

    /** The standard normal quantile function (Acklam's rational approximation, about 1e-9 relative). */
    static double inverseNormal(double p) {
        double[] a = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                -3.066479806614716e+01, 2.506628277459239e+00};
        double[] b = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                -1.328068155288572e+01};
        double[] c = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                4.374664141464968e+00, 2.938163982698783e+00};
        double[] d = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
        if (p < 0.02425) {
            double q = Math.sqrt(-2 * Math.log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5])
                    / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425) return -inverseNormal(1 - p);
        double q = p - 0.5, r = q * q;
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    }

    private static double[][] cholesky(double[][] a) {
        int n = a.length;
        double[][] l = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = a[i][j];
                for (int k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
                l[i][j] = i == j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j][j];
            }
        }
        return l;
    }

    /** L y = b. */
    private static double[] forward(double[][] l, double[] b) {
        int n = b.length;
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = b[i];
            for (int k = 0; k < i; k++) sum -= l[i][k] * y[k];
            y[i] = sum / l[i][i];
        }
        return y;
    }

    /** (L Lᵀ) x = b. */
    private static double[] solve(double[][] l, double[] b) {
        double[] y = forward(l, b);
        int n = b.length;
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double sum = y[i];
            for (int k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
            x[i] = sum / l[i][i];
        }
        return x;
    }
}
