package dev.helix.core.tune;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A Parzen estimator over the search space, as in the tree-structured Parzen estimator (Bergstra
 * et al., 2011): a mixture of one kernel per observed point and a broad prior over the whole
 * space. Numbers get truncated Gaussian kernels with Scott's-rule bandwidth over all dimensions
 * together (a multivariate kernel, so dependent parameters are modelled jointly); categoricals a
 * kernel that puts most of its weight on the point's own choice.
 */
final class Parzen {

    /** The prior's weight, counted like one more point. */
    static final double PRIOR_WEIGHT = 1.0;
    /** Bandwidth at one point, as a fraction of the range; shrinks as n^(-1/(d+4)). */
    static final double SIGMA0 = 0.2;
    private static final double LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

    private final Space space;
    private final List<double[]> centres;
    private final double[] sigma;

    Parzen(Space space, List<double[]> centres) {
        this.space = space;
        this.centres = List.copyOf(centres);
        int dims = space.dimensions();
        this.sigma = new double[dims];
        int n = Math.max(1, centres.size());
        for (int d = 0; d < dims; d++) {
            double range = space.high(d) - space.low(d);
            double s = SIGMA0 * Math.pow(n, -1.0 / (dims + 4)) * range;
            sigma[d] = Math.max(s, range / Math.min(100, 1 + n));
        }
    }

    /** The log of the mixture's density at {@code x} (categoricals by their probability). */
    double logDensity(double[] x) {
        int k = centres.size();
        double[] terms = new double[k + 1];
        for (int j = 0; j < k; j++) terms[j] = logKernel(centres.get(j), x);
        terms[k] = Math.log(PRIOR_WEIGHT) + logPrior(x);
        double max = Double.NEGATIVE_INFINITY;
        for (double t : terms) max = Math.max(max, t);
        if (max == Double.NEGATIVE_INFINITY) return max;
        double sum = 0;
        for (double t : terms) sum += Math.exp(t - max);
        return max + Math.log(sum) - Math.log(k + PRIOR_WEIGHT);
    }

    /** A draw from the mixture: a component chosen by weight, then each coordinate from its kernel. */
    double[] sample(SplittableRandom rnd) {
        int k = centres.size();
        double pick = rnd.nextDouble() * (k + PRIOR_WEIGHT);
        double[] centre = pick < k ? centres.get((int) pick) : null;
        double[] out = new double[space.dimensions()];
        for (int d = 0; d < out.length; d++) {
            if (space.categorical(d)) {
                out[d] = centre == null ? rnd.nextInt(space.choices(d)) : drawChoice(rnd, d, (int) centre[d]);
            } else {
                double lo = space.low(d), hi = space.high(d);
                double mu = centre == null ? (lo + hi) / 2 : centre[d];
                double s = centre == null ? hi - lo : sigma[d];
                out[d] = truncatedNormal(rnd, mu, s, lo, hi);
            }
        }
        return out;
    }

    private int drawChoice(SplittableRandom rnd, int d, int own) {
        int n = space.choices(d);
        // the own choice gets 1 + prior/n of 1 + prior; every choice (own included) gets prior/n
        return rnd.nextDouble() * (1 + PRIOR_WEIGHT) < 1 ? own : rnd.nextInt(n);
    }

    private double logKernel(double[] centre, double[] x) {
        double sum = 0;
        for (int d = 0; d < x.length; d++) {
            if (space.categorical(d)) {
                int n = space.choices(d);
                double p = (PRIOR_WEIGHT / n + (Math.round(x[d]) == Math.round(centre[d]) ? 1 : 0)) / (1 + PRIOR_WEIGHT);
                sum += Math.log(p);
            } else {
                sum += logTruncatedNormal(x[d], centre[d], sigma[d], space.low(d), space.high(d));
            }
        }
        return sum;
    }

    private double logPrior(double[] x) {
        double sum = 0;
        for (int d = 0; d < x.length; d++) {
            if (space.categorical(d)) {
                sum -= Math.log(space.choices(d));
            } else {
                double lo = space.low(d), hi = space.high(d);
                sum += logTruncatedNormal(x[d], (lo + hi) / 2, hi - lo, lo, hi);
            }
        }
        return sum;
    }

    static double logTruncatedNormal(double x, double mu, double s, double lo, double hi) {
        if (!(s > 0)) return x == mu ? 0 : Double.NEGATIVE_INFINITY;
        double z = (x - mu) / s;
        double mass = phi((hi - mu) / s) - phi((lo - mu) / s);
        return -0.5 * z * z - LOG_SQRT_2PI - Math.log(s) - Math.log(Math.max(mass, 1e-300));
    }

    private static double truncatedNormal(SplittableRandom rnd, double mu, double s, double lo, double hi) {
        if (!(s > 0) || !(hi > lo)) return Space.clamp(mu, lo, hi);
        for (int i = 0; i < 32; i++) {
            double v = mu + s * rnd.nextGaussian();
            if (v >= lo && v <= hi) return v;
        }
        // a kernel mostly outside the range (a centre at its edge): uniform over the range
        return lo + rnd.nextDouble() * (hi - lo);
    }

    /** The standard normal distribution function (the judge's own). */
    static double phi(double z) {
        return dev.helix.core.judge.StudentT.normalCdf(z);
    }
}
