package dev.helix.core.result;

import java.util.Optional;

/**
 * One kept change of a session as {@code helix finalize} weighed it: what the best (less the changes
 * already dropped) loses when this change alone is reverted on top of it (leave-one-out), and
 * whether it goes into the final branch.
 *
 * @param run the experiment that kept it
 * @param description what it does, as its proposer described it
 * @param commit its commit on the session branch
 * @param parent the kept commit before it in the best's line (the baseline's for the first): a change is parent..commit
 * @param contribution the tree it was weighed in against that tree without it; empty when it did not revert cleanly,
 *     or the tree without it did not evaluate
 * @param costUsd what proposing it cost, when its proposer said
 * @param fate whether it stays, and why
 */
public record Contribution(int run, String description, String commit, String parent, Optional<Gain> contribution,
                           Optional<Double> costUsd, Fate fate) {

    /** Whether a change stays in the final branch, and why: a closed set of reasons. */
    public enum Fate {
        NEEDED(true, "kept: removing it hurts"),
        CRASHES_WITHOUT(true, "kept: removing it breaks the evaluation"),
        CHECKS_FAIL_WITHOUT(true, "kept: removing it makes the checks fail"),
        UNCLEAR(true, "kept: it does not revert cleanly, so it could not be measured alone"),
        KEPT_ON_REQUEST(true, "kept (--keep-all), though removing it does not hurt"),
        NEEDED_BY_LATER(true, "kept, though removing it does not hurt: a later kept change does not apply without it"),
        DROPPED(false, "dropped: removing it does not hurt"),
        MARGINAL(false, "dropped: removing it costs less than judge.min_improvement");

        public final boolean survives;
        public final String why;

        Fate(boolean survives, String why) {
            this.survives = survives;
            this.why = why;
        }
    }

    /**
     * The fate of a change from its leave-one-out measurement: needed when the best is measurably
     * better with it (the interval of its contribution lies above zero) and its estimate exceeds
     * {@code floor} (judge.min_improvement, the least a session keeps a change for; 0 without one);
     * marginal when measurable but its estimate is at or below the floor; dropped when not
     * measurable; kept instead when {@code keepAll}. A change that could not be reverted stays.
     */
    public static Fate fate(Optional<Gain> contribution, double floor, boolean keepAll) {
        if (contribution.isEmpty()) return Fate.UNCLEAR;
        Gain g = contribution.get();
        if (g.significant() && g.value() > Math.max(0, floor)) return Fate.NEEDED;
        if (keepAll) return Fate.KEPT_ON_REQUEST;
        return g.significant() ? Fate.MARGINAL : Fate.DROPPED;
    }

    public Contribution withFate(Fate fate) {
        return new Contribution(run, description, commit, parent, contribution, costUsd, fate);
    }

    /** The commit message of this change on the final branch: what it does, then what it contributes. */
    public String message(String metric, String tag) {
        String first = description.isBlank() ? "change of experiment #" + run : description.strip().lines().findFirst().orElse("");
        String effect = contribution.map(g -> "Contributes " + g.render() + " to " + metric
                + ": the session's best (less the changes dropped before it) against the same without this change, side by side over "
                + g.blocks() + " blocks.")
                .orElse(fate == Fate.CRASHES_WITHOUT ? "Without it the session's best (less the changes dropped before it) does not evaluate."
                        : "Its contribution is unknown: it does not revert cleanly on the session's best.");
        return first + "\n\n" + effect + "\n" + fate.why.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + fate.why.substring(1) + ".\n\n"
                + "Helix session " + tag + ", experiment #" + run + " (refs/helix/" + tag + "/" + run + ", commit " + commit + ").";
    }
}
