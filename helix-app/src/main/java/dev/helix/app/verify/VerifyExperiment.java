package dev.helix.app.verify;

import dev.helix.adapters.Executors;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Reproduction;
import dev.helix.core.metric.Extraction;
import dev.helix.core.metric.MetricExtractor;
import dev.helix.core.port.Executor;
import dev.helix.core.port.Repository;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * {@code helix verify}: re-runs an experiment's commit in a fresh worktree a few times, says
 * whether its recorded metric reproduces, and records the check in the ledger (status verify,
 * under the experiment's run number).
 */
public final class VerifyExperiment {

    /** The verdict and the re-measurements it rests on. */
    public record Result(Reproduction reproduction, List<Double> samples) {}

    private VerifyExperiment() {}

    /** Measures {@code target} of session {@code tag} {@code repeats} times; {@code progress} hears of each run. */
    public static Result run(Workspace workspace, String tag, Experiment target, Spec spec, int repeats, double tolerance,
                             Consumer<String> progress) {
        Repository vcs = workspace.git();
        Path repo = workspace.repo();
        Path wt = workspace.helixDir().resolve("worktrees").resolve(tag + "-verify-" + target.run());
        if (vcs.hasWorktree(repo, wt)) vcs.removeWorktree(repo, wt);
        vcs.addWorktree(repo, wt, target.commit());
        Instant started = Instant.now();
        List<Double> samples = new ArrayList<>();
        String primary = spec.metrics().primary().name();
        try {
            Executor executor = Executors.forSpec(spec);
            spec.evaluate().setup().ifPresent(setup -> executor.run(request(workspace, spec, setup, wt, tag, "setup", target.run())));
            for (int i = 1; i <= repeats; i++) {
                Executor.Result result = executor.run(request(workspace, spec, spec.evaluate().command(), wt, tag, "verify" + i, target.run()));
                if (result.interrupted()) throw AppException.runtime("interrupted", "interrupted", "run helix verify again");
                Extraction extraction = MetricExtractor.extract(spec, result.output(),
                        spec.evaluate().jsonFile().flatMap(f -> Workspace.readIfExists(wt.resolve(f))));
                Double value = extraction.metrics().get(primary);
                if (result.exitCode() != 0 || value == null || !Double.isFinite(value)) {
                    throw AppException.runtime("verify_crashed", "run " + i + " of #" + target.run() + " crashed ("
                            + (result.timedOut() ? "timed out" : "exit code " + result.exitCode()) + "; "
                            + String.join("; ", extraction.problems()) + "):\n" + result.tail(20), "see the log under .helix/runs/" + tag);
                }
                samples.add(value);
                progress.accept("run " + i + "/" + repeats + ": " + primary + " " + Judge.fmt(value));
            }
        } finally {
            vcs.removeWorktree(repo, wt);
        }
        Reproduction r = Reproduction.check(target.primary().get(), samples, tolerance, spec.judge().confidence());
        Experiment record = new Experiment(target.run(), tag, 0, target.commit(), target.commit(), Status.VERIFY,
                Map.of(primary, r.mean()), Optional.of(r.mean()), Optional.of(r.mean() - r.recorded()), Optional.empty(),
                "verify #" + target.run() + ": " + (r.reproduces() ? "reproduces" : "does not reproduce"), Optional.empty(),
                r.reason(), samples, started, Instant.now(), 0, Optional.of(0), false, "", target.diff(), Optional.empty(),
                List.of(), Optional.empty());
        workspace.ledger().append(record);
        return new Result(r, List.copyOf(samples));
    }

    private static Executor.Request request(Workspace workspace, Spec spec, String command, Path wt, String tag, String name, int run) {
        return new Executor.Request(command, wt, Duration.ofSeconds(spec.evaluate().timeoutSeconds()),
                Map.of("HELIX_TIME_BUDGET", Integer.toString(spec.evaluate().timeoutSeconds()), "HELIX_EXPERIMENT", Integer.toString(run),
                        "HELIX_TAG", tag),
                workspace.helixDir().resolve("runs").resolve(tag).resolve(run + "." + name + ".log"));
    }
}
