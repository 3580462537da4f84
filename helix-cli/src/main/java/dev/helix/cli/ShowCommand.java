package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.session.Records;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix show N}: one experiment's record, its diff against its parent and the tail of its log. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Show one experiment: every field of its record, its diff against its parent (the best it started from) and the last lines of its log.")
final class ShowCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(paramLabel = "N", description = "The run number (as in 'helix log'), 'best' or 'baseline'.")
    String experiment;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Option(names = "--patch", description = "Print only the experiment's change, as a patch against its parent: "
            + "'helix show N --patch | git apply' brings a crashed or discarded edit back into the working tree.")
    boolean patch;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Experiment e = ExperimentRef.find(s, experiment);
        if (patch) return patch(s, e);
        ShowView view = ShowView.of(s, e);
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        out.text(view.text(s.shown(e)));
        out.success(view, e.run() > 0 ? List.of("compare with the best: helix diff best " + e.run()) : List.of());
        return ExitCodes.OK;
    }

    /** The change alone, exactly as git apply takes it (the commit stays under refs/helix/TAG/N, crashed or not). */
    private int patch(SessionRecords s, Experiment e) {
        String commit = ExperimentRef.commit(s, e);
        String diff = e.parent().isEmpty() ? "" : s.git().diff(s.repo(), e.parent(), commit);
        if (diff.isBlank()) {
            throw AppException.usage("no_change", "experiment #" + e.run() + " of session " + s.tag() + " changed no file",
                    "pick an experiment that changed something: see 'helix log'");
        }
        Output out = main.dataOutput();
        out.text(diff.stripTrailing());
        boolean moved = Records.best(s.records()).map(b -> !b.commit().equals(e.parent())).orElse(false);
        out.success(new PatchView(s.tag(), e.run(), e.parent(), commit, diff.stripTrailing() + "\n"),
                List.of(moved ? "the best has moved since #" + e.run() + ": helix show " + e.run() + " --patch | git apply -3"
                        : "apply it to the working tree: helix show " + e.run() + " --patch | git apply"));
        return ExitCodes.OK;
    }

    /** An experiment's change as a patch. */
    record PatchView(String tag, int run, String parent, String commit, String patch) {}
}
