package dev.helix.core.session;

import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Noise;
import dev.helix.core.judge.SequentialJudge;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What measuring one attempt found: every sample, the metrics' means, what the evaluations cost,
 * and how it ended (measured, crashed or interrupted).
 *
 * @param samples the candidate's primary, one per evaluation
 * @param incumbentSamples statistical mode: the incumbent's re-measures made beside the candidate
 * @param log the log to show (the first evaluation's, or the crashed one's), relative to the repository
 * @param logTail the crashed or interrupted evaluation's last lines
 * @param slot where it ran, when the session has slots or several workers
 * @param crash why it counts as a crash (already prefixed with the repeat or side that failed)
 * @param interrupted a stop request cut it short
 * @param decision statistical mode: the sequential test's result, when it came to one
 * @param candidateRuns every metric of each candidate evaluation (the guard and constraints are judged on them)
 * @param incumbentRuns the same of the incumbent's re-measures
 */
public record Readings(Map<String, Double> metrics, List<Double> samples, List<Double> incumbentSamples,
                       Optional<Evidence> evidence, Optional<Noise> noise, double evalSeconds,
                       Optional<Integer> exitCode, boolean timedOut, String log, Optional<String> logTail,
                       Optional<String> slot, Optional<String> crash, boolean interrupted,
                       Optional<SequentialJudge.Result> decision, List<Map<String, Double>> candidateRuns,
                       List<Map<String, Double>> incumbentRuns) {

    /** Nothing measured (an attempt rejected or stopped before its evaluation). */
    public static final Readings NOTHING = new Readings(Map.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
            0, Optional.empty(), false, "", Optional.empty(), Optional.empty(), Optional.empty(), false, Optional.empty(), List.of(), List.of());

    /** The same readings showing {@code otherLog} and its last lines (the checks' log, when they failed). */
    Readings withLog(String otherLog, String tail) {
        return new Readings(metrics, samples, incumbentSamples, evidence, noise, evalSeconds, exitCode, timedOut,
                otherLog, Optional.of(tail), slot, crash, interrupted, decision, candidateRuns, incumbentRuns);
    }

    Readings withNoise(Noise n) {
        return new Readings(metrics, samples, incumbentSamples, evidence, Optional.of(n), evalSeconds, exitCode, timedOut,
                log, logTail, slot, crash, interrupted, decision, candidateRuns, incumbentRuns);
    }
}
