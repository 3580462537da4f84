package dev.helix.cli;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.core.port.Repository;
import dev.helix.core.session.Records;
import java.util.ArrayList;
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
        + "helix merge-best then ranks them."})
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
        Experiment best = Records.best(s.records()).orElseThrow(() -> CommandException.runtime("no_baseline",
                "session " + s.tag() + " has no measured baseline to fork from", "resume it first: helix run --resume --tag " + s.tag()));
        Repository vcs = s.git();
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,40}")) {
                throw CommandException.usage("bad_name", "'" + name + "' is not a usable direction name", "use letters, digits, '.', '_' and '-'");
            }
            if (vcs.resolve(s.repo(), "refs/heads/helix/" + s.tag() + "-" + name).isPresent()) {
                throw CommandException.usage("fork_exists", "branch helix/" + s.tag() + "-" + name + " already exists",
                        "choose another name, or continue it: helix run --resume --tag " + s.tag() + "-" + name);
            }
        }
        List<String> branches = new ArrayList<>();
        Output out = main.output();
        for (String name : names) {
            String branch = "helix/" + s.tag() + "-" + name;
            vcs.updateRef(s.repo(), "refs/heads/" + branch, best.commit());
            branches.add(branch);
            out.text("created " + branch + " at #" + best.run() + " (" + best.primary().map(Judge::fmt).orElse("-")
                    + "): helix run --tag " + s.tag() + "-" + name);
        }
        out.success(java.util.Map.of("from", best.commit(), "run", best.run(), "branches", branches),
                List.of("describe each direction in program.md (or with --directions when available), then run each fork"));
        return ExitCodes.OK;
    }
}
