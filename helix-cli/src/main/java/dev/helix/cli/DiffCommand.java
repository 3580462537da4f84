package dev.helix.cli;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Repository;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix diff A B}: the change from one experiment's commit to another's. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = "Show the diff between two experiments' commits (run numbers, 'best' or 'baseline').")
final class DiffCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "A", description = "From: a run number, 'best' or 'baseline'.")
    String from;

    @Parameters(index = "1", paramLabel = "B", description = "To: a run number, 'best' or 'baseline'.")
    String to;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Experiment a = ExperimentRef.find(s, from);
        Experiment b = ExperimentRef.find(s, to);
        String ca = ExperimentRef.commit(s, a);
        String cb = ExperimentRef.commit(s, b);
        Repository git = s.git();
        String diff = git.diff(s.repo(), ca, cb);
        DiffStat stat = git.diffStat(s.repo(), ca, cb);
        Output out = main.output();
        // The patch is the data (it applies with git apply); the line about its two ends is for people.
        if (!out.json()) {
            out.progress().println(DiffView.header(a, ca, b, cb, stat));
            out.progress().flush();
            if (!diff.isEmpty()) out.text(diff.stripTrailing());
        }
        out.success(DiffView.of(s.tag(), a, b, stat, diff), List.of());
        return ExitCodes.OK;
    }
}
