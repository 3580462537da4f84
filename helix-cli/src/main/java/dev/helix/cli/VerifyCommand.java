package dev.helix.cli;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.verify.VerifyEnvironment;
import dev.helix.app.verify.VerifyExperiment;
import dev.helix.app.verify.VerifyTarget;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code helix verify}: re-run an experiment's commit in a fresh worktree; does its result reproduce? */
@Command(name = "verify", mixinStandardHelpOptions = true, description = {
    "Re-run an experiment's commit in a fresh worktree and say whether its result reproduces.",
    "%nDeterministic metric (strict judge): the recorded value must lie within the re-measurements' confidence "
        + "interval (judge.confidence) or within --tolerance of their mean.",
    "%nNoisy metric (statistical judge): the commit and its parent (the best it was judged against) are re-measured "
        + "side by side in K balanced blocks (A B, B A, ...), so that drift cancels; the effect reproduces when the "
        + "re-measured effect has the recorded effect's sign and its confidence interval excludes zero. Whether the "
        + "recorded effect lies inside that interval is said beside it. The baseline, which has no parent, is checked by value.",
    "%nEach check is recorded in the ledger (status verify, under the experiment's run number; on a noisy metric with "
        + "the parent's samples and the effect's statistics). Exit 0 when everything checked reproduces, 1 when not.",
    "%nWhen a result does not reproduce, verify compares this machine with the environment the session recorded "
        + "(CPU, memory, GPUs and driver, system and kernel, the output of run.fingerprint's commands) and says what differs."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "N|best", description = "The experiment (default: the best).")
    String which;

    @Option(names = "--all-kept", description = "Check every kept change of the session, each against its own parent.")
    boolean allKept;

    @Option(names = "--repeats", paramLabel = "K", description = "Runs, or blocks on a noisy metric (default: evaluate.repeats, "
            + "or judge.max_repeats on a noisy metric; at least 3).")
    Integer repeats;

    @Option(names = "--tolerance", paramLabel = "FRACTION", defaultValue = "0", description = "Relative tolerance of a value, e.g. 0.01 for 1%% (default 0).")
    double tolerance;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        if (allKept && which != null) throw AppException.usage("bad_option", "give N|best or --all-kept, not both", "e.g. helix verify --all-kept");
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Spec spec = SpecFiles.load(SpecFiles.find(s.repo()).orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + s.repo(), "run it in the session's repository")));
        int k = repeats != null ? repeats : VerifyExperiment.defaultRepeats(s.records(), spec);
        if (k < 1) throw AppException.usage("bad_option", "--repeats must be at least 1", "e.g. --repeats 5");
        Output out = main.output();
        String hint = "the result may have been noise or depend on the machine; re-run with more --repeats"
                + (VerifyExperiment.noisy(s.records(), spec) ? "" : ", and consider judge.mode: statistical");
        List<VerifyExperiment.Check> checks = allKept
                ? VerifyExperiment.allKept(s.workspace(), s.tag(), s.records(), spec, k, tolerance, line -> out.progress().println(line))
                : List.of(VerifyExperiment.run(s.workspace(), s.tag(), s.records(), VerifyTarget.pick(s.records(), which == null ? "best" : which),
                        spec, k, tolerance, line -> out.progress().println(line)));
        // where a result does not reproduce, the machine may be why: say what differs from where it ran
        List<String> hints = checks.stream().filter(c -> !c.reproduces()).findFirst().map(c -> List.of(hint,
                VerifyEnvironment.compare(s.workspace(), s.tag(), c.target(), spec, System.getenv()))).orElse(List.of());
        VerifyView.All all = VerifyView.All.of(checks);
        Object view = allKept ? all : all.checks().get(0);
        out.text(allKept ? all.text() : "#" + all.checks().get(0).run() + " " + all.checks().get(0).reason());
        if (!hints.isEmpty()) out.text(hints.get(1));
        out.success(view, hints);
        return all.reproduced() == all.total() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
