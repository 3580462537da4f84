package dev.helix.cli;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.report.ProposerShare;
import dev.helix.core.session.Driver;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code helix log}: the latest experiments of a session. */
@Command(name = "log", mixinStandardHelpOptions = true, description = "List the latest experiments of a session, oldest first.")
final class LogCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Spec
    CommandSpec spec;

    @Option(names = {"-n", "--number"}, paramLabel = "N", defaultValue = "20", description = "How many (default 20; 0 for all).")
    int number;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        if (number < 0) throw AppException.usage("bad_option", "-n must be 0 or more", "e.g. helix log -n 50");
        // Only the last n records are read: a session may have hundreds of thousands.
        Workspace workspace = SessionRecords.open(main.workingDirectory());
        Optional<String> latest = SessionRecords.latest(workspace, Optional.ofNullable(tag));
        workspace.importProblem().ifPresent(p -> main.output().progress().println("warning: " + p));
        if (latest.isEmpty()) {
            main.output().text(Driver.firstStep());
            main.output().success(List.of(), List.of(Driver.firstStep()));
            return ExitCodes.OK;
        }
        String chosen = latest.get();
        LedgerStore.Contents contents = number == 0 ? workspace.ledger().readTag(chosen) : workspace.ledger().tail(chosen, number);
        List<Experiment> rows = SessionRecords.shown(contents.experiments());
        if (rows.isEmpty()) throw SessionRecords.noSession(workspace, chosen);
        Output out = main.output();
        contents.warnings().forEach(w -> out.progress().println("warning: " + w));
        boolean mixed = !ProposerShare.of(rows).isEmpty();
        // On a terminal each row fits its width; piped, the description stays whole.
        int width = main.columns(spec);
        if (!out.json()) rows.forEach(e -> out.text(ConsoleRenderer.row(e, mixed, width)));
        out.success(rows.stream().map(SessionRecords::json).toList(), List.of());
        return ExitCodes.OK;
    }
}
