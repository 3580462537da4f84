package dev.helix.core.session;


/** Why a session's loop stopped. */
public enum StopReason {
    MAX_EXPERIMENTS("reached --max-experiments"),
    MAX_TIME("reached --max-time"),
    MAX_COST("reached --max-cost"),
    INTERRUPTED("interrupted"),
    EXHAUSTED("the proposer has nothing left to try"),
    SETUP_FAILED("evaluate.setup failed"),
    BASELINE_CRASHED("the baseline crashed");

    public final String text;

    StopReason(String text) {
        this.text = text;
    }
}
