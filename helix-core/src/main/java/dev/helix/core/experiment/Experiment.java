package dev.helix.core.experiment;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One record of the ledger: an experiment and what became of it.
 *
 * @param run 0 for the baseline, then 1, 2, ... per tag
 * @param parent the commit the experiment started from (the best at that time)
 * @param commit the experiment's own commit (reachable under refs/helix/&lt;tag&gt;/&lt;run&gt;), empty when
 *               nothing was committed (rejected before commit)
 * @param metrics every metric parsed from the evaluation
 * @param primary the primary metric, empty on a crash
 * @param delta change of the primary against the best before it (empty for the baseline or a crash)
 * @param deltaPct the same in percent of the best before it
 * @param reason why the judge decided as it did
 * @param samples every measured value of the primary (one per repeat)
 * @param log path of the evaluation log, relative to the repository root
 * @param paths for {@code rejected}: the files changed out of scope
 * @param logTail for a crash: the last lines of the log
 * @param attempt 0 for the experiment itself; 1, 2, ... for the proposer's fix-ups after a crash,
 *                recorded under the same run number
 * @param incumbentSamples statistical mode: the primary of the incumbent (the best, commit in
 *                         {@code evidence.incumbent}) as re-measured during this experiment; these
 *                         pool with the incumbent's own samples
 * @param evidence statistical mode: what the judge decided on (effect, interval, p-value, evaluations)
 * @param noise on the baseline: the noise of its repeats and the judge mode chosen from it
 * @param slot where it was evaluated when the session has slots or several workers ("gpu 0", "cpu 0-3", "slot 2")
 * @param direction what its worker was told to explore (helix run --directions)
 * @param rebasedFrom for a re-evaluation: the candidate's commit as first evaluated, before another
 *                    worker's keep made it stale and its change was re-applied on the new best ({@code parent})
 */
public record Experiment(
        int run,
        String tag,
        int worker,
        String parent,
        String commit,
        Status status,
        Map<String, Double> metrics,
        Optional<Double> primary,
        Optional<Double> delta,
        Optional<Double> deltaPct,
        String description,
        Optional<String> hypothesis,
        String reason,
        List<Double> samples,
        Instant startedAt,
        Instant finishedAt,
        double evalSeconds,
        Optional<Integer> exitCode,
        boolean timedOut,
        String log,
        DiffStat diff,
        Optional<AgentUsage> agent,
        List<String> paths,
        Optional<String> logTail,
        int attempt,
        List<Double> incumbentSamples,
        Optional<Evidence> evidence,
        Optional<Noise> noise,
        Optional<String> slot,
        Optional<String> direction,
        Optional<String> rebasedFrom) {

    /** A record of a single worker's session. */
    public Experiment(int run, String tag, int worker, String parent, String commit, Status status,
                      Map<String, Double> metrics, Optional<Double> primary, Optional<Double> delta,
                      Optional<Double> deltaPct, String description, Optional<String> hypothesis, String reason,
                      List<Double> samples, Instant startedAt, Instant finishedAt, double evalSeconds,
                      Optional<Integer> exitCode, boolean timedOut, String log, DiffStat diff,
                      Optional<AgentUsage> agent, List<String> paths, Optional<String> logTail, int attempt,
                      List<Double> incumbentSamples, Optional<Evidence> evidence, Optional<Noise> noise) {
        this(run, tag, worker, parent, commit, status, metrics, primary, delta, deltaPct, description, hypothesis,
                reason, samples, startedAt, finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, paths,
                logTail, attempt, incumbentSamples, evidence, noise, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A record without statistics (strict judge, or written before they existed). */
    public Experiment(int run, String tag, int worker, String parent, String commit, Status status,
                      Map<String, Double> metrics, Optional<Double> primary, Optional<Double> delta,
                      Optional<Double> deltaPct, String description, Optional<String> hypothesis, String reason,
                      List<Double> samples, Instant startedAt, Instant finishedAt, double evalSeconds,
                      Optional<Integer> exitCode, boolean timedOut, String log, DiffStat diff,
                      Optional<AgentUsage> agent, List<String> paths, Optional<String> logTail, int attempt) {
        this(run, tag, worker, parent, commit, status, metrics, primary, delta, deltaPct, description, hypothesis,
                reason, samples, startedAt, finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, paths,
                logTail, attempt, List.of(), Optional.empty(), Optional.empty());
    }

    /** A first attempt (no fix-up). */
    public Experiment(int run, String tag, int worker, String parent, String commit, Status status,
                      Map<String, Double> metrics, Optional<Double> primary, Optional<Double> delta,
                      Optional<Double> deltaPct, String description, Optional<String> hypothesis, String reason,
                      List<Double> samples, Instant startedAt, Instant finishedAt, double evalSeconds,
                      Optional<Integer> exitCode, boolean timedOut, String log, DiffStat diff,
                      Optional<AgentUsage> agent, List<String> paths, Optional<String> logTail) {
        this(run, tag, worker, parent, commit, status, metrics, primary, delta, deltaPct, description, hypothesis,
                reason, samples, startedAt, finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, paths,
                logTail, 0);
    }

    public Experiment {
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        samples = List.copyOf(samples);
        paths = List.copyOf(paths);
        incumbentSamples = List.copyOf(incumbentSamples);
    }

    /** How many evaluations the experiment ran: its evidence says, else one per sample (at least one if measured). */
    public int evaluations() {
        // A crash ran its evaluation too, though it left no value.
        return evidence.map(Evidence::evaluations).orElse(Math.max(samples.size(), primary.isPresent() || status == Status.CRASH ? 1 : 0));
    }
}
