package dev.helix.core.session;

import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.SequentialJudge;
import dev.helix.core.judge.SequentialTrial;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Measures one attempt: {@code repeats} evaluations of the worktree as it is, or (statistical mode)
 * the candidate and the incumbent in balanced blocks (A B, B A, ...) in the same worktree and slot
 * until the sequential test decides. It owns the samples and what the evaluations cost; {@link Judging}
 * turns the result into a verdict. See docs/statistical-judge.md.
 */
final class Measurement {

    /** Moves the worktree between the two sides of a statistical comparison. */
    interface Sides {
        void toIncumbent();

        void toCandidate();
    }

    private final Evaluation evaluation;
    private final Worker worker;
    private final int run;
    private final int attempt;
    private final String primaryName;

    private String log = "";
    private double evalSeconds;
    private Optional<Integer> exitCode = Optional.empty();
    private boolean timedOut;
    private Optional<String> logTail = Optional.empty();
    private Optional<String> slot = Optional.empty();

    Measurement(Evaluation evaluation, Worker worker, int run, int attempt, String primaryName) {
        this.evaluation = evaluation;
        this.worker = worker;
        this.run = run;
        this.attempt = attempt;
        this.primaryName = primaryName;
    }

    /** Measures the worktree {@code repeats} times, stopping at the first crash or a stop request. */
    Readings repeats(int repeats) {
        List<Map<String, Double>> all = new ArrayList<>();
        for (int k = 1; k <= repeats; k++) {
            Evaluation.Sample s = take(k == 1 ? "" : "." + k);
            if (s.result().interrupted()) {
                return result(Map.of(), List.of(), List.of(), Optional.empty(), Optional.empty(), true, Optional.empty());
            }
            if (s.crash().isPresent()) {
                String crash = repeats > 1 ? "repeat " + (all.size() + 1) + ": " + s.crash().get() : s.crash().get();
                return result(s.metrics(), all, List.of(), Optional.empty(), Optional.of(crash), false, Optional.empty());
            }
            all.add(s.metrics());
        }
        return result(means(all), all, List.of(), Optional.empty(), Optional.empty(), false, Optional.empty());
    }

    /**
     * The statistical protocol (SequentialTrial) against {@code best}; the worktree is left at the candidate.
     *
     * @param prior the sd of a block's difference, from the session's other experiments
     */
    Readings interleaved(Experiment best, SequentialJudge.Prior prior, SequentialJudge.Settings settings, Sides sides) {
        List<Map<String, Double>> candidate = new ArrayList<>();
        List<Map<String, Double>> incumbent = new ArrayList<>();
        Evaluation.Sample[] failed = new Evaluation.Sample[1];
        String[] failedSide = new String[1];
        SequentialTrial.Outcome outcome = SequentialTrial.run(settings, prior,
                () -> {
                    Evaluation.Sample s = take(candidate.isEmpty() ? "" : "." + (candidate.size() + 1));
                    if (s.result().interrupted() || s.crash().isPresent()) {
                        failed[0] = s;
                        failedSide[0] = candidate.isEmpty() ? "" : "repeat " + (candidate.size() + 1) + ": ";
                        return OptionalDouble.empty();
                    }
                    candidate.add(s.metrics());
                    return OptionalDouble.of(s.primary(primaryName));
                },
                () -> {
                    // The incumbent, measured in the same worktree and slot so that drift hits both alike.
                    sides.toIncumbent();
                    Evaluation.Sample s;
                    try {
                        s = take(".incumbent" + (incumbent.size() + 1));
                    } finally {
                        sides.toCandidate();
                    }
                    if (s.result().interrupted() || s.crash().isPresent()) {
                        failed[0] = s;
                        failedSide[0] = "re-measuring the incumbent (" + best.commit().substring(0, Math.min(8, best.commit().length())) + "): ";
                        return OptionalDouble.empty();
                    }
                    incumbent.add(s.metrics());
                    return OptionalDouble.of(s.primary(primaryName));
                });
        Map<String, Double> metrics = candidate.isEmpty() ? (failed[0] == null ? Map.of() : failed[0].metrics()) : means(candidate);
        if (outcome.failed()) {
            Evidence evidence = new Evidence(Double.NaN, Double.NaN, Double.NaN, Double.NaN, settings.alpha(),
                    candidate.size(), incumbent.size(), incumbent.isEmpty() ? best.primary().orElse(Double.NaN)
                    : SequentialJudge.mean(primaries(incumbent)), Double.NaN, 0,
                    outcome.evaluations(), best.commit());
            boolean interrupted = failed[0].result().interrupted();
            Optional<String> crash = interrupted ? Optional.empty() : Optional.of(failedSide[0] + failed[0].crash().orElseThrow());
            return result(metrics, candidate, incumbent, Optional.of(evidence), crash, interrupted, Optional.empty());
        }
        SequentialJudge.Result decided = outcome.result().orElseThrow();
        Evidence evidence = decided.evidence().withEvaluations(outcome.evaluations(), best.commit());
        return result(metrics, candidate, incumbent, Optional.of(evidence), Optional.empty(), false,
                Optional.of(new SequentialJudge.Result(decided.decision(), decided.reason(), evidence)));
    }

    /** One evaluation, its cost and log accounted for. */
    private Evaluation.Sample take(String suffix) {
        Evaluation.Sample s = evaluation.sample(worker, run, attempt, suffix);
        // The record names the candidate's log: a block that starts with the incumbent must not lend it its own.
        if (log.isEmpty() && !suffix.startsWith(".incumbent")) log = s.log();
        if (s.slot().isPresent()) slot = s.slot();
        evalSeconds += s.result().seconds();
        exitCode = s.result().exitCode() >= 0 ? Optional.of(s.result().exitCode()) : Optional.empty();
        timedOut = s.result().timedOut();
        if (s.result().interrupted()) {
            if (log.isEmpty()) log = s.log();
            logTail = Optional.of(s.result().tail(Evaluation.CRASH_TAIL_LINES));
        } else if (s.crash().isPresent()) {
            log = s.log();
            logTail = Optional.of(s.result().tail(Evaluation.CRASH_TAIL_LINES));
        }
        return s;
    }

    private Readings result(Map<String, Double> metrics, List<Map<String, Double>> candidate, List<Map<String, Double>> incumbent,
                            Optional<Evidence> evidence, Optional<String> crash, boolean interrupted,
                            Optional<SequentialJudge.Result> decision) {
        return new Readings(metrics, primaries(candidate), primaries(incumbent), evidence, Optional.empty(), evalSeconds,
                exitCode, timedOut, log, logTail, slot, crash, interrupted, decision, List.copyOf(candidate),
                List.copyOf(incumbent));
    }

    private List<Double> primaries(List<Map<String, Double>> samples) {
        return samples.stream().map(m -> m.get(primaryName)).toList();
    }

    /** The mean of every metric present in all samples. */
    private static Map<String, Double> means(List<Map<String, Double>> samples) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (samples.isEmpty()) return out;
        for (String name : samples.get(0).keySet()) {
            if (samples.stream().allMatch(m -> m.containsKey(name))) {
                out.put(name, dev.helix.core.experiment.Noise.mean(samples.stream().map(m -> m.get(name)).toList()));
            }
        }
        return out;
    }
}
