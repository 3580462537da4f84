package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import java.util.List;

/**
 * Who drives a session: Helix itself ({@code helix run} asks a proposer for each change), or an
 * agent that edits on its own and calls {@code helix try} or {@code helix record} after each edit.
 * The advice a session's commands give follows from it: an agent-driven session continues with
 * another {@code try}, never with {@code run --resume}.
 */
public enum Driver {
    HELIX,
    AGENT;

    /** The backend name {@code helix try} records as its experiments' proposer. */
    public static final String TRY_BACKEND = "try";
    /** How every reason {@code helix record} writes begins. */
    public static final String RECORDED = "recorded by hand";

    /** AGENT when any record came from {@code helix try} or {@code helix record}, else HELIX. */
    public static Driver of(List<Experiment> records) {
        for (Experiment e : records) {
            if (e.agent().map(a -> TRY_BACKEND.equals(a.backend())).orElse(false) || e.reason().startsWith(RECORDED)) {
                return AGENT;
            }
        }
        return HELIX;
    }

    /** The next step that continues session {@code tag}. */
    public String next(String tag) {
        return switch (this) {
            case HELIX -> "continue it: helix run --resume --tag " + tag;
            case AGENT -> "continue it: edit the files in scope.editable, then helix try -m \"<what you changed>\"";
        };
    }

    /** What to do when there are no experiments yet. */
    public static String firstStep() {
        return "no experiments yet; run `helix try -m \"<what you changed>\"` after your first edit"
                + " (or `helix run` to let Helix drive an agent)";
    }
}
