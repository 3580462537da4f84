package dev.helix.app.verify;

import dev.helix.adapters.Executors;
import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.judge.Judge;
import dev.helix.app.measure.MeasuredRun;
import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Executor;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The clean worktree {@code helix verify} measures in: made at an experiment's commit, moved
 * between commits, and removed when done. Every evaluation of one check runs in it, so that the
 * commits compared share the directory, the slot and the machine's state.
 */
public final class VerifyWorktree implements AutoCloseable {
    private final Workspace workspace;
    private final String tag;
    private final int run;
    private final Spec spec;
    private final Consumer<String> progress;
    private final Path wt;
    private final Executor executor;

    /** Makes the worktree at {@code target}'s commit and runs the evaluation's setup there. */
    VerifyWorktree(Workspace workspace, String tag, Experiment target, Spec spec, Consumer<String> progress) {
        this(workspace, tag, workspace.auxiliaryWorktree("verify", tag, String.valueOf(target.run())), Optional.empty(), target.run(),
                target.commit(), spec, progress);
    }

    /**
     * Makes the auxiliary worktree {@code wt} (see {@link Workspace#auxiliaryWorktree}; replaced
     * unless session {@code owner}'s lock is held elsewhere) at {@code commit} and runs the
     * evaluation's setup there; its logs are named after experiment {@code run} of session {@code tag}.
     */
    public VerifyWorktree(Workspace workspace, String tag, Path wt, Optional<String> owner, int run, String commit, Spec spec,
                          Consumer<String> progress) {
        this.workspace = workspace;
        this.tag = tag;
        this.run = run;
        this.spec = spec;
        this.progress = progress;
        this.wt = wt;
        workspace.replaceAuxiliaryWorktree(wt, owner, commit);
        this.executor = Executors.forSpec(spec);
        try {
            spec.evaluate().setup().ifPresent(setup -> executor.run(request(setup, "setup")));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The worktree's directory. */
    public Path dir() {
        return wt;
    }

    /** Moves the worktree's files to {@code commit}. */
    public void checkout(String commit) {
        workspace.git().reset(wt, commit, List.of());
    }

    /**
     * Runs the evaluation once and returns the primary metric; a crash ends the check.
     *
     * @param name the run's name in its log file and in progress lines, e.g. "verify3"
     * @param label what the progress line says it measured, e.g. "run 3/5"
     */
    public double measure(String name, String label) {
        Executor.Request request = request(spec.evaluate().command(), name);
        MeasuredRun measured = MeasuredRun.of(executor, spec, request.command(), wt, request.timeout(), request.log()).withEnv(request.env())
                .holding(MeasuredRun.repositoryLock(workspace));
        String primary = spec.metrics().primary().name();
        return switch (measured.measure(1)) {
            case MeasuredRun.Samples s -> {
                double value = s.values().get(0);
                progress.accept(label + ": " + primary + " " + Judge.fmt(value));
                yield value;
            }
            case MeasuredRun.Failed f when f.sample().isEmpty() && f.failure() == MeasuredRun.Failure.STOPPED ->
                    throw AppException.runtime("interrupted", "interrupted while waiting for the measurement lock", "run the command again");
            case MeasuredRun.Failed f when f.failure() == MeasuredRun.Failure.STOPPED ->
                    throw AppException.runtime("interrupted", "interrupted", "run helix verify again");
            case MeasuredRun.Failed f when f.sample().isEmpty() -> throw AppException.runtime("verify_crashed",
                    label + " of #" + run + ": cannot remove the last run's metric file", "remove it by hand: " + MetricFile.beside(request.log()));
            case MeasuredRun.Failed f -> throw AppException.runtime("verify_crashed", label + " of #" + run + " crashed ("
                    + (f.result().timedOut() ? "timed out" : "exit code " + f.result().exitCode()) + "; "
                    + String.join("; ", f.problems()) + "):\n" + f.result().tail(20), "see the log under .helix/runs/" + tag);
        };
    }

    @Override
    public void close() {
        workspace.git().removeWorktree(workspace.repo(), wt);
    }

    private Executor.Request request(String command, String name) {
        return new Executor.Request(command, wt, Duration.ofSeconds(spec.evaluate().timeoutSeconds()),
                Map.of("HELIX_TIME_BUDGET", Integer.toString(spec.evaluate().timeoutSeconds()), "HELIX_EXPERIMENT", Integer.toString(run),
                        "HELIX_TAG", tag),
                workspace.helixDir().resolve("runs").resolve(tag).resolve(run + "." + name + ".log"));
    }
}
