package dev.helix.core.judge;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.HoldoutReading;
import dev.helix.core.experiment.Status;
import dev.helix.core.spec.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The primary and the hold-out side by side over a session's baseline and keeps, and whether the
 * session overfits: its primary improved on the baseline while its hold-out got worse by more than
 * the hold-out's noise, or one of its keeps did so against the keep before it: a step that the
 * proposer tuned to the evaluation's data shows there even while the session as a whole still
 * beats its baseline on both.
 *
 * <p>The noise comes from the n repeats of the baseline's hold-out (sd s), as a two-sided 95%
 * t-test would set it: one reading against the baseline's mean differs by chance with sd
 * s·sqrt(1 + 1/n), so it counts beyond t(0.975, n-1)·s·sqrt(1 + 1/n); two single readings (keep
 * against keep) differ with sd s·sqrt(2), so beyond t(0.975, n-1)·s·sqrt(2). A worsening by chance
 * alone is then flagged in at most 2.5% of comparisons. When the repeats agree exactly (or there
 * was one) any worsening counts.
 *
 * @param curve the baseline and each keep, in ledger order
 * @param primaryGain the latest keep's primary against the baseline's, positive when better
 * @param holdoutGain the latest measured hold-out against the baseline's, positive when better
 * @param noise how much worse than the baseline's the hold-out may get before it counts
 * @param stepNoise how much worse than the keep before it a keep's hold-out may get before it counts
 * @param baselineSd the spread of the baseline's hold-out repeats (0 when they agreed, or there was one)
 * @param suspects the keeps whose primary improved on the point before them while their hold-out got
 *     worse than that point's beyond the noise
 */
public record Overfitting(List<Point> curve, double primaryGain, double holdoutGain, double noise, double stepNoise, double baselineSd, boolean flagged,
                          List<Integer> suspects) {

    /** The two-sided level of the noise: a worsening by chance alone counts with probability (1 - LEVEL) / 2. */
    public static final double LEVEL = 0.95;

    public Overfitting {
        curve = List.copyOf(curve);
        suspects = List.copyOf(suspects);
    }

    /** One record of the curve: its run, primary, and hold-out value (empty when that run gave none). */
    public record Point(int run, Status status, double primary, Optional<Double> holdout) {}

    /**
     * The comparison for {@code records} of one session; empty when its baseline has no hold-out value
     * (no evaluate.holdout, or a ledger written before it existed).
     */
    public static Optional<Overfitting> of(List<Experiment> records, Direction direction) {
        List<Point> curve = new ArrayList<>();
        Experiment baseline = null;
        for (Experiment e : records) {
            if (e.status() != Status.BASELINE && e.status() != Status.KEEP || e.primary().isEmpty()) continue;
            if (e.status() == Status.BASELINE) baseline = e;
            curve.add(new Point(e.run(), e.status(), e.primary().get(), e.holdout().flatMap(HoldoutReading::value)));
        }
        if (baseline == null) return Optional.empty();
        Optional<HoldoutReading> base = baseline.holdout().filter(h -> h.value().isPresent());
        if (base.isEmpty()) return Optional.empty();
        double baseHoldout = base.get().value().orElseThrow();
        Point last = curve.get(curve.size() - 1);
        Point lastMeasured = curve.stream().filter(p -> p.holdout().isPresent()).reduce((a, b) -> b).orElseThrow();
        double primaryGain = direction.improvement(last.primary(), baseline.primary().orElseThrow());
        double holdoutGain = direction.improvement(lastMeasured.holdout().orElseThrow(), baseHoldout);
        int n = base.get().samples().size();
        double sd = base.get().sd();
        double t = n < 2 || sd == 0 ? 0 : StudentT.quantile(1 - (1 - LEVEL) / 2, n - 1);
        // With exactly repeatable values any worsening is real; a relative epsilon absorbs printing round-off.
        double epsilon = 1e-9 * Math.max(1, Math.abs(baseHoldout));
        double noise = Math.max(t * sd * Math.sqrt(1 + 1.0 / n), epsilon);
        double stepNoise = Math.max(t * sd * Math.sqrt(2), epsilon);
        List<Integer> suspects = new ArrayList<>();
        Point before = null;
        for (Point p : curve) {
            if (p.holdout().isEmpty()) continue;
            // The baseline's point is the mean of its repeats: against it a single reading varies less.
            double allowed = before != null && before.status() == Status.BASELINE ? noise : stepNoise;
            if (before != null && direction.improvement(p.primary(), before.primary()) > 0
                    && -direction.improvement(p.holdout().get(), before.holdout().get()) > allowed) suspects.add(p.run());
            before = p;
        }
        boolean flagged = primaryGain > 0 && -holdoutGain > noise || !suspects.isEmpty();
        return Optional.of(new Overfitting(curve, primaryGain, holdoutGain, noise, stepNoise, sd, flagged, suspects));
    }

    /**
     * Why {@code records} cannot be compared although the session ran a hold-out: its baseline's
     * hold-out failed, so there is nothing to hold the keeps' values against; empty otherwise.
     */
    public static Optional<String> unmeasured(List<Experiment> records) {
        return records.stream().filter(e -> e.status() == Status.BASELINE).findFirst()
                .flatMap(Experiment::holdout).filter(h -> h.value().isEmpty())
                .map(h -> "not compared: the baseline's hold-out failed (" + h.failure().orElse("no value") + ")");
    }

    /** One line for people: both gains, and the warning when flagged. */
    public String render() {
        String line = String.format(Locale.ROOT, "primary %s vs baseline, hold-out %s (%s)", signed(primaryGain), signed(holdoutGain),
                baselineSd > 0 ? "noise ±" + shortNumber(noise) : "no noise: the baseline's hold-out repeats agreed");
        if (!flagged) return line;
        if (primaryGain > 0 && -holdoutGain > noise) {
            return "OVERFITTING: " + line + ": the primary improved while the hold-out got worse beyond its noise";
        }
        return "OVERFITTING: " + line + ": " + (suspects.size() == 1 ? "keep " : "keeps ")
                + String.join(", ", suspects.stream().map(r -> "#" + r).toList())
                + " improved the primary while the hold-out got worse than at the keep before beyond its noise";
    }

    private static String signed(double v) {
        return (v >= 0 ? "+" : "") + shortNumber(v);
    }

    private static String shortNumber(double v) {
        return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2").replaceAll("\\.($|e)", "$1");
    }
}
