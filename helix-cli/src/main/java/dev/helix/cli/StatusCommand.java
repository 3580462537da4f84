package dev.helix.cli;

import dev.helix.app.Workspace;
import dev.helix.app.watch.SessionWatch;
import dev.helix.core.session.Dashboard;
import dev.helix.core.session.Driver;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix status}: where a session stands. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a session: running or not, counts, baseline and best, spend, the last experiment.")
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    // Hidden from --help and agent-info, which agents read: the README and docs/trust.md document it for people.
    @Option(names = "--holdout", hidden = true, description = "Show the hold-out (evaluate.holdout) in a session an agent drives too.")
    boolean holdout;

    @Override
    public Integer call() {
        Workspace workspace = SessionRecords.open(main.workingDirectory());
        Optional<String> chosen = SessionRecords.latest(workspace, Optional.ofNullable(tag));
        Output out = main.output();
        if (chosen.isEmpty()) {
            out.text(Driver.firstStep());
            out.success(StatusView.EMPTY, List.of(Driver.firstStep()));
            return ExitCodes.OK;
        }
        SessionRecords read = SessionRecords.read(workspace, chosen.get());
        SessionRecords s = holdout ? read.revealingHoldout() : read;
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        Instant now = Instant.now();
        List<Dashboard.WorkerLine> workers = s.runningPid().isPresent()
                ? SessionWatch.of(main.workingDirectory(), Optional.of(s.tag())).workersNow() : List.of();
        StatusView.Answer answer = StatusView.answer(s, workers, now);
        if (!out.json()) out.text(StatusView.text(s, answer.view(), workers, now));
        out.success(answer.view(), answer.hints());
        return ExitCodes.OK;
    }
}
