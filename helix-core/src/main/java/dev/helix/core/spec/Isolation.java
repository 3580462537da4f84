package dev.helix.core.spec;

import java.util.Locale;

/**
 * run.isolation: how evaluations that run at the same time keep out of each other's timings.
 * {@link #AUTO} is settled once the baseline has said how noisy the metric is (see {@link #settle}).
 */
public enum Isolation {
    /** Exclusive when the judge finds the metric noisy and several workers share the machine, else none. */
    AUTO,
    /** Proposals run in parallel; evaluations take one measurement lock, one at a time. */
    EXCLUSIVE,
    /** Each worker's evaluations are pinned to a CPU set of their own. */
    CPUS,
    /** Evaluations run side by side as they come. */
    NONE;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The isolation a session uses, and why, once it knows whether its judge is statistical. */
    public record Settled(Isolation isolation, String why) {
        /** One line for people: "isolation: exclusive (...)". */
        public String text() {
            return "isolation: " + isolation.word() + " (" + why + ")";
        }
    }

    /**
     * What {@code this} comes to for a session with {@code workers} workers whose judge is
     * statistical ({@code noisy}) or not, whose evaluations run on this machine ({@code local}) or
     * as cluster jobs.
     */
    public Settled settle(int workers, boolean noisy, boolean local) {
        return settle(workers, 0, noisy, local);
    }

    /**
     * The same for a session that shares the machine with {@code others} sessions of the repository
     * holding their lock now (each may measure while it does): what {@code helix try}, with its one
     * worker, asks before each experiment. Exclusive then means taking turns with them through the
     * repository's measurement lock, which their exclusive evaluations take too.
     */
    public Settled settle(int workers, int others, boolean noisy, boolean local) {
        if (this != AUTO) return new Settled(this, "run.isolation: " + word());
        if (workers < 2 && others == 0) {
            return new Settled(NONE, "one worker: its evaluations never overlap");
        }
        if (!local) return new Settled(NONE, "evaluations run as cluster jobs: the scheduler places them");
        String sharing = workers >= 2 && others == 0 ? workers + " workers share the machine"
                : (workers >= 2 ? workers + " workers and " : "")
                        + others + " other session" + (others == 1 ? "" : "s") + " of the repository may measure at the same time";
        if (noisy) {
            return new Settled(EXCLUSIVE, "the judge found the metric noisy and " + sharing
                    + ": one evaluation at a time; set run.isolation to choose");
        }
        return new Settled(NONE, "the metric is not noisy: " + (others == 0 ? workers + " evaluations run side by side"
                : "evaluations run beside the other sessions'") + "; set run.isolation to choose");
    }
}
