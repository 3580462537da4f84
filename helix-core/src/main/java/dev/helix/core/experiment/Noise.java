package dev.helix.core.experiment;

import java.util.List;

/**
 * How noisy the primary metric is: the standard deviation of repeated measurements of the same
 * commit, and what the judge made of it. Recorded on the baseline (measured {@code evaluate.repeats}
 * times); with {@code judge.mode: auto} the mode is {@code strict} when every repeat gave the same
 * value and {@code statistical} otherwise.
 *
 * @param sd the sample standard deviation of the repeats (0 when they are identical)
 * @param n how many measurements it is based on
 * @param mode the judge mode the session uses: "strict" or "statistical"
 */
public record Noise(double sd, int n, String mode) {

    public static final String STRICT = "strict";
    public static final String STATISTICAL = "statistical";

    /** The noise of repeated measurements of one commit; {@code sd} is 0 for fewer than two. */
    public static Noise of(List<Double> samples, String mode) {
        return new Noise(sd(samples), samples.size(), mode);
    }

    public boolean statistical() {
        return STATISTICAL.equals(mode);
    }

    /** The sample standard deviation (n - 1 in the denominator); 0 for fewer than two values. */
    public static double sd(List<Double> xs) {
        int n = xs.size();
        if (n < 2) return 0;
        double mean = mean(xs);
        double ss = 0;
        for (double x : xs) ss += (x - mean) * (x - mean);
        return Math.sqrt(ss / (n - 1));
    }

    /**
     * The mean of {@code xs} (at least one), exact when they are all the same: a plain average of
     * three readings of 1.77 is 1.7700000000000002, and a deterministic metric's candidate that
     * reads 1.77 again would beat its own baseline by that rounding.
     */
    public static double mean(List<Double> xs) {
        double first = xs.get(0);
        if (!Double.isFinite(first)) return xs.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double d = 0;
        for (double x : xs) d += x - first;
        return first + d / xs.size();
    }

    /**
     * One line for people, e.g. {@code "noise: sd 0.0123 (1.2% of 1.02) over 3 baseline runs -> statistical judge"}.
     *
     * @param mean the baseline's mean, to put the sd in proportion (NaN to leave it out)
     */
    public String render(double mean) {
        String fmt = dev.helix.core.judge.Judge.fmt(sd);
        String rel = Double.isFinite(mean) && mean != 0 && sd > 0
                ? " (" + new java.math.BigDecimal(sd / Math.abs(mean) * 100).round(new java.math.MathContext(2))
                        .stripTrailingZeros().toPlainString() + "% of " + dev.helix.core.judge.Judge.fmt(mean) + ")"
                : "";
        String what = sd == 0 ? "none: " + n + " identical baseline run" + (n == 1 ? "" : "s")
                : "sd " + fmt + rel + " over " + n + " baseline runs";
        return "noise: " + what + " -> " + mode + " judge";
    }
}
