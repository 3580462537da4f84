package dev.helix.cli;

import dev.helix.app.watch.SessionWatch;
import dev.helix.core.session.Dashboard;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
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

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        Instant now = Instant.now();
        List<Dashboard.WorkerLine> workers = s.runningPid().isPresent() ? workers(s.tag()) : List.of();
        StatusView view = StatusView.of(s, workers, now);
        out.text(StatusView.text(s, view, workers, now));
        out.success(view, view.hints(s));
        return ExitCodes.OK;
    }

    /**
     * What the workers of the running session do: as its board says, else (no board yet, or a
     * board this process cannot trust) the one experiment in progress as helix watch infers it.
     */
    private List<Dashboard.WorkerLine> workers(String tag) {
        Dashboard.View view = SessionWatch.of(main.workingDirectory(), Optional.of(tag)).read();
        if (!view.workers().isEmpty()) return view.workers();
        return view.current().map(c -> List.of(new Dashboard.WorkerLine(1, c.run(), c.phase().name()
                .toLowerCase(Locale.ROOT), "", "", c.since(), c.budgetSeconds()))).orElse(List.of());
    }
}
