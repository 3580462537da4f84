package dev.helix.core.session;

/** What a worker is doing, as {@code helix watch} and {@code helix status} show it. */
public enum WorkerPhase {
    STARTING("starting"),
    IDLE("idle"),
    PROPOSING("proposing"),
    FIXING("fixing a crash"),
    WAITING_FOR_SLOT("waiting for a slot"),
    /** run.isolation: exclusive; another evaluation holds the measurement lock. */
    WAITING_FOR_LOCK("waiting for the measurement lock"),
    EVALUATING("evaluating"),
    /** Running evaluate.checks on a candidate the judge would keep. */
    CHECKING("running the checks"),
    /** A stale candidate re-applied on the new best, judged again. */
    RE_EVALUATING("re-evaluating");

    private final String text;

    WorkerPhase(String text) {
        this.text = text;
    }

    /** The phase as people read it (and as the worker board stores it). */
    public String text() {
        return text;
    }
}
