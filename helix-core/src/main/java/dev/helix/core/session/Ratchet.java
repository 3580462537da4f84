package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Verdict;
import dev.helix.core.spec.Spec;

/**
 * The ratchet's decision for a judged candidate, a pure function of data: the branch only moves
 * forward, from the best the candidate was judged against to the candidate. A keep whose best has
 * moved meanwhile is stale; with run.on_stale: rebase it is re-applied on the new best and judged
 * again, at most {@link #MAX_REBASES} times.
 */
public final class Ratchet {
    private Ratchet() {}

    /** How often one candidate is re-applied on a best that moved before it is left stale. */
    public static final int MAX_REBASES = 3;

    /** What becomes of a judged candidate. */
    public sealed interface Decision {
        /** Record the keep and move the branch to the candidate. */
        record Keep() implements Decision {}

        /** Record the verdict as it is (discard or crash); the branch stays. */
        record Record(Status status) implements Decision {}

        /**
         * Record it stale.
         *
         * @param reason the stale record's reason, when it ends here complete; when it is rebased the
         *               outcome of re-applying it is added
         * @param rebase re-apply the change on the new best and judge it again
         */
        record Stale(String reason, boolean rebase) implements Decision {}
    }

    /**
     * @param against the best the candidate was judged against
     * @param current the best now
     * @param rebases how often this candidate was re-applied already
     * @param stopping a stop was requested
     */
    public static Decision decide(Verdict verdict, Experiment against, Experiment current, Spec.OnStale onStale,
                                  int rebases, boolean stopping, String primaryName) {
        if (verdict.status() != Status.KEEP) return new Decision.Record(verdict.status());
        if (current.commit().equals(against.commit())) return new Decision.Keep();
        String why = verdict.reason() + "; stale: #" + current.run() + " was kept while it ran (" + primaryName + " "
                + current.primary().map(Judge::fmt).orElse("-") + ")";
        if (onStale == Spec.OnStale.DISCARD) return new Decision.Stale(why + " (run.on_stale: discard)", false);
        if (stopping) return new Decision.Stale(why + " (stopping)", false);
        if (rebases >= MAX_REBASES) return new Decision.Stale(why + "; re-applied " + MAX_REBASES + " times already", false);
        return new Decision.Stale(why, true);
    }
}
