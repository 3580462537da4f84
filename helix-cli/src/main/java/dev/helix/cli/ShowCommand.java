package dev.helix.cli;

import dev.helix.core.experiment.Experiment;
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

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Experiment e = ExperimentRef.find(s, experiment);
        ShowView view = ShowView.of(s, e);
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        out.text(view.text(e));
        out.success(view, e.run() > 0 ? List.of("compare with the best: helix diff best " + e.run()) : List.of());
        return ExitCodes.OK;
    }
}
