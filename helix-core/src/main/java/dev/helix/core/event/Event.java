package dev.helix.core.event;

import dev.helix.core.experiment.Experiment;
import java.nio.file.Path;

/** Something that happened in a session. */
public sealed interface Event {

    record SessionStarted(String tag, String branch, Path worktree, boolean resumed, int nextRun) implements Event {}

    record SetupFinished(int exitCode, double seconds) implements Event {}

    record ExperimentStarted(String tag, int run) implements Event {}

    record Proposed(int run, String description) implements Event {}

    record Evaluating(int run, String commit) implements Event {}

    record ExperimentFinished(Experiment experiment, Experiment best, Experiment baseline) implements Event {}

    /** Every 10 experiments, and at the end. */
    record Summary(int experiments, int kept, int discarded, int crashed, int rejected, int stale,
                   Experiment baseline, Experiment best, double evaluationsPerExperiment) implements Event {}

    /**
     * What a worker is doing from now on, for helix watch and helix status.
     *
     * @param run the experiment it works on (0 while idle)
     * @param phase what it does: proposing, evaluating, re-evaluating (a stale candidate re-applied on the new best), idle, ...
     * @param where the slot of an evaluation ("gpu 0", "cpu 0-3", "slot 2"), else empty
     * @param direction what the worker explores, when given
     */
    record WorkerBusy(int worker, int run, dev.helix.core.session.WorkerPhase phase, String where, String direction,
                      java.time.Instant since) implements Event {}

    /** Something a person should know that is not an experiment (a warning, a repair). */
    record Notice(String message) implements Event {}

    record SessionFinished(String tag, String branch, String stopReason, Path ledger, String ledgerCommit) implements Event {}
}
