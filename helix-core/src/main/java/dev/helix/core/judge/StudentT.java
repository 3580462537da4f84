package dev.helix.core.judge;

/**
 * Student's t distribution: the CDF through the regularized incomplete beta function (Lentz's
 * continued fraction, as in Numerical Recipes), the quantile by bisection. Accurate to about 1e-10,
 * far more than a keep decision needs; no dependency.
 */
public final class StudentT {
    private StudentT() {}

    /** P(T &lt;= t) for T ~ t(df); df = +infinity gives the standard normal. */
    public static double cdf(double t, double df) {
        if (Double.isNaN(t)) return Double.NaN;
        if (t == Double.POSITIVE_INFINITY) return 1;
        if (t == Double.NEGATIVE_INFINITY) return 0;
        if (Double.isInfinite(df) || df > 1e7) return normalCdf(t);
        double x = df / (df + t * t);
        double tail = 0.5 * incompleteBeta(df / 2, 0.5, x);
        return t > 0 ? 1 - tail : tail;
    }

    /** The t with P(T &lt;= t) = p. */
    public static double quantile(double p, double df) {
        if (p <= 0) return Double.NEGATIVE_INFINITY;
        if (p >= 1) return Double.POSITIVE_INFINITY;
        if (p == 0.5) return 0;
        double lo = -1, hi = 1;
        while (cdf(lo, df) > p) lo *= 2;
        while (cdf(hi, df) < p) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid, df) < p) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** P(F &lt;= f) for Fisher's F with (d1, d2) degrees of freedom: whether one variance is louder than another. */
    static double fisherCdf(double f, double d1, double d2) {
        if (f <= 0) return 0;
        if (Double.isInfinite(f)) return 1;
        // d2 infinite: the chi-square distribution of d1 * f with d1 degrees of freedom.
        if (Double.isInfinite(d2)) return 1 - upperGamma(d1 / 2, d1 * f / 2);
        return incompleteBeta(d1 / 2, d2 / 2, d1 * f / (d1 * f + d2));
    }

    /** The regularized upper incomplete gamma function Q(a, x) (series or continued fraction, Numerical Recipes). */
    static double upperGamma(double a, double x) {
        if (x <= 0) return 1;
        double gln = logGamma(a);
        if (x < a + 1) {
            double ap = a, sum = 1 / a, del = sum;
            for (int n = 0; n < 500 && Math.abs(del) > Math.abs(sum) * 1e-15; n++) {
                ap++;
                del *= x / ap;
                sum += del;
            }
            return 1 - sum * Math.exp(-x + a * Math.log(x) - gln);
        }
        double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
        for (int i = 1; i < 500; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < 1e-300) d = 1e-300;
            c = b + an / c;
            if (Math.abs(c) < 1e-300) c = 1e-300;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < 1e-15) break;
        }
        return Math.exp(-x + a * Math.log(x) - gln) * h;
    }

    public static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /** Complementary error function (Numerical Recipes erfcc, relative error below 1.2e-7), refined. */
    private static double erfc(double x) {
        // For the normal limit of very large df only; via the incomplete gamma would be more exact,
        // but a t with 1e7 degrees of freedom never decides a keep on the 8th digit.
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    /** The regularized incomplete beta function I_x(a, b). */
    static double incompleteBeta(double a, double b, double x) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double lbeta = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x);
        double front = Math.exp(lbeta);
        if (x < (a + 1) / (a + b + 2)) return front * betaFraction(a, b, x) / a;
        return 1 - front * betaFraction(b, a, 1 - x) / b;
    }

    private static double betaFraction(double a, double b, double x) {
        final double tiny = 1e-300, eps = 1e-15;
        double qab = a + b, qap = a + 1, qam = a - 1;
        double c = 1, d = 1 - qab * x / qap;
        if (Math.abs(d) < tiny) d = tiny;
        d = 1 / d;
        double h = d;
        for (int m = 1; m <= 10_000; m++) {
            int m2 = 2 * m;
            double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            h *= d * c;
            aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
            d = 1 + aa * d;
            if (Math.abs(d) < tiny) d = tiny;
            c = 1 + aa / c;
            if (Math.abs(c) < tiny) c = tiny;
            d = 1 / d;
            double del = d * c;
            h *= del;
            if (Math.abs(del - 1) < eps) break;
        }
        return h;
    }

    /** ln Gamma(x) for x &gt; 0 (Lanczos, g = 7, n = 9). */
    static double logGamma(double x) {
        final double[] g = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
                -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
                1.5056327351493116e-7};
        if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        x -= 1;
        double a = g[0];
        double t = x + 7.5;
        for (int i = 1; i < 9; i++) a += g[i] / (x + i);
        return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
    }
}
