package dev.helix.cli;

import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.AppException;
import dev.helix.app.verify.VerifyExperiment;
import dev.helix.app.verify.VerifyTarget;
import dev.helix.core.experiment.Experiment;
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
    "Re-run an experiment's commit in a fresh worktree and say whether its metric reproduces.",
    "%nThe recorded value must lie within the re-measurements' confidence interval (judge.confidence) or "
        + "within --tolerance of their mean. The check is recorded in the ledger (status verify, under the "
        + "experiment's run number). Exit 0 when it reproduces, 1 when it does not."})
final class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", arity = "0..1", paramLabel = "N|best", defaultValue = "best", description = "The experiment (default: the best).")
    String which;

    @Option(names = "--repeats", paramLabel = "K", description = "How many times to run it (default: evaluate.repeats, at least 3).")
    Integer repeats;

    @Option(names = "--tolerance", paramLabel = "FRACTION", defaultValue = "0", description = "Relative tolerance, e.g. 0.01 for 1% (default 0).")
    double tolerance;

    @Option(names = "--tag", paramLabel = "TAG", description = "The session (default: the latest).")
    String tag;

    @Override
    public Integer call() {
        SessionRecords s = SessionRecords.read(main.workingDirectory(), Optional.ofNullable(tag));
        Experiment target = VerifyTarget.pick(s.records(), which);
        Spec spec = SpecFiles.load(SpecFiles.find(s.repo()).orElseThrow(() -> AppException.usage("no_spec",
                "no helix.yaml in " + s.repo(), "run it in the session's repository")));
        int k = repeats != null ? repeats : Math.max(3, spec.evaluate().repeats());
        if (k < 1) throw AppException.usage("bad_option", "--repeats must be at least 1", "e.g. --repeats 5");
        Output out = main.output();
        VerifyExperiment.Result result = VerifyExperiment.run(s.workspace(), s.tag(), target, spec, k, tolerance,
                line -> out.progress().println(line));
        VerifyView view = VerifyView.of(target.run(), result);
        out.text("#" + target.run() + " " + view.reason());
        out.success(view, view.reproduces() ? List.of() : List.of("the result may have been noise or depend on the machine; "
                + "re-run with more --repeats, and consider judge.mode: statistical"));
        return view.reproduces() ? ExitCodes.OK : ExitCodes.FAILURE;
    }
}
