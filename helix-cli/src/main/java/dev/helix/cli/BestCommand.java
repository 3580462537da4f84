package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
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
        Experiment baseline = Records.baseline(s.records()).orElseThrow(() -> CommandException.runtime("no_baseline",
                "session " + s.tag() + " has no measured baseline", "resume it: helix run --resume --tag " + s.tag()));
        Experiment best = Records.best(s.records()).orElseThrow();
        String diff = s.git().diff(s.repo(), baseline.commit(), best.commit());
        double base = baseline.primary().orElse(Double.NaN);
        double value = best.primary().orElse(Double.NaN);
        Double pct = base == 0 || Double.isNaN(base) ? null : (value - base) / Math.abs(base) * 100;
        Output out = main.output();
        if (best.run() == 0) {
            out.text("No improvement yet in session " + s.tag() + ": the best is the baseline, " + Judge.fmt(base));
        } else {
            out.text("Best of session " + s.tag() + ": #" + best.run() + " " + Judge.fmt(value) + " against baseline "
                    + Judge.fmt(base) + " (" + Judge.signed(value - base) + (pct == null ? "" : ", " + Judge.percent(pct)) + ")");
            out.text("  " + best.description() + "   commit " + best.commit());
            out.text("");
            out.text(diff);
        }
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("tag", s.tag());
        data.set("best", SessionRecords.json(best));
        data.set("baseline", SessionRecords.json(baseline));
        data.put("delta", value - base);
        if (pct != null) data.put("delta_pct", pct);
        data.put("diff", diff);
        out.success(data, List.of("apply it: git merge helix/" + s.tag() + "  (or git cherry-pick the kept commits)"));
        return ExitCodes.OK;
    }
}
