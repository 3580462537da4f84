package dev.helix.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.Executors;
import dev.helix.adapters.specio.SpecFiles;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Reproduction;
import dev.helix.core.metric.Extraction;
import dev.helix.core.metric.MetricExtractor;
import dev.helix.core.port.Executor;
import dev.helix.core.port.Repository;
import dev.helix.core.session.Records;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
        Repository vcs = s.git();
        Path wt = s.repo().resolve(".helix/worktrees").resolve(s.tag() + "-verify-" + target.run());
        if (vcs.hasWorktree(s.repo(), wt)) vcs.removeWorktree(s.repo(), wt);
        vcs.addWorktree(s.repo(), wt, target.commit());
        Instant started = Instant.now();
        List<Double> samples = new ArrayList<>();
        Output out = main.output();
        String primary = spec.metrics().primary().name();
        try {
            Executor executor = Executors.forSpec(spec);
            spec.evaluate().setup().ifPresent(setup -> executor.run(request(spec, setup, wt, s, "setup", target.run())));
            for (int i = 1; i <= k; i++) {
                Executor.Result result = executor.run(request(spec, spec.evaluate().command(), wt, s, "verify" + i, target.run()));
                if (result.interrupted()) throw CommandException.runtime("interrupted", "interrupted", "run helix verify again");
                Extraction extraction = MetricExtractor.extract(spec, result.output(),
                        spec.evaluate().jsonFile().flatMap(f -> Workspace.readIfExists(wt.resolve(f))));
                Double value = extraction.metrics().get(primary);
                if (result.exitCode() != 0 || value == null || !Double.isFinite(value)) {
                    throw CommandException.runtime("verify_crashed", "run " + i + " of #" + target.run() + " crashed ("
                            + (result.timedOut() ? "timed out" : "exit code " + result.exitCode()) + "; "
                            + String.join("; ", extraction.problems()) + "):\n" + result.tail(20), "see the log under .helix/runs/" + s.tag());
                }
                samples.add(value);
                out.progress().println("run " + i + "/" + k + ": " + primary + " " + Judge.fmt(value));
            }
        } finally {
            vcs.removeWorktree(s.repo(), wt);
        }
        Reproduction r = Reproduction.check(target.primary().get(), samples, tolerance, spec.judge().confidence());
        Experiment record = new Experiment(target.run(), s.tag(), 0, target.commit(), target.commit(), Status.VERIFY,
                Map.of(primary, r.mean()), Optional.of(r.mean()), Optional.of(r.mean() - r.recorded()), Optional.empty(),
                "verify #" + target.run() + ": " + (r.reproduces() ? "reproduces" : "does not reproduce"), Optional.empty(),
                r.reason(), samples, started, Instant.now(), 0, Optional.of(0), false, "", target.diff(), Optional.empty(),
                List.of(), Optional.empty());
        new FileLedgerStore(s.repo().resolve(".helix/experiments.jsonl")).append(record);
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

    private static Executor.Request request(Spec spec, String command, Path wt, SessionRecords s, String name, int run) {
        return new Executor.Request(command, wt, Duration.ofSeconds(spec.evaluate().timeoutSeconds()),
                Map.of("HELIX_TIME_BUDGET", Integer.toString(spec.evaluate().timeoutSeconds()), "HELIX_EXPERIMENT", Integer.toString(run),
                        "HELIX_TAG", s.tag()),
                s.repo().resolve(".helix/runs").resolve(s.tag()).resolve(run + "." + name + ".log"));
    }
}
