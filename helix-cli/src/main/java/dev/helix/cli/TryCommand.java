package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.app.trying.TrySession;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.PowerPlan;
import dev.helix.core.spec.Isolation;
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
        if (description.isBlank()) throw AppException.usage("no_description", "-m must say what the edit does", "e.g. helix try -m \"halve the learning rate\"");
        Output out = main.output();
        // The evaluation (and on a first call the baseline) can take minutes: say so where a person sees it, piped or not.
        out.progress().println("Evaluating the edits: " + description.strip() + " ...");
        out.progress().flush();
        TrySession.Outcome o = new TrySession().run(main.workingDirectory(), description.strip(), Optional.ofNullable(hypothesis), Optional.ofNullable(tag));
        List<String> hints = new ArrayList<>(TryView.hints(TryView.verdict(o), o.session()));
        // The session's first try measured the baseline: what its noise lets the judge see (as helix run says at its start).
        o.appended().stream().filter(e -> e.status() == Status.BASELINE)
                .flatMap(b -> PowerPlan.of(b, o.spec().judge()).stream())
                .forEach(p -> hints.addAll(PowerPlan.notices(p)));
        // measured taking turns with another session: said, since the try took longer for it
        if (o.isolation().isolation() == Isolation.EXCLUSIVE) hints.add(o.isolation().text());
        out.text(TryView.text(o, hints));
        out.success(TryView.of(o), hints);
        return ExitCodes.OK;
    }
}
