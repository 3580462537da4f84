package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
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
        out.text("diff #" + a.run() + " (" + a.status().word() + ", " + ca + ") -> #" + b.run() + " (" + b.status().word() + ", "
                + cb + "): " + stat.files() + (stat.files() == 1 ? " file" : " files") + ", +" + stat.added() + " -" + stat.removed());
        if (!diff.isEmpty()) out.text(diff.stripTrailing());
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("tag", s.tag());
        data.set("a", side(a));
        data.set("b", side(b));
        data.put("files", stat.files());
        data.put("added", stat.added());
        data.put("removed", stat.removed());
        data.put("diff", diff);
        out.success(data, List.of());
        return ExitCodes.OK;
    }

    private static ObjectNode side(Experiment e) {
        ObjectNode n = Output.JSON.createObjectNode();
        n.put("run", e.run());
        n.put("commit", e.commit());
        n.put("status", e.status().word());
        e.primary().ifPresent(v -> n.put("primary", v));
        n.put("description", e.description());
        return n;
    }
}
