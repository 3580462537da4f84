package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.app.trying.TrySession;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.session.Records;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix try}: evaluate the agent's edits, keep or revert them, and answer with the verdict. */
@Command(name = "try", mixinStandardHelpOptions = true, description = {
    "Evaluate the edits you just made, keep or revert them, and get the verdict.",
    "%nFor agents that drive themselves. The first call starts a session in this checkout (branch helix/<tag>, "
        + "the baseline measured first in a clean worktree); every call then does exactly what helix run does "
        + "with a proposal: scope guard, commit, evaluate, judge, keep or revert, record."})
final class TryCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-m", "--message"}, required = true, paramLabel = "DESCRIPTION", description = "One line: what the edit does.")
    String description;

    @Option(names = "--hypothesis", paramLabel = "H", description = "Why it should improve the metric.")
    String hypothesis;

    @Option(names = "--tag", paramLabel = "TAG", description = "Name of a new session (default: today's date).")
    String tag;

    @Override
    public Integer call() {
        if (description.isBlank()) throw CommandException.usage("no_description", "-m must say what the edit does", "e.g. helix try -m \"halve the learning rate\"");
        TrySession.Outcome o = new TrySession().run(main.workingDirectory(), description.strip(), Optional.ofNullable(hypothesis), Optional.ofNullable(tag));
        Output out = main.output();
        o.appended().forEach(e -> out.text(ConsoleRenderer.row(e)));
        Experiment verdict = o.appended().get(o.appended().size() - 1);
        Experiment best = Records.best(o.session()).orElseThrow();
        Experiment baseline = Records.baseline(o.session()).orElseThrow();
        List<String> hints = hints(verdict, o.session());
        out.text(verdict.status().word() + ": " + verdict.reason());
        out.text("best: #" + best.run() + " " + best.primary().map(Judge::fmt).orElse("-") + " (baseline "
                + baseline.primary().map(Judge::fmt).orElse("-") + ")");
        if (verdict.status() == Status.CRASH) verdict.logTail().ifPresent(t -> out.text("log tail:\n" + t));
        if (!o.leftAlone().isEmpty()) {
            out.text("left alone (untracked, outside scope.editable: not committed, not removed): " + String.join(", ", o.leftAlone()));
        }
        hints.forEach(h -> out.text("hint: " + h));
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("tag", o.tag());
        data.put("run", verdict.run());
        data.put("status", verdict.status().word());
        verdict.primary().ifPresent(v -> data.put("metric", v));
        verdict.delta().ifPresent(d -> data.put("delta", d));
        verdict.deltaPct().ifPresent(d -> data.put("delta_pct", d));
        best.primary().ifPresent(v -> data.put("best", v));
        baseline.primary().ifPresent(v -> data.put("baseline", v));
        if (verdict.primary().isPresent() && baseline.primary().isPresent()) {
            data.put("delta_vs_baseline", verdict.primary().get() - baseline.primary().get());
        }
        data.put("reason", verdict.reason());
        data.put("kept", verdict.status() == Status.KEEP);
        data.put("commit", verdict.commit());
        data.put("log", verdict.log());
        verdict.logTail().ifPresent(t -> data.put("log_tail", t));
        data.set("record", SessionRecords.json(verdict));
        var leftAlone = data.putArray("left_alone");
        o.leftAlone().forEach(leftAlone::add);
        out.success(data, hints);
        return ExitCodes.OK;
    }

    /** What the agent should do next, from how the session is going. */
    static List<String> hints(Experiment verdict, List<Experiment> records) {
        List<String> hints = new ArrayList<>();
        switch (verdict.status()) {
            case KEEP -> hints.add("kept: build on it");
            case DISCARD -> hints.add("reverted: your edit is gone from the working tree; try another idea");
            case CRASH -> hints.add("crashed and reverted: read the log tail, then try a fixed version");
            case REJECTED -> hints.add("rejected and reverted: edit only the files in scope.editable");
            default -> { }
        }
        hints.addAll(dev.helix.core.session.Hints.of(records));
        return hints;
    }
}
