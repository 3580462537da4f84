package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The advice a verdict and {@code helix status} give from a session's records alone: a streak of
 * discards, a gain too large to trust, a plateau. Pure: the same records give the same hints.
 */
public final class Hints {
    /** Without a keep in this many experiments, after earlier keeps, a session has plateaued. */
    public static final int PLATEAU = 10;
    /** One step's gain above this many times all earlier gains together is suspicious. */
    static final double JUMP_FACTOR = 10;
    /** A metric moving by this factor in one kept step is suspicious. */
    static final double RATIO = 100;

    private Hints() {}

    /** A kept experiment whose gain is too large to trust without checking. */
    public record Jump(int run, String why) {}

    /** Every hint for the session as it stands, most urgent first. */
    public static List<String> of(List<Experiment> records) {
        List<String> hints = new ArrayList<>();
        jumps(records).forEach(j -> hints.add("#" + j.run() + " " + j.why()
                + ": check the evaluation is not being gamed; run helix verify " + j.run()));
        streakAdvice(discardStreak(records)).ifPresent(hints::add);
        plateau(records, PLATEAU).ifPresent(hints::add);
        return hints;
    }

    /**
     * Discards in a row at the end of the session; a keep (or the baseline) ends a streak, while
     * crashes, rejections and interruptions neither count nor break it.
     */
    public static int discardStreak(List<Experiment> records) {
        int streak = 0;
        for (int i = records.size() - 1; i >= 0; i--) {
            Status s = records.get(i).status();
            if (s.advances()) break;
            if (s == Status.DISCARD) streak++;
        }
        return streak;
    }

    /** The advice for a streak: escalating at 3, 5 and 7 or more. */
    public static Optional<String> streakAdvice(int streak) {
        if (streak >= 7) return Optional.of(streak + " discards in a row: stop tuning this; change approach");
        if (streak >= 5) return Optional.of(streak + " discards in a row: re-read program.md and the ledger, revert to a simpler idea");
        if (streak >= 3) return Optional.of(streak + " discards in a row: try a different direction");
        return Optional.empty();
    }

    /**
     * Kept experiments whose gain is more than 10x all gains before them combined, or that moved a
     * metric by a factor of 100 or more against the best before them.
     */
    public static List<Jump> jumps(List<Experiment> records) {
        List<Jump> jumps = new ArrayList<>();
        double gains = 0;
        Experiment best = null;
        for (Experiment e : records) {
            if (e.status() == Status.BASELINE) best = e;
            if (e.status() != Status.KEEP) continue;
            double gain = e.delta().map(Math::abs).orElse(0.0);
            List<String> why = new ArrayList<>();
            if (gains > 0 && gain > JUMP_FACTOR * gains) {
                why.add("gained " + Judge.fmt(gain) + ", more than " + (int) JUMP_FACTOR + "x all earlier gains ("
                        + Judge.fmt(gains) + ")");
            }
            if (best != null) why.addAll(hundredfold(best.metrics(), e.metrics(), best.primary(), e.primary()));
            if (!why.isEmpty()) jumps.add(new Jump(e.run(), String.join("; ", why)));
            gains += gain;
            best = e;
        }
        return jumps;
    }

    private static List<String> hundredfold(Map<String, Double> before, Map<String, Double> after,
                                            Optional<Double> primaryBefore, Optional<Double> primaryAfter) {
        List<String> moved = new ArrayList<>();
        Map<String, Double> b = new java.util.LinkedHashMap<>(before);
        Map<String, Double> a = new java.util.LinkedHashMap<>(after);
        if (b.isEmpty() && a.isEmpty() && primaryBefore.isPresent() && primaryAfter.isPresent()) {
            b.put("the primary metric", primaryBefore.get());
            a.put("the primary metric", primaryAfter.get());
        }
        for (var entry : a.entrySet()) {
            Double was = b.get(entry.getKey());
            double now = entry.getValue();
            if (was == null || was == 0 || now == 0 || !Double.isFinite(was) || !Double.isFinite(now)) continue;
            double ratio = Math.abs(now / was);
            if (ratio >= RATIO || ratio <= 1 / RATIO) {
                moved.add(entry.getKey() + " moved " + Judge.fmt(was) + " -> " + Judge.fmt(now) + " (x"
                        + Judge.fmt(Math.round(now / was * 1000) / 1000.0) + ")");
            }
        }
        return moved;
    }

    /**
     * "no keep in the last N experiments" when the last {@code window} experiments (first attempts
     * after the baseline) kept nothing while an earlier one did.
     */
    public static Optional<String> plateau(List<Experiment> records, int window) {
        List<Experiment> experiments = records.stream().filter(e -> e.run() > 0 && e.attempt() == 0).toList();
        if (experiments.size() <= window) return Optional.empty();
        List<Experiment> recent = experiments.subList(experiments.size() - window, experiments.size());
        int firstRecent = recent.get(0).run();
        boolean recentKeep = records.stream().anyMatch(e -> e.run() >= firstRecent && e.status() == Status.KEEP);
        Optional<Experiment> lastKeep = records.stream().filter(e -> e.status() == Status.KEEP).reduce((x, y) -> y);
        if (recentKeep || lastKeep.isEmpty()) return Optional.empty();
        return Optional.of("plateau: no keep in the last " + window + " experiments (the last keep was #"
                + lastKeep.get().run() + "); fork a new direction (helix fork) or stop here");
    }
}
