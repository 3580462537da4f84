package dev.helix.app.holdout;

import dev.helix.adapters.Executors;
import dev.helix.adapters.git.HiddenFiles;
import dev.helix.app.AppException;
import dev.helix.app.OwnedDirectory;
import dev.helix.app.Workspace;
import dev.helix.core.experiment.HoldoutReading;
import dev.helix.app.measure.MeasuredRun;
import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Executor;
import dev.helix.core.port.MeasurementLock;
import dev.helix.core.port.Repository;
import dev.helix.core.scope.Glob;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Holdout;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The held-out evaluation of one commit (evaluate.holdout): a worktree of the commit in a private
 * temporary directory outside the repository, the hidden files copied in, the hold-out command run
 * there on this machine, its primary metric read as the evaluation's is; then the directory is
 * deleted. The proposer's worktree never holds a hidden file, and the hold-out's output is never
 * kept (it may quote held-out data): only the values, or a short reason, are.
 */
public final class HoldoutRun {
    private final Path repo;
    private final Repository git;
    private final Spec spec;
    private final Holdout holdout;
    private final Executor executor;
    /** The measurement lock its runs hold themselves; empty where the caller holds it when it should (a session's workers). */
    private final Optional<MeasurementLock> lock;

    private HoldoutRun(Path repo, Repository git, Spec spec, Holdout holdout, Optional<MeasurementLock> lock) {
        this.repo = repo;
        this.git = git;
        this.spec = spec;
        this.holdout = holdout;
        this.lock = lock;
        // Local on purpose: the private directory is on this machine, not on a cluster's shared disk.
        this.executor = Executors.forSpec(spec.withRun(spec.run().withExecutor("local")));
    }

    /**
     * The hold-out of {@code spec} in {@code workspace}, for a session's ledger: its workers hold the
     * measurement lock around it under run.isolation: exclusive. Empty when the spec has none.
     */
    public static Optional<HoldoutRun> of(Workspace workspace, Spec spec) {
        return spec.evaluate().holdout().map(h -> new HoldoutRun(workspace.repo(), workspace.git(), spec, h, Optional.empty()));
    }

    /**
     * The hold-out of {@code spec}, its runs holding the repository's measurement lock whatever the
     * isolation: for commands that measure beside any session (try, finalize), as verify does.
     */
    public static Optional<HoldoutRun> alone(Workspace workspace, Spec spec) {
        return spec.evaluate().holdout().map(h -> new HoldoutRun(workspace.repo(), workspace.git(), spec, h,
                Optional.of(MeasuredRun.repositoryLock(workspace))));
    }

    /** How often the baseline's hold-out is measured (evaluate.holdout.repeats). */
    public int baselineRepeats() {
        return holdout.repeats();
    }

    /**
     * Fails (usage) when a hidden file is tracked in {@code checkout}, or from_dir is inside the
     * repository: the proposer could then read the held-out data where it works.
     */
    public void checkHidden(Path checkout) {
        if (holdout.source() instanceof Holdout.Directory d && HiddenFiles.directory(repo, d).startsWith(repo.toAbsolutePath().normalize())) {
            throw AppException.usage("hidden_inside", "evaluate.holdout.from_dir " + d.path() + " is inside the repository, "
                    + "where the proposer's worktree and git can reach it", "move the held-out files to a directory outside the repository, e.g. ../heldout");
        }
        List<String> tracked = git.trackedFiles(checkout).stream().filter(p -> Glob.any(holdout.hidden(), p)).toList();
        if (!tracked.isEmpty()) {
            throw AppException.usage("hidden_tracked", "scope.hidden matches files the proposer's worktree holds: "
                            + String.join(", ", tracked.subList(0, Math.min(5, tracked.size()))) + (tracked.size() > 5 ? ", ..." : ""),
                    "remove them from the branch (git rm --cached) and keep them in evaluate.holdout.from_dir or from_ref instead");
        }
    }

    /** Runs the hold-out {@code times} times on {@code commit}; a failure is a reading without values, saying why. */
    public HoldoutReading measure(String commit, int times) {
        if (Thread.currentThread().isInterrupted()) return HoldoutReading.failed("stopped before the hold-out run");
        HoldoutHomes.removeStale(repo, git); // what a killed hold-out run of this repository left
        Path home;
        try {
            home = HoldoutHomes.create(repo); // mode 0700: no other user reads it
        } catch (IOException e) {
            return HoldoutReading.failed("cannot create a private directory: " + e.getMessage());
        }
        Path wt = home.resolve("worktree");
        HoldoutReading reading;
        try {
            git.addWorktree(repo, wt, commit);
            new HiddenFiles().copy(repo, holdout.source(), holdout.hidden(), wt);
            reading = runs(wt, home.resolve("holdout.log"), times);
        } catch (RuntimeException e) {
            reading = HoldoutReading.failed(e.getMessage());
        }
        // A stop that cut the run short must not cut short the cleanup's git call too.
        boolean stopped = Thread.interrupted();
        try {
            git.forgetWorktree(repo, wt);
        } catch (RuntimeException e) {
            // best effort, as the directory below: the reading is what counts
        } finally {
            if (stopped) Thread.currentThread().interrupt();
        }
        // best effort: a reading is never lost to a cleanup; what stays keeps its marker for removeStale
        OwnedDirectory.HOLDOUT_HOME.delete(home);
        return reading;
    }

    private HoldoutReading runs(Path wt, Path log, int times) {
        String primary = spec.metrics().primary().name();
        MeasuredRun run = MeasuredRun.of(executor, spec, holdout.command(), wt, Duration.ofSeconds(holdout.timeoutSeconds()), log)
                .withEnv(Map.of("HELIX_HOLDOUT", "1")).withUnset(Secrets.hiddenFromEvaluation(spec));
        return switch (lock.map(run::holding).orElse(run).measure(times)) {
            case MeasuredRun.Samples s -> HoldoutReading.of(s.values());
            case MeasuredRun.Failed f -> HoldoutReading.failed(switch (f.failure()) {
                case STOPPED -> "stopped during the hold-out run";
                case STALE_FILE -> "cannot remove the last run's metric file";
                case TIMED_OUT -> "timed out after " + holdout.timeoutSeconds() + "s (evaluate.holdout.timeout_seconds)";
                case EXITED -> "the hold-out command failed: exit code " + f.result().exitCode();
                case NO_METRIC -> "the hold-out command " + (MetricFile.used(spec) ? "wrote" : "printed") + " no finite " + primary
                        + (f.problems().isEmpty() ? "" : " (" + String.join("; ", f.problems()) + ")");
            });
        };
    }
}
