package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.experiment.Evidence;
import dev.helix.core.experiment.Noise;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.SequentialJudge;
import dev.helix.core.judge.SequentialTrial;
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
        remeasureAfterResume = resumed;

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

    /**
     * For {@code helix try}: measures the baseline of a session that has none (running
     * evaluate.setup first), in this session's worktree, which must hold the unchanged code.
     *
     * @return the baseline record, or empty when interrupted
     * @throws IllegalStateException when evaluate.setup fails, with its log's tail
     */
    public Optional<Experiment> measureBaseline() {
        loopThread = Thread.currentThread();
        plan.spec().evaluate().setup().ifPresent(command -> {
            Executor.Result setup = evaluate(command, plan.logDir().resolve("setup.log"), "setup");
            if (setup.exitCode() != 0) {
                throw new IllegalStateException("evaluate.setup failed (" + failure(setup) + "):\n" + setup.tail(CRASH_TAIL_LINES));
            }
        });
        Optional<Experiment> baseline = baseline(plan.start());
        baseline.filter(b -> b.status() == Status.BASELINE)
                .ifPresent(b -> ports.vcs().updateRef(plan.repo(), plan.branchRef(), b.commit()));
        return baseline;
    }

    /**
     * For {@code helix try}: judges the edits already in the worktree as the next experiment,
     * exactly as {@link #run} judges a proposal (scope guard, commit, evaluate, judge, keep or
     * restore the best, record). The proposer only describes the edits.
     *
     * @param before the worktree's state without the edits: what changed since is the experiment
     * @return the records appended, in order (more than one only if the proposer fixes crashes)
     */
    public List<Experiment> tryEdits(Map<String, String> before) {
        loopThread = Thread.currentThread();
        List<Experiment> records = new ArrayList<>(ports.ledger().read().ofTag(plan.tag()));
        if (Records.baseline(records).isEmpty()) throw new IllegalStateException("session " + plan.tag() + " has no baseline");
        Set<String> tracked = new TreeSet<>(ports.vcs().trackedFiles(plan.worktree()));
        Set<String> guarded = new TreeSet<>(ScopeGuard.protectedFiles(plan.spec(), plan.specFile(), tracked));
        guarded.addAll(ScopeGuard.readonlyFiles(plan.spec(), tracked));
        int known = records.size();
        int next = records.stream().mapToInt(Experiment::run).max().orElse(0) + 1;
        presetBefore = Map.copyOf(before);
        try {
            experiment(next, records, guarded, ports.vcs().hashes(plan.worktree(), guarded));
        } finally {
            presetBefore = null;
        }
        return List.copyOf(records.subList(known, records.size()));
    }

    /** For helix try: the state the edits are measured against, instead of a snapshot taken before proposing. */
    private Map<String, String> presetBefore;

    private String lastExhaustion = "";

    /** Measures the unchanged code; empty when interrupted (it is then redone on resume). */
    private Optional<Experiment> baseline(String commit) {
        Draft draft = new Draft(0, plan.tag(), 0, commit, ports.clock().now());
        draft.commit = commit;
        draft.description = "baseline";
        ports.vcs().updateRef(plan.repo(), experimentRef(0, 0), commit);
        ports.events().emit(new Event.ExperimentStarted(plan.tag(), 0));
        Experiment record;
        Measured m = measureRepeats(draft, plan.spec().evaluate().repeats());
        if (m == null) return Optional.empty();
        if (m.crash().isPresent()) {
            record = draft.finish(Status.CRASH, m.crash().get(), primaryName(), Optional.empty(), Optional.empty(), ports.clock().now());
        } else {
            draft.noise = Optional.of(Noise.of(draft.samples, chooseMode(draft.samples)));
            record = draft.finish(Status.BASELINE, "the unchanged code" + (draft.samples.size() > 1
                    ? ", measured " + draft.samples.size() + " times; " + draft.noise.get().render(Double.NaN) : ""),
                    primaryName(), Optional.empty(), Optional.empty(), ports.clock().now());
        }
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
        Map<String, String> before = presetBefore != null ? presetBefore : ports.vcs().snapshot(wt);
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
        Verdict verdict = statistical(records) ? judgeStatistically(draft, best, records, run) : judgeStrictly(draft, best);
        if (verdict == null) {
            ports.vcs().reset(wt, best.commit(), List.of());
            return Optional.of(record(draft, Status.INTERRUPTED, "stopped during the evaluation (its processes were killed)"));
        }
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
        switch (proposal) {
            case Proposal.Change change -> {
                draft.description = oneLine(change.description());
                draft.hypothesis = change.hypothesis();
            }
            case Proposal.Failure failure -> failure.description().ifPresent(d -> draft.description = oneLine(d));
            case Proposal.Exhausted ignored -> { }
        }
    }

    // ---- Measuring and judging: strict (one evaluation, or evaluate.repeats when the judge is set to
    // strict) and statistical (the sequential A/B protocol of SequentialTrial). See
    // docs/statistical-judge.md.

    /** One evaluation: its result, its metrics, and why it counts as a crash (if it does). */
    private record Sample(Executor.Result result, Map<String, Double> metrics, Optional<String> crash) {
        double primary(String name) {
            return metrics.get(name);
        }
    }

    /** Repeats measured: the crash, if any (empty when all went well). */
    private record Measured(Optional<String> crash) {}

    /** Whether the session judges statistically: as its baseline's noise says, else as the spec says. */
    private boolean statistical(List<Experiment> records) {
        return Records.baseline(records).flatMap(Experiment::noise).map(Noise::statistical)
                .orElse(plan.spec().judge().mode() == Spec.JudgeMode.STATISTICAL);
    }

    /** The judge mode for a baseline with these samples: auto is strict when they are all the same. */
    private String chooseMode(List<Double> samples) {
        return switch (plan.spec().judge().mode()) {
            case STRICT -> Noise.STRICT;
            case STATISTICAL -> Noise.STATISTICAL;
            case AUTO -> samples.stream().distinct().count() <= 1 ? Noise.STRICT : Noise.STATISTICAL;
        };
    }

    /** Evaluates the worktree as it is, logging to &lt;run&gt;&lt;suffix&gt;.log; accumulates time into the draft. */
    private Sample sample(Draft draft, String suffix) {
        Path log = plan.logDir().resolve(draft.run + suffix + ".log");
        String relative = plan.repo().relativize(log).toString().replace('\\', '/');
        if (draft.log.isEmpty()) draft.log = relative;
        Executor.Result result = evaluate(plan.spec().evaluate().command(), log, Integer.toString(draft.run));
        draft.evalSeconds += result.seconds();
        draft.exitCode = result.exitCode() >= 0 ? Optional.of(result.exitCode()) : Optional.empty();
        draft.timedOut = result.timedOut();
        if (result.interrupted()) {
            draft.logTail = Optional.of(result.tail(CRASH_TAIL_LINES));
            return new Sample(result, Map.of(), Optional.empty());
        }
        Extraction extraction = extract(result);
        Optional<String> crash = crashReason(result, extraction);
        if (crash.isPresent()) {
            draft.log = relative;
            draft.logTail = Optional.of(result.tail(CRASH_TAIL_LINES));
        }
        return new Sample(result, extraction.metrics(), crash);
    }

    /**
     * Measures the worktree {@code repeats} times (stopping at the first crash); the draft gets every
     * sample of the primary and the mean of every metric. Null when interrupted.
     */
    private Measured measureRepeats(Draft draft, int repeats) {
        List<Map<String, Double>> all = new ArrayList<>();
        for (int k = 1; k <= repeats; k++) {
            Sample s = sample(draft, k == 1 ? "" : "." + k);
            if (s.result().interrupted()) return null;
            if (s.crash().isPresent()) {
                draft.metrics = s.metrics();
                draft.samples = primaries(all);
                return new Measured(s.crash().map(c -> repeats > 1 ? "repeat " + (all.size() + 1) + ": " + c : c));
            }
            all.add(s.metrics());
        }
        draft.metrics = means(all);
        draft.samples = primaries(all);
        return new Measured(Optional.empty());
    }

    /** The strict judge: one evaluation (evaluate.repeats when judge.mode is strict), metrics against the best's. */
    private Verdict judgeStrictly(Draft draft, Experiment best) {
        int repeats = plan.spec().judge().mode() == Spec.JudgeMode.STRICT ? plan.spec().evaluate().repeats() : 1;
        Measured m = measureRepeats(draft, repeats);
        if (m == null) return null;
        if (m.crash().isPresent()) return new Verdict(Status.CRASH, m.crash().get(), Optional.empty(), Optional.empty());
        return Judge.judge(draft.metrics, best.metrics(), draft.diff, plan.spec());
    }

    /** On the first statistical experiment after a resume the incumbent is re-measured: the machine may differ. */
    private boolean remeasureAfterResume;

    /**
     * The statistical judge: candidate and incumbent measured interleaved until the sequential test
     * decides (SequentialTrial), then the quality guard and constraints on the same samples. The
     * worktree is left at the candidate. Null when interrupted.
     */
    private Verdict judgeStatistically(Draft draft, Experiment best, List<Experiment> records, int run) {
        Spec spec = plan.spec();
        Path wt = plan.worktree();
        Map<String, List<Double>> pools = Records.pools(records);
        List<Double> pool = pools.getOrDefault(best.commit(), List.of());
        if (pool.isEmpty()) pool = best.primary().map(List::of).orElse(List.of());
        List<List<Double>> others = new ArrayList<>();
        pools.forEach((commit, samples) -> { if (!commit.equals(best.commit())) others.add(samples); });
        SequentialJudge.Settings settings = new SequentialJudge.Settings(spec.metrics().primary().optimize(),
                spec.judge().minImprovement().against(SequentialJudge.mean(pool)), spec.judge().confidence(),
                spec.judge().maxRepeats());
        boolean first = SequentialTrial.remeasureFirst(run, spec.judge().remeasureEvery(), pool.size(), remeasureAfterResume);
        remeasureAfterResume = false;

        List<Map<String, Double>> candidate = new ArrayList<>();
        List<Map<String, Double>> incumbent = new ArrayList<>();
        Sample[] failed = new Sample[1];
        String[] failedSide = new String[1];
        SequentialTrial.Outcome outcome = SequentialTrial.run(settings, SequentialJudge.Prior.pooled(others), pool, first,
                () -> {
                    Sample s = sample(draft, candidate.isEmpty() ? "" : "." + (candidate.size() + 1));
                    if (s.result().interrupted() || s.crash().isPresent()) {
                        failed[0] = s;
                        failedSide[0] = candidate.isEmpty() ? "" : "repeat " + (candidate.size() + 1) + ": ";
                        return java.util.OptionalDouble.empty();
                    }
                    candidate.add(s.metrics());
                    return java.util.OptionalDouble.of(s.primary(primaryName()));
                },
                () -> {
                    // The incumbent, re-run in the same worktree so that drift hits both alike.
                    ports.vcs().reset(wt, best.commit(), List.of());
                    Sample s;
                    try {
                        s = sample(draft, ".incumbent" + (incumbent.size() + 1));
                    } finally {
                        ports.vcs().reset(wt, draft.commit, List.of());
                    }
                    if (s.result().interrupted() || s.crash().isPresent()) {
                        failed[0] = s;
                        failedSide[0] = "re-measuring the incumbent (" + best.commit().substring(0, Math.min(8, best.commit().length())) + "): ";
                        return java.util.OptionalDouble.empty();
                    }
                    incumbent.add(s.metrics());
                    return java.util.OptionalDouble.of(s.primary(primaryName()));
                });
        draft.samples = primaries(candidate);
        draft.incumbentSamples = primaries(incumbent);
        draft.metrics = candidate.isEmpty() ? (failed[0] == null ? Map.of() : failed[0].metrics()) : means(candidate);
        if (outcome.failed()) {
            draft.evidence = Optional.of(new Evidence(Double.NaN, Double.NaN, Double.NaN, Double.NaN, settings.alpha(),
                    candidate.size(), pool.size() + incumbent.size(), SequentialJudge.mean(pool), Double.NaN, 0,
                    outcome.evaluations(), best.commit()));
            if (failed[0].result().interrupted()) return null;
            return new Verdict(Status.CRASH, failedSide[0] + failed[0].crash().orElseThrow(), Optional.empty(), Optional.empty());
        }
        SequentialJudge.Result result = outcome.result().orElseThrow();
        Evidence evidence = result.evidence().withEvaluations(outcome.evaluations(), best.commit());
        draft.evidence = Optional.of(evidence);
        Optional<Double> delta = Optional.of(evidence.effect());
        Optional<Double> pct = evidence.incumbentMean() == 0 ? Optional.empty()
                : Optional.of(evidence.effect() / Math.abs(evidence.incumbentMean()) * 100);
        String reason = primaryName() + " " + Judge.fmt(evidence.incumbentMean()) + " -> " + Judge.fmt(SequentialJudge.mean(draft.samples))
                + ", " + result.reason() + "; " + outcome.evaluations() + (outcome.evaluations() == 1 ? " evaluation" : " evaluations");
        if (result.decision() != SequentialJudge.Decision.KEEP) return new Verdict(Status.DISCARD, reason, delta, pct);
        List<String> broken = brokenLimits(candidate, incumbent, best);
        if (!broken.isEmpty()) return new Verdict(Status.DISCARD, String.join("; ", broken) + " (" + reason + ")", delta, pct);
        return new Verdict(Status.KEEP, reason, delta, pct);
    }

    /**
     * The quality guard and constraints judged on the same samples: broken only when significantly
     * beyond their limit. The incumbent's guard values are this experiment's re-measures and the
     * best's recorded mean (its earlier samples of the guard are not in the ledger).
     */
    private List<String> brokenLimits(List<Map<String, Double>> candidate, List<Map<String, Double>> incumbent, Experiment best) {
        List<String> broken = new ArrayList<>();
        double confidence = plan.spec().judge().confidence();
        plan.spec().metrics().qualityGuard().ifPresent(guard -> {
            List<Double> now = values(candidate, guard.name());
            List<Double> before = new ArrayList<>(values(incumbent, guard.name()));
            Double recorded = best.metrics().get(guard.name());
            if (recorded != null && Double.isFinite(recorded)) before.add(recorded);
            if (now.size() < candidate.size()) {
                broken.add("quality guard " + guard.name() + " is missing or not a number");
            } else if (!before.isEmpty()) {
                SequentialJudge.guardBroken(guard.name(), now, before, guard.optimize(), guard.maxDegradation(), confidence)
                        .ifPresent(broken::add);
            }
        });
        for (Spec.Constraint c : plan.spec().metrics().constraints()) {
            List<Double> v = values(candidate, c.name());
            if (v.size() < candidate.size()) {
                broken.add("constraint metric " + c.name() + " is missing or not a number");
                continue;
            }
            double mean = SequentialJudge.mean(v);
            c.max().filter(max -> SequentialJudge.boundBroken(v, max, true, confidence))
                    .ifPresent(max -> broken.add(c.name() + " " + Judge.fmt(mean) + " > max " + Judge.fmt(max)));
            c.min().filter(min -> SequentialJudge.boundBroken(v, min, false, confidence))
                    .ifPresent(min -> broken.add(c.name() + " " + Judge.fmt(mean) + " < min " + Judge.fmt(min)));
        }
        return broken;
    }

    private static List<Double> values(List<Map<String, Double>> samples, String name) {
        return samples.stream().map(m -> m.get(name)).filter(v -> v != null && Double.isFinite(v)).toList();
    }

    private List<Double> primaries(List<Map<String, Double>> samples) {
        return samples.stream().map(m -> m.get(primaryName())).toList();
    }

    /** The mean of every metric present in all samples. */
    private static Map<String, Double> means(List<Map<String, Double>> samples) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (samples.isEmpty()) return out;
        for (String name : samples.get(0).keySet()) {
            if (samples.stream().allMatch(m -> m.containsKey(name))) {
                out.put(name, samples.stream().mapToDouble(m -> m.get(name)).average().orElse(Double.NaN));
            }
        }
        return out;
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
        // An executor names what ended the job itself ("slurm: OUT_OF_MEMORY"); otherwise it never started.
        if (!result.error().isEmpty()) return result.error().startsWith("slurm: ") ? result.error() : "could not start: " + result.error();
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
