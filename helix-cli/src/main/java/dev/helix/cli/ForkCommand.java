package dev.helix.cli;

import dev.helix.app.fork.Fork;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix fork}: branches from a session's best, one per direction to explore in parallel. */
@Command(name = "fork", mixinStandardHelpOptions = true, description = {
    "Start parallel directions from a session's best: a branch helix/<tag>-<name> for each NAME.",
    "%nContinue each with helix run --tag <tag>-<name> (its baseline is the best it forked from); "
        + "helix merge-best then ranks them and merges the winner."})
final class ForkCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(arity = "1..*", paramLabel = "NAME", description = "Names of the directions, e.g. wider deeper.")
    List<String> names;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session to fork (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Fork.Forked forked = Fork.fork(s.workspace(), s.tag(), s.records(), names);
        Output out = main.output();
        out.text(ForkView.text(forked));
        out.success(ForkView.of(forked),
                List.of("describe each direction in program.md (or with --directions when available), then run each fork"));
        return ExitCodes.OK;
    }
}
