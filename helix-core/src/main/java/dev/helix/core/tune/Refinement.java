package dev.helix.core.tune;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The tuner's local refinement around the best point: candidates drawn near it, spread as widely
 * as the good points are (so the steps shrink as the good points gather), to be judged by a
 * {@link Surrogate}'s expected improvement.
 */
final class Refinement {

    /** Of a coordinate's range: the narrowest and widest spread of a step. */
    static final double MIN_SPREAD = 0.01, MAX_SPREAD = 0.25;
    /** The chance that a step keeps a categorical's choice. */
    static final double KEEP_CHOICE = 0.8;

    private final Space space;
    private final double[] centre;
    private final double[] spread;

    /**
     * @param good the good points' coordinates, the best first (at least two)
     */
    Refinement(Space space, List<double[]> good) {
        this.space = space;
        this.centre = good.get(0);
        this.spread = new double[space.dimensions()];
        for (int d = 0; d < spread.length; d++) {
            double range = space.high(d) - space.low(d);
            double mean = 0, ss = 0;
            for (double[] x : good) mean += x[d] / good.size();
            for (double[] x : good) ss += (x[d] - mean) * (x[d] - mean);
            double sd = Math.sqrt(ss / (good.size() - 1));
            spread[d] = Space.clamp(sd, MIN_SPREAD * range, MAX_SPREAD * range);
        }
    }

    /** A point near the best: each number moved by N(0, spread), a categorical mostly kept. */
    double[] step(SplittableRandom rnd) {
        double[] x = new double[centre.length];
        for (int d = 0; d < x.length; d++) {
            if (space.categorical(d)) {
                x[d] = rnd.nextDouble() < KEEP_CHOICE ? centre[d] : rnd.nextInt(space.choices(d));
            } else {
                x[d] = Space.clamp(centre[d] + spread[d] * rnd.nextGaussian(), space.low(d), space.high(d));
            }
        }
        return x;
    }
}
