package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.core.experiment.Experiment;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix log}: the latest experiments of a session. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "List the latest experiments of a session, oldest first.")
final class LogCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-n", "--number"}, paramLabel = "N", defaultValue = "20", description = "How many (default 20; 0 for all).")
    int number;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        if (number < 0) throw AppException.usage("bad_option", "-n must be 0 or more", "e.g. helix log -n 50");
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        List<Experiment> rows = number == 0 || number >= s.records().size() ? s.records()
                : s.records().subList(s.records().size() - number, s.records().size());
        Output out = main.output();
        s.warnings().forEach(w -> out.progress().println("warning: " + w));
        rows.forEach(e -> out.text(ConsoleRenderer.row(e)));
        out.success(rows.stream().map(SessionRecords::json).toList(), List.of());
        return ExitCodes.OK;
    }
}
