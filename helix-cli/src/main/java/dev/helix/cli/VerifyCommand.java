package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.app.verify.VerifyExperiment;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Reproduction;
import dev.helix.core.session.Records;
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
        Experiment target = pick(s.records());
        if (target.commit().isEmpty() || target.primary().isEmpty()) {
            throw CommandException.usage("nothing_to_verify", "#" + target.run() + " (" + target.status().word()
                    + ") has no commit and metric to reproduce", "verify a kept, discarded or baseline experiment");
        }
        Spec spec = SpecFiles.load(SpecFiles.find(s.repo()).orElseThrow(() -> CommandException.usage("no_spec",
                "no helix.yaml in " + s.repo(), "run it in the session's repository")));
        int k = repeats != null ? repeats : Math.max(3, spec.evaluate().repeats());
        if (k < 1) throw CommandException.usage("bad_option", "--repeats must be at least 1", "e.g. --repeats 5");
        Output out = main.output();
        VerifyExperiment.Result result = VerifyExperiment.run(s.workspace(), s.tag(), target, spec, k, tolerance,
                line -> out.progress().println(line));
        Reproduction r = result.reproduction();
        List<Double> samples = result.samples();
        out.text("#" + target.run() + " " + r.reason());
        ObjectNode data = Output.JSON.createObjectNode();
        data.put("run", target.run());
        data.put("reproduces", r.reproduces());
        data.put("recorded", r.recorded());
        data.put("mean", r.mean());
        data.put("ci_low", r.low());
        data.put("ci_high", r.high());
        data.putPOJO("samples", samples);
        data.put("reason", r.reason());
        out.success(data, r.reproduces() ? List.of() : List.of("the result may have been noise or depend on the machine; "
                + "re-run with more --repeats, and consider judge.mode: statistical"));
        return r.reproduces() ? ExitCodes.OK : ExitCodes.FAILURE;
    }

    private Experiment pick(List<Experiment> records) {
        List<Experiment> experiments = records.stream().filter(e -> e.status() != Status.VERIFY).toList();
        if (which.equals("best")) return Records.best(experiments).orElseThrow();
        if (which.equals("baseline")) return Records.baseline(experiments).orElseThrow();
        int n;
        try {
            n = Integer.parseInt(which);
        } catch (NumberFormatException e) {
            throw CommandException.usage("bad_experiment", "'" + which + "' is not an experiment number", "give N, best or baseline");
        }
        return experiments.stream().filter(e -> e.run() == n && e.commit() != null && !e.commit().isEmpty())
                .reduce((a, b) -> b).orElseThrow(() -> CommandException.usage("no_experiment",
                        "no experiment #" + n + " with a commit in session", "see helix log"));
    }
}
