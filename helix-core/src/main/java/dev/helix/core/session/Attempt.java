package dev.helix.core.session;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Outcome;
import dev.helix.core.experiment.Sampling;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer.Proposal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One attempt of an experiment as far as it got before it is measured: whose it is, what it
 * starts from, what the proposer said, and what was committed. Immutable; each step of the
 * {@link ExperimentState} machine makes a new one.
 *
 * @param attempt 0 for the experiment itself, then 1, 2, ... for fix-ups and re-evaluations of the same run
 * @param parent the commit it starts from
 * @param commit its own commit, empty until committed
 * @param rebasedFrom for a stale candidate re-applied on a new best: its commit as first evaluated
 * @param parameters a tuner's parameter values (see {@link Proposal.Change#parameters()}), empty otherwise
 */
public record Attempt(int run, String tag, int worker, String parent, Instant startedAt, int attempt,
                      Optional<String> direction, String description, Optional<String> hypothesis,
                      Optional<AgentUsage> agent, String commit, DiffStat diff, Optional<String> rebasedFrom,
                      Map<String, String> parameters) {

    /** A new attempt, nothing proposed yet. */
    static Attempt start(int run, String tag, int worker, String parent, Instant startedAt, int attempt,
                         Optional<String> direction) {
        return new Attempt(run, tag, worker, parent, startedAt, attempt, direction, "", Optional.empty(),
                Optional.empty(), "", DiffStat.NONE, Optional.empty(), Map.of());
    }

    /** The same attempt with what the proposer said of it (a failure keeps only its description, if any). */
    Attempt described(Proposal proposal) {
        String text = description;
        Optional<String> why = hypothesis;
        Map<String, String> values = parameters;
        switch (proposal) {
            case Proposal.Change change -> {
                text = oneLine(change.description());
                why = change.hypothesis();
                values = change.parameters();
            }
            case Proposal.Failure failure -> {
                if (failure.description().isPresent()) text = oneLine(failure.description().get());
            }
            case Proposal.Exhausted ignored -> { }
        }
        return new Attempt(run, tag, worker, parent, startedAt, attempt, direction, text, why,
                Optional.of(proposal.usage()), commit, diff, rebasedFrom, values);
    }

    /** This attempt with the usage of a proposal cut before it answered. */
    Attempt cut(dev.helix.core.experiment.AgentUsage usage) {
        return new Attempt(run, tag, worker, parent, startedAt, attempt, direction, description, hypothesis, Optional.of(usage), commit,
                diff, rebasedFrom, parameters);
    }

    Attempt describedAs(String text) {
        return new Attempt(run, tag, worker, parent, startedAt, attempt, direction, text, hypothesis, agent, commit,
                diff, rebasedFrom, parameters);
    }

    Attempt withParameters(Map<String, String> values) {
        return new Attempt(run, tag, worker, parent, startedAt, attempt, direction, description, hypothesis, agent, commit,
                diff, rebasedFrom, values);
    }

    Attempt committed(String newCommit, DiffStat newDiff) {
        return new Attempt(run, tag, worker, parent, startedAt, attempt, direction, description, hypothesis, agent,
                newCommit, newDiff, rebasedFrom, parameters);
    }

    /**
     * The next attempt of the same run: the change re-applied on {@code newParent} as {@code newCommit}, judged again.
     * It keeps the description and hypothesis; the proposer's usage was counted on the first.
     */
    Attempt rebased(String newParent, Instant now, int nextAttempt, String newCommit, DiffStat newDiff) {
        return new Attempt(run, tag, worker, newParent, now, nextAttempt, direction, description, hypothesis,
                Optional.empty(), newCommit, newDiff, Optional.of(commit), parameters);
    }

    /**
     * The ledger record of this attempt.
     *
     * @param paths for a rejection: the files at fault
     */
    Experiment record(Status status, String reason, Readings measured, String primaryName, Optional<Double> delta,
                      Optional<Double> deltaPct, List<String> paths, Instant finishedAt) {
        Optional<Double> primary = Optional.ofNullable(measured.metrics().get(primaryName));
        Outcome outcome = Outcome.of(status, new Sampling(measured.samples(), measured.incumbentSamples(), measured.evidence()),
                delta, deltaPct, measured.noise(), paths, measured.logTail());
        return new Experiment(run, tag, worker, parent, commit, measured.metrics(), primary, description, hypothesis, reason,
                startedAt, finishedAt, measured.evalSeconds(), measured.exitCode(), measured.timedOut(), measured.log(), diff,
                agent, attempt, measured.slot(), direction, rebasedFrom, outcome, parameters);
    }

    private static String oneLine(String text) {
        String line = text.strip().lines().findFirst().orElse("").strip();
        return line.isEmpty() ? "(no description)" : line;
    }
}
