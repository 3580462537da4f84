package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.session.Records;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix best}: the best experiment, its gain over the baseline and its diff. */
@Command(name = "best", mixinStandardHelpOptions = true, description = "Show the best experiment of a session: its gain over the baseline and its diff.")
final class BestCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Experiment baseline = Records.baseline(s.records()).orElseThrow(() -> AppException.runtime("no_baseline",
                "session " + s.tag() + " has no measured baseline", "resume it: helix run --resume --tag " + s.tag()));
        Experiment best = Records.best(s.records()).orElseThrow();
        BestView view = BestView.of(s, baseline, best);
        Output out = main.output();
        out.text(BestView.text(s.tag(), baseline, best, view, Records.headline(s.records())));
        out.success(view, List.of("apply it: git merge helix/" + s.tag() + "  (or git cherry-pick the kept commits)"));
        return ExitCodes.OK;
    }
}
