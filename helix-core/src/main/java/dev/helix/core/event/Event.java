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

    /**
     * Every 10 experiments, and at the end.
     *
     * @param experiments run numbers after the baseline, each counted once
     * @param attempts the records under them: first attempts, fix-ups after a crash, re-evaluations after a rebase
     * @param kept experiments whose last attempt was kept; so for discarded, crashed, rejected, stale, interrupted,
     *             which add up to {@code experiments}
     */
    record Summary(int experiments, int attempts, int kept, int discarded, int crashed, int rejected, int stale,
                   int interrupted, Experiment baseline, Experiment best, double evaluationsPerExperiment) implements Event {

        /**
         * "5 experiments: 2 kept, 1 discarded, 1 crashed, 1 rejected", with stale and interrupted when
         * there are any, and the attempts when fix-ups or re-evaluations made more of them.
         */
        public String counts() {
            StringBuilder b = new StringBuilder().append(experiments).append(" experiments");
            if (attempts > experiments) b.append(" (").append(attempts).append(" attempts, each experiment counted by its last)");
            b.append(": ").append(kept).append(" kept, ").append(discarded).append(" discarded, ")
                    .append(crashed).append(" crashed, ").append(rejected).append(" rejected");
            if (stale > 0) b.append(", ").append(stale).append(" stale");
            if (interrupted > 0) b.append(", ").append(interrupted).append(" interrupted");
            return b.toString();
        }
    }

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
