package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Verdict;
import dev.helix.core.scope.Strays;
import java.util.List;

/**
 * The states one attempt of an experiment passes through. {@link ExperimentMachine} moves an
 * attempt from state to state until it is {@link Settled} (recorded) or {@link Exhausted}:
 *
 * <pre>
 *   Proposed ─► Committed ─► Measured ─► Judged ─► Settled            (keep, discard, crash)
 *      │            │            │    (a keep, with evaluate.checks: Checking ─► Judged, a discard when they fail)
 *      │            │            │          └──► Stale ─► Settled      (stale, recorded)
 *      │            │            │                  └──► Rebasing ─► Committed  (judged again on the new best)
 *      └──► Rejected ─► Settled  └──► Interrupted ─► Settled
 *   (or Exhausted: the proposer has nothing left; nothing is recorded)
 * </pre>
 */
public sealed interface ExperimentState {

    /**
     * The proposer edited files and described them; nothing checked yet.
     *
     * @param changed every path that differs from before the proposal
     * @param created the untracked paths among them (removed when the attempt is undone)
     * @param strays the ignored files the proposer created, changed or deleted (in Helix's worktree)
     */
    record Proposed(Attempt attempt, List<String> changed, List<String> created, Strays strays) implements ExperimentState {}

    /** Refused before any evaluation: a failed proposer, a change out of scope, or no change at all. */
    record Rejected(Attempt attempt, String reason, List<String> paths) implements ExperimentState {}

    /**
     * Committed (the attempt's commit is set), to be measured against {@code against}.
     *
     * @param phase evaluating, or re-evaluating for a rebased candidate
     */
    record Committed(Attempt attempt, Experiment against, WorkerPhase phase) implements ExperimentState {}

    /**
     * Measured to the end (or to a crash); not judged yet.
     *
     * @param statistical measured for the statistical judge (as the baseline's noise chose), else for the strict one
     */
    record Measured(Attempt attempt, Experiment against, Readings readings, boolean statistical) implements ExperimentState {}

    /** The judge's verdict against {@code against}, not yet recorded. */
    record Judged(Attempt attempt, Experiment against, Readings readings, Verdict verdict) implements ExperimentState {}

    /** Judged a keep while evaluate.checks is set: the checks must pass before the ratchet sees it. */
    record Checking(Judged judged) implements ExperimentState {}

    /**
     * Judged a keep against a best that another worker's keep replaced while it ran.
     *
     * @param current the best now
     */
    record Stale(Judged judged, Experiment current, Ratchet.Decision.Stale decision) implements ExperimentState {}

    /** A stale candidate's change re-applied on the new best ({@code onto}), to be judged again. */
    record Rebasing(Attempt attempt, Experiment onto) implements ExperimentState {}

    /** A stop request cut it short; recorded as interrupted. */
    record Interrupted(Attempt attempt, Readings readings, String reason) implements ExperimentState {}

    /** Recorded in the ledger: the attempt's last record. */
    record Settled(Experiment record) implements ExperimentState {}

    /** The proposer has nothing left to try; nothing is recorded and the session ends. */
    record Exhausted(String reason) implements ExperimentState {}

    /** The proposer's server is out of reach: nothing is recorded and the next experiment waits {@code delay}. */
    record Deferred(java.time.Duration delay) implements ExperimentState {}
}
