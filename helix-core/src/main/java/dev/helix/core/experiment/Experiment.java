package dev.helix.core.experiment;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One record of the ledger: an experiment, what every experiment has (who ran what, from where,
 * when, at what cost, how its evaluation went), and its {@link Outcome}, which holds what only
 * that outcome carries.
 *
 * <p>The ledger lays a record out flat; so do the flat constructors below and the accessors of
 * outcome values ({@link #status()}, {@link #samples()}, {@link #paths()}, ...), which answer for
 * every record, empty where its outcome carries nothing of the kind.
 *
 * @param run 0 for the baseline, then 1, 2, ... per tag
 * @param parent the commit the experiment started from (the best at that time)
 * @param commit the experiment's own commit (reachable under refs/helix/&lt;tag&gt;/&lt;run&gt;), empty when
 *               nothing was committed (rejected before commit)
 * @param metrics every metric parsed from the evaluation
 * @param primary the primary metric, empty when the evaluation gave none
 * @param reason why the judge decided as it did
 * @param evalSeconds time spent evaluating, every repeat and re-measure included
 * @param exitCode the last evaluation's exit code, empty when it was killed or never ran
 * @param log path of the evaluation log, relative to the repository root
 * @param attempt 0 for the experiment itself; 1, 2, ... for the proposer's fix-ups after a crash and
 *                for re-evaluations after a rebase, recorded under the same run number
 * @param slot where it was evaluated when the session has slots or several workers ("gpu 0", "cpu 0-3", "slot 2")
 * @param direction what its worker was told to explore (helix run --directions)
 * @param rebasedFrom for a re-evaluation: the candidate's commit as first evaluated, before another
 *                    worker's keep made it stale and its change was re-applied on the new best ({@code parent})
 * @param outcome what became of it, with what only that outcome carries
 * @param parameters for a tuner's experiment: each tuned parameter's value as written into the
 *                   files, so the tuner knows exactly which points it measured; empty otherwise
 * @param holdout on the baseline and on keeps of a session with evaluate.holdout: the primary measured on
 *                held-out data; never shown to the proposer
 */
public record Experiment(
        int run,
        String tag,
        int worker,
        String parent,
        String commit,
        Map<String, Double> metrics,
        Optional<Double> primary,
        String description,
        Optional<String> hypothesis,
        String reason,
        Instant startedAt,
        Instant finishedAt,
        double evalSeconds,
        Optional<Integer> exitCode,
        boolean timedOut,
        String log,
        DiffStat diff,
        Optional<AgentUsage> agent,
        int attempt,
        Optional<String> slot,
        Optional<String> direction,
        Optional<String> rebasedFrom,
        Outcome outcome,
        Map<String, String> parameters,
        Optional<HoldoutReading> holdout) {

    public Experiment {
        holdout = holdout == null ? Optional.empty() : holdout;
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        Objects.requireNonNull(outcome, "outcome");
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    /** A record without a hold-out measurement. */
    public Experiment(int run, String tag, int worker, String parent, String commit, Map<String, Double> metrics,
                      Optional<Double> primary, String description, Optional<String> hypothesis, String reason,
                      Instant startedAt, Instant finishedAt, double evalSeconds, Optional<Integer> exitCode,
                      boolean timedOut, String log, DiffStat diff, Optional<AgentUsage> agent, int attempt,
                      Optional<String> slot, Optional<String> direction, Optional<String> rebasedFrom, Outcome outcome,
                      Map<String, String> parameters) {
        this(run, tag, worker, parent, commit, metrics, primary, description, hypothesis, reason, startedAt, finishedAt,
                evalSeconds, exitCode, timedOut, log, diff, agent, attempt, slot, direction, rebasedFrom, outcome, parameters,
                Optional.empty());
    }

    /** A record without tuned parameters (every proposer but the tuner, and records written before they were kept). */
    public Experiment(int run, String tag, int worker, String parent, String commit, Map<String, Double> metrics,
                      Optional<Double> primary, String description, Optional<String> hypothesis, String reason,
                      Instant startedAt, Instant finishedAt, double evalSeconds, Optional<Integer> exitCode,
                      boolean timedOut, String log, DiffStat diff, Optional<AgentUsage> agent, int attempt,
                      Optional<String> slot, Optional<String> direction, Optional<String> rebasedFrom, Outcome outcome) {
        this(run, tag, worker, parent, commit, metrics, primary, description, hypothesis, reason, startedAt, finishedAt,
                evalSeconds, exitCode, timedOut, log, diff, agent, attempt, slot, direction, rebasedFrom, outcome, Map.of());
    }

    /** The same record with the tuned parameters' values. */
    public Experiment withParameters(Map<String, String> values) {
        return new Experiment(run, tag, worker, parent, commit, metrics, primary, description, hypothesis, reason,
                startedAt, finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, attempt, slot, direction,
                rebasedFrom, outcome, values, holdout);
    }

    /** The same record with the hold-out's measurement, or without one (for what a proposer is shown). */
    public Experiment withHoldout(Optional<HoldoutReading> reading) {
        return new Experiment(run, tag, worker, parent, commit, metrics, primary, description, hypothesis, reason,
                startedAt, finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, attempt, slot, direction,
                rebasedFrom, outcome, parameters, reading);
    }

    /**
     * The flat form, as a ledger line lays it out: the status chooses the outcome, which takes the
     * values it carries (see {@link Outcome}); values that status never carries are left out.
     */
    public Experiment(int run, String tag, int worker, String parent, String commit, Status status,
                      Map<String, Double> metrics, Optional<Double> primary, Optional<Double> delta,
                      Optional<Double> deltaPct, String description, Optional<String> hypothesis, String reason,
                      List<Double> samples, Instant startedAt, Instant finishedAt, double evalSeconds,
                      Optional<Integer> exitCode, boolean timedOut, String log, DiffStat diff,
                      Optional<AgentUsage> agent, List<String> paths, Optional<String> logTail, int attempt,
                      List<Double> incumbentSamples, Optional<Evidence> evidence, Optional<Noise> noise,
                      Optional<String> slot, Optional<String> direction, Optional<String> rebasedFrom) {
        this(run, tag, worker, parent, commit, metrics, primary, description, hypothesis, reason, startedAt,
                finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, attempt, slot, direction, rebasedFrom,
                Outcome.of(status, new Sampling(samples, incumbentSamples, evidence), delta, deltaPct, noise, paths,
                        logTail));
    }

    /** The flat form of a single worker's record. */
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

    /** The flat form of a record without statistics (strict judge, or written before they existed). */
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

    /** The flat form of a first attempt (no fix-up). */
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

    /** What became of it. */
    public Status status() {
        return outcome.status();
    }

    /** Change of the primary against the best before it (empty for the baseline or a crash). */
    public Optional<Double> delta() {
        return outcome.delta();
    }

    /** The same in percent of the best before it. */
    public Optional<Double> deltaPct() {
        return outcome.deltaPct();
    }

    /** Every measured value of the primary (one per repeat). */
    public List<Double> samples() {
        return outcome.sampling().values();
    }

    /** Statistical mode: the incumbent's primary as re-measured during this experiment. */
    public List<Double> incumbentSamples() {
        return outcome.sampling().incumbent();
    }

    /** Statistical mode: what the judge decided on. */
    public Optional<Evidence> evidence() {
        return outcome.sampling().evidence();
    }

    /** On the baseline: the noise of its repeats and the judge mode chosen from it. */
    public Optional<Noise> noise() {
        return outcome.noise();
    }

    /** For {@code rejected}: the files changed out of scope. */
    public List<String> paths() {
        return outcome.paths();
    }

    /** For a crash (or an evaluation interrupted): the last lines of the log. */
    public Optional<String> logTail() {
        return outcome.logTail();
    }

    /** How many evaluations the experiment ran: its evidence says, else one per sample (at least one if measured). */
    public int evaluations() {
        // A crash ran its evaluation too, though it left no value.
        return evidence().map(Evidence::evaluations)
                .orElse(Math.max(samples().size(), primary.isPresent() || status() == Status.CRASH ? 1 : 0));
    }

    /**
     * The same record with every text a proposer or an evaluation wrote passed through
     * {@code redact}: description, hypothesis, reason, log tail and direction. Secrets must not
     * reach the ledger.
     */
    public Experiment redacted(UnaryOperator<String> redact) {
        return new Experiment(run, tag, worker, parent, commit, metrics, primary, redact.apply(description),
                hypothesis.map(redact), redact.apply(reason), startedAt, finishedAt, evalSeconds, exitCode, timedOut,
                log, diff, agent, attempt, slot, direction.map(redact), rebasedFrom, outcome.redacted(redact), parameters,
                holdout.map(h -> new HoldoutReading(h.samples(), h.failure().map(redact))));
    }
}
