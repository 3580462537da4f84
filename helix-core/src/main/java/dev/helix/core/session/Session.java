package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Verdict;
import dev.helix.core.metric.Extraction;
import dev.helix.core.metric.MetricExtractor;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.Executor;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.port.Vcs;
import dev.helix.core.port.Workspace;
import dev.helix.core.scope.ScopeGuard;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * One run of the ratchet loop: baseline, then propose, scope guard, commit, evaluate, judge,
 * keep or restore the best, record; until a limit or a stop request.
 *
 * <p>The ledger is the truth. A record is appended (durably) before the branch moves, and on
 * resume the branch and the worktree are put back to the best the ledger names, so a kill at any
 * point loses no recorded experiment and records none twice: a half-done experiment left no
 * record and is simply done again.
 */
public final class Session {

    /** The outside world, through the core's ports. */
    public record Ports(Vcs vcs, Executor executor, Proposer proposer, LedgerStore ledger,
                       Workspace workspace, Clock clock, Events events) {}

    /**
     * What to run.
     *
     * @param repo the user's repository root (logs are recorded relative to it)
     * @param worktree the session's worktree, present, detached at {@code start} or at the best
     * @param branchRef the session branch, e.g. refs/heads/helix/nov23; it only ever points at the best
     * @param start the commit the baseline measures (used when the tag has no record yet)
     * @param specFile the spec's path relative to the worktree (protected from edits)
     * @param logDir where evaluation logs go (.helix/runs/&lt;tag&gt;)
     * @param maxExperiments stop once this many experiments after the baseline are recorded
     * @param maxTime stop starting new experiments after this long
     * @param sessionId set as HELIX_SESSION for every evaluation, so strays can be found
     * @param maxCost stop once the proposers' reported spend in this session reaches this many USD
     * @param redact removes secrets from everything recorded
     */
    public record Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                       String specFile, String program, Path logDir, OptionalInt maxExperiments,
                       Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                       UnaryOperator<String> redact) {}

    public enum StopReason {
        MAX_EXPERIMENTS("reached --max-experiments"),
        MAX_TIME("reached --max-time"),
        MAX_COST("reached --max-cost"),
        INTERRUPTED("interrupted"),
        EXHAUSTED("the proposer has nothing left to try"),
        SETUP_FAILED("evaluate.setup failed"),
        BASELINE_CRASHED("the baseline crashed");

        public final String text;

        StopReason(String text) {
            this.text = text;
        }
    }

    /** How a run ended, and the session's records (all of them, not only this run's). */
    public record Outcome(StopReason reason, String detail, List<Experiment> experiments) {
        public Optional<Experiment> baseline() {
            return Records.baseline(experiments);
        }

        public Optional<Experiment> best() {
            return Records.best(experiments);
        }
    }

    private enum Phase { IDLE, PROPOSING, EVALUATING }

    private static final int CRASH_TAIL_LINES = 30;

    private final Ports ports;
    private final Plan plan;
    private final Object lock = new Object();
    private volatile boolean stopRequested;
    private Phase phase = Phase.IDLE;
    private Thread loopThread;

    public Session(Ports ports, Plan plan) {
        this.ports = ports;
        this.plan = plan;
    }

    /**
     * Asks the loop to stop: a running proposal or evaluation is cut short (its process killed) and
     * recorded as interrupted; otherwise the loop stops before the next experiment. Safe from any
     * thread (a signal handler).
     */
    public void requestStop() {
        synchronized (lock) {
            stopRequested = true;
            if (phase != Phase.IDLE && loopThread != null) loopThread.interrupt();
        }
    }

    /** Runs the loop on the calling thread until a limit, a stop request or the end of ideas. */
    public Outcome run() {
        loopThread = Thread.currentThread();
        long startNanos = ports.clock().nanos();
        List<Experiment> records = new ArrayList<>(ports.ledger().read().ofTag(plan.tag()));
        Spec spec = plan.spec();
        boolean resumed = !records.isEmpty();
        int next = records.stream().mapToInt(Experiment::run).max().orElse(-1) + 1;
        ports.events().emit(new Event.SessionStarted(plan.tag(), branchName(), plan.worktree(), resumed, next));

        String startCommit = Records.best(records).map(Experiment::commit).orElse(plan.start());
        ports.vcs().reset(plan.worktree(), startCommit, List.of());
        if (resumed) ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);

        if (spec.evaluate().setup().isPresent()) {
            Executor.Result setup = evaluate(spec.evaluate().setup().get(), plan.logDir().resolve("setup.log"), "setup");
            ports.events().emit(new Event.SetupFinished(setup.exitCode(), setup.seconds()));
            if (setup.interrupted()) return new Outcome(StopReason.INTERRUPTED, "during evaluate.setup", records);
            if (setup.exitCode() != 0) {
                return new Outcome(StopReason.SETUP_FAILED, failure(setup) + "\n" + setup.tail(CRASH_TAIL_LINES), records);
            }
        }

        Set<String> tracked = new TreeSet<>(ports.vcs().trackedFiles(plan.worktree()));
        Set<String> guarded = new TreeSet<>(ScopeGuard.protectedFiles(spec, plan.specFile(), tracked));
        guarded.addAll(ScopeGuard.readonlyFiles(spec, tracked));
        Map<String, String> guardedHashes = ports.vcs().hashes(plan.worktree(), guarded);

        if (Records.baseline(records).isEmpty()) {
            if (!records.isEmpty()) {
                return new Outcome(StopReason.BASELINE_CRASHED, "run 0 of " + plan.tag() + " is "
                        + records.get(0).status().word() + ": " + records.get(0).reason(), records);
            }
            Optional<Experiment> baseline = baseline(startCommit);
            if (baseline.isEmpty()) return new Outcome(StopReason.INTERRUPTED, "during the baseline", records);
            records.add(baseline.get());
            if (baseline.get().status() != Status.BASELINE) {
                return new Outcome(StopReason.BASELINE_CRASHED, baseline.get().reason(), records);
            }
            ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);
            next = 1;
        }

        while (true) {
            if (stopRequested) return new Outcome(StopReason.INTERRUPTED, "", records);
            if (plan.maxExperiments().isPresent() && next > plan.maxExperiments().getAsInt()) {
                return new Outcome(StopReason.MAX_EXPERIMENTS, "", records);
            }
            if (plan.maxTime().isPresent()
                    && Duration.ofNanos(ports.clock().nanos() - startNanos).compareTo(plan.maxTime().get()) >= 0) {
                return new Outcome(StopReason.MAX_TIME, "", records);
            }
            if (plan.maxCost().isPresent() && Records.cost(records) >= plan.maxCost().get()) {
                return new Outcome(StopReason.MAX_COST, "spent " + Judge.fmt(Records.cost(records)) + " USD", records);
            }
            Step step = experiment(next, records, guarded, guardedHashes);
            if (step == Step.EXHAUSTED) return new Outcome(StopReason.EXHAUSTED, lastExhaustion, records);
            if (next % 10 == 0) ports.events().emit(Records.summary(records));
            if (step == Step.INTERRUPTED) return new Outcome(StopReason.INTERRUPTED, "", records);
            next++;
        }
    }

    private enum Step { DONE, EXHAUSTED, INTERRUPTED }

    private String lastExhaustion = "";

    /** Measures the unchanged code; empty when interrupted (it is then redone on resume). */
    private Optional<Experiment> baseline(String commit) {
        Draft draft = new Draft(0, plan.tag(), 0, commit, ports.clock().now());
        draft.commit = commit;
        draft.description = "baseline";
        ports.vcs().updateRef(plan.repo(), experimentRef(0, 0), commit);
        ports.events().emit(new Event.ExperimentStarted(plan.tag(), 0));
        Executor.Result result = evaluateExperiment(draft);
        if (result.interrupted()) return Optional.empty();
        Extraction extraction = extract(result);
        draft.metrics = extraction.metrics();
        Optional<String> crash = crashReason(result, extraction);
        Experiment record = crash
                .map(reason -> draft.finish(Status.CRASH, reason, primaryName(), Optional.empty(), Optional.empty(), ports.clock().now()))
                .orElseGet(() -> draft.finish(Status.BASELINE, "the unchanged code", primaryName(), Optional.empty(),
                        Optional.empty(), ports.clock().now()));
        record = append(record);
        ports.events().emit(new Event.ExperimentFinished(record, record, record));
        return Optional.of(record);
    }

    /**
     * One experiment: a proposal and its verdict, then, after a crash, up to
     * {@code agent.max_fix_attempts} fix-ups of the crashed code by the same proposer, each recorded
     * as an attempt of the same run. Every attempt is recorded and reported as it ends.
     */
    private Step experiment(int run, List<Experiment> records, Set<String> guarded, Map<String, String> guardedHashes) {
        Experiment best = Records.best(records).orElseThrow();
        int fixes = ports.proposer().fixesCrashes() ? plan.spec().agent().maxFixAttempts() : 0;
        String from = best.commit();
        Optional<String> crashTail = Optional.empty();
        for (int attempt = 0; attempt <= fixes; attempt++) {
            Optional<Experiment> done = attempt(run, attempt, from, crashTail, records, guarded, guardedHashes);
            if (done.isEmpty()) return Step.EXHAUSTED;
            Experiment e = done.get();
            records.add(e);
            ports.events().emit(new Event.ExperimentFinished(e, Records.best(records).orElseThrow(),
                    Records.baseline(records).orElseThrow()));
            if (e.status() == Status.INTERRUPTED) return Step.INTERRUPTED;
            if (e.status() != Status.CRASH || e.commit().isEmpty() || attempt == fixes || stopRequested) break;
            from = e.commit();
            crashTail = e.logTail();
        }
        ports.vcs().reset(plan.worktree(), Records.best(records).orElseThrow().commit(), List.of());
        return Step.DONE;
    }

    /**
     * One attempt, recorded in the ledger; empty when the proposer is exhausted (nothing recorded).
     * The worktree starts at {@code from}: the best, or for a fix-up the crashed attempt. It is
     * left at the attempt's commit after a keep or a crash, and back at the best otherwise.
     */
    private Optional<Experiment> attempt(int run, int attempt, String from, Optional<String> crashTail,
                                         List<Experiment> records, Set<String> guarded, Map<String, String> guardedHashes) {
        Experiment best = Records.best(records).orElseThrow();
        Experiment baseline = Records.baseline(records).orElseThrow();
        Path wt = plan.worktree();
        Draft draft = new Draft(run, plan.tag(), 0, from, ports.clock().now());
        draft.attempt = attempt;
        ports.events().emit(new Event.ExperimentStarted(plan.tag(), run));

        Set<String> trackedAtParent = new HashSet<>(ports.vcs().trackedFiles(wt));
        Map<String, String> before = ports.vcs().snapshot(wt);
        Proposal proposal;
        enter(Phase.PROPOSING);
        try {
            proposal = ports.proposer().propose(new Proposer.Request(run, plan.tag(), plan.spec(), plan.program(), wt,
                    baseline, best, records, crashTail));
        } catch (InterruptedException e) {
            proposal = null;
        } finally {
            leave();
        }
        List<String> changed = changed(before, ports.vcs().snapshot(wt));
        List<String> created = changed.stream().filter(p -> !before.containsKey(p) && !trackedAtParent.contains(p)).toList();
        if (proposal == null || stopRequested) {
            if (proposal != null) describe(draft, proposal);
            ports.vcs().reset(wt, best.commit(), created);
            return Optional.of(record(draft, Status.INTERRUPTED, "stopped while the proposer was working"));
        }
        describe(draft, proposal);
        switch (proposal) {
            case Proposal.Exhausted exhausted -> {
                ports.vcs().reset(wt, best.commit(), created);
                lastExhaustion = exhausted.reason();
                return Optional.empty();
            }
            case Proposal.Failure failure -> {
                ports.vcs().reset(wt, best.commit(), created);
                draft.paths = changed;
                return Optional.of(record(draft, Status.REJECTED, "the proposer failed: " + failure.reason()));
            }
            case Proposal.Change change -> ports.events().emit(new Event.Proposed(run, draft.description));
        }

        List<ScopeGuard.Violation> violations = new ArrayList<>(ScopeGuard.check(changed, plan.spec().scope(), guarded));
        for (ScopeGuard.Violation v : ScopeGuard.tampered(guardedHashes, ports.vcs().hashes(wt, guarded))) {
            if (violations.stream().noneMatch(x -> x.path().equals(v.path()))) violations.add(v);
        }
        if (!violations.isEmpty()) {
            ports.vcs().reset(wt, best.commit(), created);
            draft.paths = violations.stream().map(ScopeGuard.Violation::path).toList();
            return Optional.of(record(draft, Status.REJECTED, "changed files out of scope: "
                    + String.join(", ", violations.stream().map(ScopeGuard.Violation::render).toList())));
        }
        if (changed.isEmpty()) {
            ports.vcs().reset(wt, best.commit(), List.of());
            return Optional.of(record(draft, Status.REJECTED, "the proposer changed no file"));
        }

        String label = attempt == 0 ? "#" + run : "#" + run + " fix " + attempt;
        draft.commit = ports.vcs().commit(wt, changed, "helix(" + plan.tag() + label + "): " + draft.description);
        ports.vcs().updateRef(plan.repo(), experimentRef(run, attempt), draft.commit);
        draft.diff = ports.vcs().diffStat(wt, best.commit(), draft.commit);
        if (stopRequested) {
            ports.vcs().reset(wt, best.commit(), List.of());
            return Optional.of(record(draft, Status.INTERRUPTED, "stopped before the evaluation"));
        }
        ports.events().emit(new Event.Evaluating(run, draft.commit));
        Executor.Result result = evaluateExperiment(draft);
        if (result.interrupted()) {
            ports.vcs().reset(wt, best.commit(), List.of());
            draft.logTail = Optional.of(result.tail(CRASH_TAIL_LINES));
            return Optional.of(record(draft, Status.INTERRUPTED, "stopped during the evaluation (its processes were killed)"));
        }
        Extraction extraction = extract(result);
        draft.metrics = extraction.metrics();
        Optional<String> crash = crashReason(result, extraction);
        Verdict verdict = crash.map(reason -> new Verdict(Status.CRASH, reason, Optional.<Double>empty(), Optional.<Double>empty()))
                .orElseGet(() -> Judge.judge(draft.metrics, best.metrics(), draft.diff, plan.spec()));
        if (verdict.status() == Status.CRASH) draft.logTail = Optional.of(result.tail(CRASH_TAIL_LINES));
        Experiment record = append(draft.finish(verdict.status(), verdict.reason(), primaryName(), verdict.delta(),
                verdict.deltaPct(), ports.clock().now()));
        if (verdict.status() == Status.KEEP) {
            ports.vcs().updateRef(plan.repo(), plan.branchRef(), draft.commit);
        } else if (verdict.status() != Status.CRASH) {
            ports.vcs().reset(wt, best.commit(), List.of());
        }
        return Optional.of(record);
    }

    private Experiment record(Draft draft, Status status, String reason) {
        return append(draft.finish(status, reason, primaryName(), Optional.empty(), Optional.empty(), ports.clock().now()));
    }

    /** Appends a record, secrets removed; durable when this returns. */
    private Experiment append(Experiment e) {
        UnaryOperator<String> r = plan.redact();
        Experiment clean = new Experiment(e.run(), e.tag(), e.worker(), e.parent(), e.commit(), e.status(), e.metrics(),
                e.primary(), e.delta(), e.deltaPct(), r.apply(e.description()), e.hypothesis().map(r), r.apply(e.reason()),
                e.samples(), e.startedAt(), e.finishedAt(), e.evalSeconds(), e.exitCode(), e.timedOut(), e.log(), e.diff(),
                e.agent(), e.paths(), e.logTail().map(r), e.attempt(), e.incumbentSamples(), e.evidence(), e.noise());
        ports.ledger().append(clean);
        return clean;
    }

    private static void describe(Draft draft, Proposal proposal) {
        draft.agent = Optional.of(proposal.usage());
        if (proposal instanceof Proposal.Change change) {
            draft.description = oneLine(change.description());
            draft.hypothesis = change.hypothesis();
        }
    }

    private Executor.Result evaluateExperiment(Draft draft) {
        Path log = plan.logDir().resolve(draft.run + ".log");
        draft.log = plan.repo().relativize(log).toString().replace('\\', '/');
        Executor.Result result = evaluate(plan.spec().evaluate().command(), log, Integer.toString(draft.run));
        draft.evalSeconds = result.seconds();
        draft.exitCode = result.exitCode() >= 0 ? Optional.of(result.exitCode()) : Optional.empty();
        draft.timedOut = result.timedOut();
        return result;
    }

    private Executor.Result evaluate(String command, Path log, String experiment) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HELIX_TIME_BUDGET", Integer.toString(plan.spec().evaluate().timeoutSeconds()));
        env.put("HELIX_EXPERIMENT", experiment);
        env.put("HELIX_TAG", plan.tag());
        env.put("HELIX_SESSION", plan.sessionId());
        enter(Phase.EVALUATING);
        try {
            return ports.executor().run(new Executor.Request(command, plan.worktree(),
                    Duration.ofSeconds(plan.spec().evaluate().timeoutSeconds()), env, log));
        } finally {
            leave();
        }
    }

    private Extraction extract(Executor.Result result) {
        Optional<String> json = plan.spec().evaluate().jsonFile()
                .flatMap(f -> ports.workspace().read(plan.worktree().resolve(f)));
        return MetricExtractor.extract(plan.spec(), result.output(), json);
    }

    private Optional<String> crashReason(Executor.Result result, Extraction extraction) {
        if (result.timedOut()) {
            return Optional.of("timed out after " + plan.spec().evaluate().timeoutSeconds() + "s (evaluate.timeout_seconds)");
        }
        if (result.exitCode() != 0) return Optional.of(failure(result));
        Double primary = extraction.metrics().get(primaryName());
        if (primary == null || !Double.isFinite(primary)) {
            String problems = String.join("; ", extraction.problems());
            return Optional.of(problems.isEmpty() ? primaryName() + " is " + primary : problems);
        }
        return Optional.empty();
    }

    private static String failure(Executor.Result result) {
        if (result.timedOut()) return "timed out";
        if (!result.error().isEmpty()) return "could not start: " + result.error();
        return "exit code " + result.exitCode();
    }

    private void enter(Phase p) {
        synchronized (lock) {
            phase = p;
            if (stopRequested) Thread.currentThread().interrupt();
        }
    }

    /** Leaves a blocking phase; clears an interrupt meant for it so it cannot hit git or the ledger. */
    private void leave() {
        synchronized (lock) {
            phase = Phase.IDLE;
            Thread.interrupted();
        }
    }

    private static List<String> changed(Map<String, String> before, Map<String, String> after) {
        Set<String> paths = new TreeSet<>(before.keySet());
        paths.addAll(after.keySet());
        return paths.stream().filter(p -> !java.util.Objects.equals(before.get(p), after.get(p))).toList();
    }

    private static String oneLine(String text) {
        String line = text.strip().lines().findFirst().orElse("").strip();
        return line.isEmpty() ? "(no description)" : line;
    }

    private String primaryName() {
        return plan.spec().metrics().primary().name();
    }

    private String branchName() {
        return plan.branchRef().replaceFirst("^refs/heads/", "");
    }

    /** refs/helix/&lt;tag&gt;/&lt;run&gt;, and refs/helix/&lt;tag&gt;/&lt;run&gt;-fix&lt;k&gt; for fix-ups. */
    private String experimentRef(int run, int attempt) {
        return "refs/helix/" + plan.tag() + "/" + run + (attempt == 0 ? "" : "-fix" + attempt);
    }
}
