package dev.helix.core.session;

import dev.helix.core.metric.Extraction;
import dev.helix.core.metric.MetricExtractor;
import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Executor;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Checks;
import dev.helix.core.spec.Slot;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Runs a session's commands in a worker's worktree, and reads one sample (metrics, or why it is a crash) from an evaluation. */
final class Evaluation {
    static final int CRASH_TAIL_LINES = 30;

    /**
     * One evaluation: its result, its metrics, and why it counts as a crash (if it does).
     *
     * @param log its log, relative to the repository
     * @param slot where it ran, when the session records that
     */
    record Sample(Executor.Result result, Map<String, Double> metrics, Optional<String> crash, String log,
                  Optional<String> slot) {
        double primary(String name) {
            return metrics.get(name);
        }
    }

    private final Session session;
    private final Spec spec;

    Evaluation(Session session) {
        this.session = session;
        this.spec = session.plan().spec();
    }

    /** Evaluates the worktree as it is, logging to &lt;run&gt;[-&lt;attempt&gt;]&lt;suffix&gt;.log. */
    Sample sample(Worker w, int run, int attempt, String suffix) {
        Plan plan = session.plan();
        Path log = plan.logDir().resolve(run + (attempt > 0 ? "-" + attempt : "") + suffix + ".log");
        String relative = plan.repo().relativize(log).toString().replace('\\', '/');
        Optional<Path> metricFile = MetricFile.used(spec) ? Optional.of(MetricFile.beside(log)) : Optional.empty();
        // A file left there (by an earlier attempt, or planted) must not pass for this evaluation's.
        metricFile.ifPresent(f -> session.ports().resultFiles().remove(f));
        Executor.Result result = run(w, spec.evaluate().command(), log, Integer.toString(run),
                metricFile.map(f -> Map.of(MetricFile.VARIABLE, f.toAbsolutePath().toString())).orElse(Map.of()));
        Slot slot = w.slot;
        Optional<String> where = slot != null && (plan.lanes().size() > 1 || !spec.run().slots().isEmpty())
                ? Optional.of(slot.label()) : Optional.empty();
        if (result.interrupted()) return new Sample(result, Map.of(), Optional.empty(), relative, where);
        Extraction extraction = metricFile.isPresent()
                ? MetricFile.extract(spec, session.ports().resultFiles().read(metricFile.get()))
                : extract(w, result);
        if (spec.evaluate().metricCommand().isPresent() && result.exitCode() == 0 && !result.timedOut()) {
            Path metricLog = plan.logDir().resolve(run + (attempt > 0 ? "-" + attempt : "") + suffix + ".metric.log");
            Executor.Result parsed = run(w, spec.evaluate().metricCommand().get(), metricLog, Integer.toString(run),
                    Map.of("HELIX_LOG", log.toAbsolutePath().toString()));
            if (parsed.interrupted()) return new Sample(parsed, Map.of(), Optional.empty(), relative, where);
            extraction = MetricExtractor.withCommandOutput(spec, extraction, parsed.timedOut() ? -1 : parsed.exitCode(), parsed.output());
        }
        return new Sample(result, extraction.metrics(), crashReason(result, extraction), relative, where);
    }

    /** Runs a command in the worker's worktree, in the slot it holds (if any); a stop request kills it. */
    Executor.Result run(Worker w, String command, Path log, String experiment) {
        return run(w, command, log, experiment, Map.of());
    }

    /** A run of evaluate.checks, and its log relative to the repository. */
    record Checked(Executor.Result result, String log) {}

    /** Runs evaluate.checks in the worker's worktree as it is, under their own timeout, logging to &lt;run&gt;[-&lt;attempt&gt;].checks.log. */
    Checked checks(Worker w, int run, int attempt) {
        Checks checks = spec.evaluate().checks().orElseThrow();
        Path log = session.plan().logDir().resolve(run + (attempt > 0 ? "-" + attempt : "") + ".checks.log");
        Executor.Result result = run(w, checks.command(), log, Integer.toString(run), Map.of(), checks.timeoutSeconds());
        return new Checked(result, session.plan().repo().relativize(log).toString().replace('\\', '/'));
    }

    private Executor.Result run(Worker w, String command, Path log, String experiment, Map<String, String> extra) {
        return run(w, command, log, experiment, extra, spec.evaluate().timeoutSeconds());
    }

    private Executor.Result run(Worker w, String command, Path log, String experiment, Map<String, String> extra, int seconds) {
        Plan plan = session.plan();
        Map<String, String> env = new LinkedHashMap<>(extra);
        env.put("HELIX_TIME_BUDGET", Integer.toString(seconds));
        env.put("HELIX_EXPERIMENT", experiment);
        env.put("HELIX_TAG", plan.tag());
        env.put("HELIX_SESSION", plan.sessionId());
        env.put("HELIX_WORKER", Integer.toString(w.id()));
        Slot slot = w.slot;
        if (slot != null) {
            env.put("HELIX_SLOT", Integer.toString(slot.index()));
            slot.gpus().ifPresent(g -> env.put("CUDA_VISIBLE_DEVICES", g));
        }
        session.workers().enter(w);
        // An evaluation may rewrite tracked files (a lock file, a result): the worktree needs a reset before reuse.
        w.head = "";
        try {
            return session.ports().executor().run(new Executor.Request(command, w.worktree(),
                    Duration.ofSeconds(seconds), env, log,
                    slot == null ? Optional.empty() : slot.cpus(), Secrets.hiddenFromEvaluation(spec)));
        } finally {
            session.workers().leave(w);
        }
    }

    private Extraction extract(Worker w, Executor.Result result) {
        Optional<String> json = spec.evaluate().jsonFile()
                .flatMap(f -> session.ports().resultFiles().read(w.worktree().resolve(f)));
        return MetricExtractor.extract(spec, result.output(), json);
    }

    private Optional<String> crashReason(Executor.Result result, Extraction extraction) {
        if (result.timedOut()) {
            return Optional.of("timed out after " + spec.evaluate().timeoutSeconds() + "s (evaluate.timeout_seconds)");
        }
        if (result.exitCode() != 0) return Optional.of(failure(result));
        String primaryName = spec.metrics().primary().name();
        Double primary = extraction.metrics().get(primaryName);
        if (primary == null || !Double.isFinite(primary)) {
            String problems = String.join("; ", extraction.problems());
            return Optional.of(problems.isEmpty() ? primaryName + " is " + primary : problems);
        }
        return Optional.empty();
    }

    /** Why a command failed, in a few words. */
    static String failure(Executor.Result result) {
        if (result.timedOut()) return "timed out";
        // An executor names what ended the job itself ("slurm: OUT_OF_MEMORY"); otherwise it never started.
        if (!result.error().isEmpty()) return result.error().startsWith("slurm: ") ? result.error() : "could not start: " + result.error();
        return "exit code " + result.exitCode();
    }
}
