package dev.helix.core.session;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.SequentialJudge;
import dev.helix.core.judge.Verdict;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Turns what was measured into the judge's verdict against the best: strict or statistical. Pure. */
final class Judging {
    private Judging() {}

    /** The strict judge: the metrics' means against the best's. */
    static Verdict strict(Readings m, Experiment best, DiffStat diff, Spec spec) {
        if (m.crash().isPresent()) return new Verdict(Status.CRASH, m.crash().get(), Optional.empty(), Optional.empty());
        return Judge.judge(m.metrics(), best.metrics(), diff, spec);
    }

    /**
     * The statistical judge: the sequential test's decision, then the quality guard and constraints
     * on the same samples.
     */
    static Verdict statistical(Readings m, Experiment best, Spec spec) {
        if (m.crash().isPresent()) return new Verdict(Status.CRASH, m.crash().get(), Optional.empty(), Optional.empty());
        SequentialJudge.Result result = m.decision().orElseThrow();
        Evidence evidence = result.evidence();
        String primaryName = spec.metrics().primary().name();
        Optional<Double> delta = Optional.of(evidence.effect());
        Optional<Double> pct = evidence.incumbentMean() == 0 ? Optional.empty()
                : Optional.of(evidence.effect() / Math.abs(evidence.incumbentMean()) * 100);
        int evaluations = evidence.evaluations();
        String reason = primaryName + " " + Judge.fmt(evidence.incumbentMean()) + " -> " + Judge.fmt(SequentialJudge.mean(m.samples()))
                + ", " + result.reason() + "; " + evaluations + (evaluations == 1 ? " evaluation" : " evaluations");
        if (result.decision() != SequentialJudge.Decision.KEEP) return new Verdict(Status.DISCARD, reason, delta, pct);
        List<String> broken = brokenLimits(m.candidateRuns(), m.incumbentRuns(), best, spec);
        if (!broken.isEmpty()) return new Verdict(Status.DISCARD, String.join("; ", broken) + " (" + reason + ")", delta, pct);
        return new Verdict(Status.KEEP, reason, delta, pct);
    }

    /**
     * The quality guard and constraints judged on the same samples: broken only when significantly
     * beyond their limit. The incumbent's guard values are this experiment's re-measures and the
     * best's recorded mean (its earlier samples of the guard are not in the ledger).
     */
    static List<String> brokenLimits(List<Map<String, Double>> candidate, List<Map<String, Double>> incumbent, Experiment best,
                                     Spec spec) {
        List<String> broken = new ArrayList<>();
        double confidence = spec.judge().confidence();
        spec.metrics().qualityGuard().ifPresent(guard -> {
            List<Double> now = values(candidate, guard.name());
            List<Double> before = new ArrayList<>(values(incumbent, guard.name()));
            Double recorded = best.metrics().get(guard.name());
            if (recorded != null && Double.isFinite(recorded)) before.add(recorded);
            if (now.size() < candidate.size()) {
                broken.add("quality guard " + guard.name() + " is missing or not a number");
            } else if (!before.isEmpty()) {
                SequentialJudge.guardBroken(guard.name(), now, before, guard.optimize(), guard.maxDegradation(), confidence)
                        .ifPresent(broken::add);
            }
        });
        for (Spec.Constraint c : spec.metrics().constraints()) {
            List<Double> v = values(candidate, c.name());
            if (v.size() < candidate.size()) {
                broken.add("constraint metric " + c.name() + " is missing or not a number");
                continue;
            }
            double mean = SequentialJudge.mean(v);
            c.max().filter(max -> SequentialJudge.boundBroken(v, max, true, confidence))
                    .ifPresent(max -> broken.add(c.name() + " " + Judge.fmt(mean) + " > max " + Judge.fmt(max)));
            c.min().filter(min -> SequentialJudge.boundBroken(v, min, false, confidence))
                    .ifPresent(min -> broken.add(c.name() + " " + Judge.fmt(mean) + " < min " + Judge.fmt(min)));
        }
        return broken;
    }

    private static List<Double> values(List<Map<String, Double>> samples, String name) {
        return samples.stream().map(m -> m.get(name)).filter(v -> v != null && Double.isFinite(v)).toList();
    }
}
