package dev.helix.core.result;

import dev.helix.core.experiment.Evidence;
import dev.helix.core.judge.Judge;
import dev.helix.core.spec.Direction;

/**
 * An improvement measured side by side, in the metric's units and signed so that positive is
 * better whichever way the metric is optimized, with its two-sided confidence interval.
 *
 * @param value the estimated improvement
 * @param low lower end of the interval
 * @param high upper end of the interval
 * @param confidence the interval's level, e.g. 0.95
 * @param blocks how many balanced blocks it rests on
 */
public record Gain(double value, double low, double high, double confidence, int blocks) {

    /**
     * The improvement of the candidate over the reference that {@code evidence} (candidate minus
     * reference, as the judge's statistics give it) describes, for a metric optimized in {@code direction}.
     */
    public static Gain of(Evidence evidence, Direction direction, double confidence) {
        double sign = direction.improvement(1, 0) > 0 ? 1 : -1;
        double a = sign * evidence.ciLow();
        double b = sign * evidence.ciHigh();
        return new Gain(sign * evidence.effect(), Math.min(a, b), Math.max(a, b), confidence, evidence.n());
    }

    /** Whether the whole interval lies on the better side of zero: the improvement is real at this confidence. */
    public boolean significant() {
        return low > 0;
    }

    /** E.g. "+0.12 (95% CI +0.10..+0.14)", or "+0.12 (no spread)" when the measurements did not spread. */
    public String render() {
        if (low == high) return Judge.signed(value) + " (no spread)";
        return Judge.signed(value) + " (" + Judge.fmt(confidence * 100) + "% CI " + Judge.signed(low) + ".." + Judge.signed(high) + ")";
    }
}
