package dev.helix.core.judge;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Decides keep, discard or crash for a measured candidate against the best so far. A pure
 * function: the same metrics, diff and spec always give the same verdict, with a reason a person
 * can check.
 */
public final class Judge {
    private Judge() {}

    /**
     * @param candidate the candidate's parsed metrics
     * @param best the best experiment's metrics
     * @param change the candidate's diff against the best (for the simplicity rule)
     */
    public static Verdict judge(Map<String, Double> candidate, Map<String, Double> best, DiffStat change, Spec spec) {
        Spec.MetricSpec primary = spec.metrics().primary();
        Double value = candidate.get(primary.name());
        if (value == null) return Verdict.crash(primary.name() + " was not found in the output");
        if (!Double.isFinite(value)) return Verdict.crash(primary.name() + " is " + value);
        Double reference = best.get(primary.name());
        if (reference == null || !Double.isFinite(reference)) {
            return new Verdict(Status.KEEP, "the best has no usable " + primary.name(), Optional.empty(), Optional.empty());
        }
        double delta = value - reference;
        Optional<Double> pct = reference == 0 ? Optional.empty() : Optional.of(delta / Math.abs(reference) * 100);
        List<String> broken = brokenLimits(candidate, best, spec);
        if (!broken.isEmpty()) {
            return new Verdict(Status.DISCARD, String.join("; ", broken), Optional.of(delta), pct);
        }
        double improvement = primary.optimize().improvement(value, reference);
        double threshold = spec.judge().minImprovement().against(reference);
        String move = primary.name() + " " + fmt(reference) + " -> " + fmt(value) + " (" + signed(delta)
                + pct.map(p -> ", " + percent(p)).orElse("") + ")";
        if (improvement > threshold) {
            return new Verdict(Status.KEEP, "improved: " + move, Optional.of(delta), pct);
        }
        if (spec.judge().simplicity() && Math.abs(improvement) <= threshold && change.net() < 0) {
            return new Verdict(Status.KEEP, "simpler: " + primary.name() + " equal within " + spec.judge().minImprovement()
                    + " with " + (-change.net()) + " fewer lines", Optional.of(delta), pct);
        }
        String why = improvement > 0
                ? "improvement " + fmt(improvement) + " is not more than min_improvement " + fmt(threshold)
                : improvement == 0 ? "no change" : "worse";
        return new Verdict(Status.DISCARD, why + ": " + move, Optional.of(delta), pct);
    }

    /** The quality guard and constraints the candidate breaks, each as a sentence. */
    private static List<String> brokenLimits(Map<String, Double> candidate, Map<String, Double> best, Spec spec) {
        List<String> broken = new ArrayList<>();
        spec.metrics().qualityGuard().ifPresent(guard -> {
            Double now = candidate.get(guard.name());
            Double before = best.get(guard.name());
            if (now == null || !Double.isFinite(now)) {
                broken.add("quality guard " + guard.name() + " is " + (now == null ? "missing" : now));
            } else if (before != null && Double.isFinite(before)) {
                double worse = -guard.optimize().improvement(now, before);
                double allowed = Math.abs(before) * guard.maxDegradation();
                if (worse > allowed) {
                    broken.add("quality guard " + guard.name() + " degraded " + fmt(before) + " -> " + fmt(now)
                            + ", more than max_degradation " + fmt(guard.maxDegradation() * 100) + "%");
                }
            }
        });
        for (Spec.Constraint c : spec.metrics().constraints()) {
            Double v = candidate.get(c.name());
            if (v == null || Double.isNaN(v)) {
                broken.add("constraint metric " + c.name() + " is " + (v == null ? "missing" : "NaN"));
                continue;
            }
            c.max().filter(max -> v > max).ifPresent(max -> broken.add(c.name() + " " + fmt(v) + " > max " + fmt(max)));
            c.min().filter(min -> v < min).ifPresent(min -> broken.add(c.name() + " " + fmt(v) + " < min " + fmt(min)));
        }
        return broken;
    }

    /** A metric value as people read it: up to 6 significant digits, no exponent for ordinary sizes. */
    public static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return Double.toString(v);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        double a = Math.abs(v);
        if (a >= 1e-4 && a < 1e9) {
            return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
        }
        return new java.math.BigDecimal(v).round(new java.math.MathContext(6)).stripTrailingZeros().toString()
                .toLowerCase(java.util.Locale.ROOT).replace("e+", "e");
    }

    public static String signed(double v) {
        return (v > 0 ? "+" : "") + fmt(v);
    }

    /** A percentage with its sign and two decimals: "+1.25%". */
    public static String percent(double p) {
        return String.format(java.util.Locale.ROOT, "%+.2f%%", p);
    }

    /** Whether {@code direction} prefers a over b (strictly). */
    public static boolean better(Direction direction, double a, double b) {
        return direction.improvement(a, b) > 0;
    }
}
