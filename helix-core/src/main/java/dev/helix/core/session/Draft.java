package dev.helix.core.session;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Outcome;
import dev.helix.core.experiment.Sampling;
import dev.helix.core.experiment.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An experiment being filled in as it goes through the loop; {@link #finish} makes the record. */
final class Draft {
    final int run;
    final String tag;
    final int worker;
    final String parent;
    final Instant startedAt;
    String commit = "";
    String description = "";
    Optional<String> hypothesis = Optional.empty();
    Map<String, Double> metrics = Map.of();
    List<Double> samples = List.of();
    double evalSeconds;
    Optional<Integer> exitCode = Optional.empty();
    boolean timedOut;
    String log = "";
    DiffStat diff = DiffStat.NONE;
    Optional<AgentUsage> agent = Optional.empty();
    List<String> paths = List.of();
    Optional<String> logTail = Optional.empty();
    int attempt;
    List<Double> incumbentSamples = List.of();
    Optional<dev.helix.core.experiment.Evidence> evidence = Optional.empty();
    Optional<dev.helix.core.experiment.Noise> noise = Optional.empty();
    Optional<String> slot = Optional.empty();
    Optional<String> direction = Optional.empty();
    Optional<String> rebasedFrom = Optional.empty();

    Draft(int run, String tag, int worker, String parent, Instant startedAt) {
        this.run = run;
        this.tag = tag;
        this.worker = worker;
        this.parent = parent;
        this.startedAt = startedAt;
    }

    Experiment finish(Status status, String reason, String primaryName, Optional<Double> delta,
                      Optional<Double> deltaPct, Instant finishedAt) {
        Optional<Double> primary = Optional.ofNullable(metrics.get(primaryName));
        Outcome outcome = Outcome.of(status, new Sampling(samples, incumbentSamples, evidence), delta, deltaPct, noise,
                paths, logTail);
        return new Experiment(run, tag, worker, parent, commit, metrics, primary, description, hypothesis, reason,
                startedAt, finishedAt, evalSeconds, exitCode, timedOut, log, diff, agent, attempt, slot, direction,
                rebasedFrom, outcome);
    }
}
