package dev.helix.app.doctor;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.app.holdout.HoldoutRun;
import dev.helix.core.experiment.HoldoutReading;
import dev.helix.core.spec.Spec;

/**
 * The doctor's check of evaluate.holdout: the hidden files are not on the branch, and the hold-out
 * runs on HEAD with them and prints the primary. It does not say the value: whoever runs doctor in
 * a session an agent drives may be the agent.
 */
final class HoldoutCheck {
    static final String ID = "holdout";
    static final String TITLE = "Hold-out runs on hidden data";

    private HoldoutCheck() {}

    static Check of(Workspace workspace, Spec spec, boolean quick) {
        HoldoutRun run = HoldoutRun.of(workspace, spec).orElseThrow();
        try {
            run.checkHidden(workspace.repo());
        } catch (AppException e) {
            return Check.fail(ID, TITLE, e.getMessage(), e.suggestion());
        }
        if (quick) return Check.pass(ID, TITLE, "no hidden file is on the branch (not run: --quick)");
        String head = workspace.git().resolve(workspace.repo(), "HEAD").orElse("");
        if (head.isEmpty()) return Check.skip(ID, TITLE, "not checked: nothing committed yet");
        HoldoutReading reading = run.measure(head, 1);
        String source = spec.evaluate().holdout().orElseThrow().source().describe();
        return reading.failure()
                .map(why -> Check.fail(ID, TITLE, "the hold-out on HEAD with the hidden files from the " + source + ": " + why,
                        "make `" + spec.evaluate().holdout().orElseThrow().command() + "` print " + spec.metrics().primary().name()
                                + " when the files of scope.hidden are in place, and keep them in the " + source))
                .orElseGet(() -> Check.pass(ID, TITLE, "prints " + spec.metrics().primary().name() + " on HEAD with the hidden files from the "
                        + source + " (its value is recorded, never shown to the proposer)"));
    }
}
