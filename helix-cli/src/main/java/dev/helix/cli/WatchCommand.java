package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.app.watch.SessionWatch;
import dev.helix.core.session.Dashboard;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code helix watch}: a live dashboard of a session, or a line per change when stdout is not a terminal. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = {"Watch a session live: whether a loop runs, the experiment in progress against its budget, "
                + "counts, baseline -> best, a sparkline of the best so far and the last 15 experiments.",
            "On a terminal: a dashboard; q quits (exit 0), Ctrl-C too (exit 130). Otherwise: one summary line "
                + "per refresh, printed only when the session changed, until no loop runs (at once when none does) "
                + "or until interrupted. --once: one summary line, then exit."})
final class WatchCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec command;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "2",
            description = "Seconds between refreshes (default 2).")
    double interval;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the running one, else the latest).")
    String tag;

    @Option(names = "--once", description = "Print one summary line and exit (an agent's way to look without waiting).")
    boolean once;

    @Override
    public Integer call() {
        if (!(interval >= 0.1 && interval <= 3600)) {
            throw AppException.usage("bad_option", "-i must be between 0.1 and 3600 seconds, not " + interval,
                    "e.g. helix watch -i 5");
        }
        SessionWatch watch = SessionWatch.of(main.workingDirectory(), Optional.ofNullable(tag));
        Duration every = Duration.ofMillis(Math.round(interval * 1000));
        if (main.terminal() && !once) {
            return LiveScreen.show((now, width) -> Dashboard.screen(watch.read(), now, width), every);
        }
        return WatchLines.follow(watch, every, command.commandLine().getOut(), once);
    }
}
