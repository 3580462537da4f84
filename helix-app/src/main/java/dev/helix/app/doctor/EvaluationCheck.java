package dev.helix.app.doctor;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.app.measure.ChecksRun;
import dev.helix.app.measure.MeasuredRun;
import dev.helix.core.judge.Judge;
import dev.helix.core.metric.Extraction;
import dev.helix.core.metric.MetricExtractor;
import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Executor;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The doctor's two checks of the evaluation: that it runs within its timeout (once, in a throwaway
 * worktree under {@code .helix/doctor/}, with the user's spec and program.md carried in), and that
 * the metrics parse from what it printed.
 */
final class EvaluationCheck {
    private final Repository vcs;
    private final Path repo;
    private final Spec spec;
    private final Path specFile;
    private final Doctor.Options options;
    private Executor.Result evaluation;
    private Extraction extraction;

    EvaluationCheck(Repository vcs, Path repo, Spec spec, Path specFile, Doctor.Options options) {
        this.vcs = vcs;
        this.repo = repo;
        this.spec = spec;
        this.specFile = specFile;
        this.options = options;
    }

    /** The evaluate.metric_command's run after the evaluation, when the spec has one. */
    private Executor.Result metricRun;
    /** The evaluate.checks' run on the unchanged code, when the spec has them. */
    private ChecksRun checksRun;

    Check evaluationRuns() {
        String title = "Evaluation runs within its timeout";
        if (options.quick()) return Check.skip("evaluate_runs", title, "skipped (--quick)");
        Path doctorDir = repo.resolve(".helix").resolve("doctor");
        Path worktree = doctorDir.resolve("worktree-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
        int timeout = spec.evaluate().timeoutSeconds();
        Path log = doctorDir.resolve("evaluate.log");
        try {
            Files.createDirectories(doctorDir);
            vcs.excludeLocally(repo, ".helix/");
            vcs.addWorktree(repo, worktree, vcs.resolve(repo, "HEAD").orElseThrow());
            carry(worktree);
            Map<String, String> env = Map.of("HELIX_TIME_BUDGET", Integer.toString(timeout), "HELIX_EXPERIMENT", "doctor",
                    "HELIX_TAG", "doctor", "HELIX_SESSION", "helix-doctor-" + ProcessHandle.current().pid());
            LocalExecutor executor = new LocalExecutor();
            if (spec.evaluate().setup().isPresent()) {
                Executor.Result setup = executor.run(new Executor.Request(spec.evaluate().setup().get(), worktree,
                        Duration.ofSeconds(timeout), env, doctorDir.resolve("setup.log")));
                if (setup.exitCode() != 0) {
                    return Check.fail("evaluate_runs", title, "evaluate.setup " + failure(setup, timeout) + ": " + lastLine(setup),
                            "run it yourself in a clean checkout: " + spec.evaluate().setup().get() + " (log: .helix/doctor/setup.log)");
                }
            }
            // the evaluation's metric file or json_file is read at once, as a session reads it
            MeasuredRun.Sample sample = MeasuredRun.of(executor, spec, spec.evaluate().command(), worktree, Duration.ofSeconds(timeout), log)
                    .withEnv(env).once().orElseThrow(() -> new IOException("cannot remove " + MetricFile.beside(log)));
            Executor.Result r = sample.result();
            if (spec.evaluate().checks().isPresent()) {
                checksRun = ChecksRun.run(executor, spec.evaluate().checks().get(), worktree, env, doctorDir.resolve("checks.log"), Set.of());
            }
            if (r.exitCode() != 0) {
                Optional<String> module = r.timedOut() ? Optional.empty() : Interpreters.missingModule(r.output());
                return Check.fail("evaluate_runs", title, "the evaluation " + failure(r, timeout) + ": " + lastLine(r),
                        r.timedOut() ? "raise evaluate.timeout_seconds or make the evaluation faster"
                                : module.isPresent() ? Interpreters.advice(module.get(), repo, System.getenv())
                                : "run it yourself in a clean checkout: " + spec.evaluate().command() + " (log: .helix/doctor/evaluate.log)");
            }
            evaluation = r;
            if (spec.evaluate().metricCommand().isPresent()) {
                // run where a session runs it: in the worktree, after the evaluation, with the log at hand
                Map<String, String> withLog = new java.util.HashMap<>(env);
                withLog.put("HELIX_LOG", log.toAbsolutePath().toString());
                metricRun = executor.run(new Executor.Request(spec.evaluate().metricCommand().get(), worktree,
                        Duration.ofSeconds(timeout), withLog, doctorDir.resolve("metric.log")));
            }
            extraction = sample.extraction();
            String took = String.format(Locale.ROOT, "%.1fs of its %ds timeout", r.seconds(), timeout);
            if (r.seconds() > 0.8 * timeout) {
                return Check.warn("evaluate_runs", title, "ran in " + took + ": a slightly slower change would crash",
                        "raise evaluate.timeout_seconds, or make the evaluation faster");
            }
            return Check.pass("evaluate_runs", title, "ran in " + took + " (in a throwaway worktree)");
        } catch (IOException | UncheckedIOException | Vcs.VcsException e) {
            return Check.fail("evaluate_runs", title, "could not prepare a worktree under .helix/doctor: " + e.getMessage(),
                    "check that .helix/ is writable and 'git worktree add' works here");
        } finally {
            removeWorktree(worktree);
        }
    }

    Check metricsParse() {
        String title = "Metrics parse from the output";
        if (evaluation == null) {
            return Check.skip("metrics_parse", title, options.quick() ? "skipped (--quick)" : "not checked: the evaluation did not run");
        }
        Extraction x = extraction;
        if (metricRun != null) {
            x = MetricExtractor.withCommandOutput(spec, x, metricRun.timedOut() ? -1 : metricRun.exitCode(), metricRun.output());
        }
        Double primary = x.metrics().get(spec.metrics().primary().name());
        List<String> problems = new ArrayList<>(x.problems());
        if (primary != null && !Double.isFinite(primary)) problems.add("metric '" + spec.metrics().primary().name() + "' is " + primary);
        if (!problems.isEmpty()) {
            return Check.fail("metrics_parse", title, String.join("; ", problems),
                    "make the evaluation print every metric, or fix evaluate.output_format/patterns (output: .helix/doctor/evaluate.log)");
        }
        List<String> values = new ArrayList<>();
        x.metrics().forEach((k, v) -> values.add(k + " = " + Judge.fmt(v)));
        return Check.pass("metrics_parse", title, String.join(", ", values));
    }

    /** Whether evaluate.checks pass on the unchanged code: a keep needs them to, so failing ones would discard every candidate. */
    Check checksPass() {
        String title = "Checks pass on the unchanged code";
        if (options.quick()) return Check.skip("checks_pass", title, "skipped (--quick)");
        if (checksRun == null) return Check.skip("checks_pass", title, "not checked: the evaluation's worktree could not be set up");
        dev.helix.core.spec.Checks checks = spec.evaluate().checks().orElseThrow();
        int timeout = checks.timeoutSeconds();
        Executor.Result ran = checksRun.result();
        if (!checksRun.verdict().passed()) {
            String what = ran.timedOut() ? "did not finish within evaluate.checks_timeout_seconds (" + timeout + "s)"
                    : failure(ran, timeout);
            return Check.fail("checks_pass", title, "evaluate.checks " + what + ": " + lastLine(ran),
                    ran.timedOut() ? "raise evaluate.checks_timeout_seconds, or make the checks faster"
                            : "every keep needs them to pass: fix the code or the command, and run it yourself: " + checks.command()
                            + " (log: .helix/doctor/checks.log)");
        }
        String took = String.format(Locale.ROOT, "%.1fs of their %ds timeout", ran.seconds(), timeout);
        if (ran.seconds() > 0.8 * timeout) {
            return Check.warn("checks_pass", title, "passed in " + took + ": slightly slower checks would fail every keep",
                    "raise evaluate.checks_timeout_seconds");
        }
        return Check.pass("checks_pass", title, "passed in " + took + "; they run for every candidate the judge would keep");
    }

    /** helix.yaml and program.md as they are in the user's copy, like a session carries them. */
    private void carry(Path worktree) throws IOException {
        for (Path source : new Path[] {specFile, repo.resolve("program.md")}) {
            if (source == null || !Files.isRegularFile(source)) continue;
            Path target = worktree.resolve(repo.relativize(source));
            Files.createDirectories(target.getParent());
            Files.copy(source, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void removeWorktree(Path worktree) {
        Probe.git(repo, "worktree", "remove", "--force", worktree.toString());
        if (Files.exists(worktree)) {
            try (Stream<Path> walk = Files.walk(worktree)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException e) {
                // Best effort: the directory is under .helix/ (ignored).
            }
            // Its registration only, now that its directory is gone: a prune would forget a user's unmounted worktree too.
            Probe.git(repo, "worktree", "remove", "--force", worktree.toString());
        }
    }

    private static String failure(Executor.Result r, int timeout) {
        if (r.timedOut()) return "did not finish within its timeout of " + timeout + "s";
        if (!r.error().isEmpty()) return "could not start (" + r.error() + ")";
        return "exited with code " + r.exitCode();
    }

    private static String lastLine(Executor.Result r) {
        String tail = r.tail(1).strip();
        return tail.isEmpty() ? "(no output)" : tail;
    }
}
