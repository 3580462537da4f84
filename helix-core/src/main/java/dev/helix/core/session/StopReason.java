package dev.helix.core.session;


/** Why a session's loop stopped. */
public enum StopReason {
    MAX_EXPERIMENTS("reached --max-experiments"),
    MAX_TIME("reached --max-time"),
    MAX_COST("reached --max-cost"),
    MAX_TOKENS("reached --max-tokens"),
    /** --max-cost or --max-tokens was set, and a proposal came back without the cost or tokens it counts. */
    CAP_BLIND("a spending cap cannot hold"),
    INTERRUPTED("interrupted"),
    EXHAUSTED("the proposer has nothing left to try"),
    SETUP_FAILED("evaluate.setup failed"),
    BASELINE_CRASHED("the baseline crashed"),
    /** A failure that will not fix itself happened run.max_failures times in a row. */
    PROPOSER_FAILING("the proposer keeps failing"),
    /** The proposer's server stayed out of reach for run.max_outage_seconds. */
    OUTAGE("the proposer's server stayed out of reach");

    public final String text;

    StopReason(String text) {
        this.text = text;
    }
}
