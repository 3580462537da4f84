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
import dev.helix.core.spec.Slot;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;

/**
 * One run of the ratchet loop: baseline, then propose, scope guard, commit, evaluate, judge,
 * keep or restore the best, record; until a limit or a stop request.
 *
 * <p>The ledger is the truth. A record is appended (durably) before the branch moves, and on
 * resume the branch and the worktree are put back to the best the ledger names, so a kill at any
 * point loses no recorded experiment and records none twice: a half-done experiment left no
 * record and is simply done again.
 *
 * <p>With several workers (one {@link Lane} each, each its own worktree) experiments run at the
 * same time, each from the best at its start, and each evaluation holds one {@link Slot}. The
 * branch stays a linear ratchet: appending a keep and moving the branch happen together under one
 * lock, and only when the best is still the one the candidate was judged against. A candidate that
 * beat a best that has moved meanwhile is recorded {@code stale}; with run.on_stale: rebase its
 * change is re-applied on the new best (a cherry-pick; a conflict ends it) and judged again, as
 * the next attempt of the same run.
 */
public final class Session {

    /** The outside world, through the core's ports. Every port must be safe to call from several workers at once. */
    public record Ports(Vcs vcs, Executor executor, Proposer proposer, LedgerStore ledger,
                       Workspace workspace, Clock clock, Events events) {}

    /**
     * One worker: its number (1, 2, ...), its worktree and what it explores.
     *
     * @param worktree present, at any commit (the session resets it)
     */
    public record Lane(int worker, Path worktree, Optional<Direction> direction) {}

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
     * @param lanes the workers; the first works in {@code worktree} (the baseline is measured there)
     */
    public record Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                       String specFile, String program, Path logDir, OptionalInt maxExperiments,
                       Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                       UnaryOperator<String> redact, List<Lane> lanes) {
        public Plan {
            lanes = lanes == null || lanes.isEmpty() ? List.of(new Lane(1, worktree, Optional.empty())) : List.copyOf(lanes);
            if (!lanes.get(0).worktree().equals(worktree)) throw new IllegalArgumentException("the first lane works in the session's worktree");
        }

        /** A plan with one worker. */
        public Plan(Path repo, Path worktree, String tag, String branchRef, String start, Spec spec,
                    String specFile, String program, Path logDir, OptionalInt maxExperiments,
                    Optional<Duration> maxTime, String sessionId, Optional<Double> maxCost,
                    UnaryOperator<String> redact) {
            this(repo, worktree, tag, branchRef, start, spec, specFile, program, logDir, maxExperiments, maxTime,
                    sessionId, maxCost, redact, List.of());
        }
    }

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
        public Outcome {
            experiments = List.copyOf(experiments);
        }

        public Optional<Experiment> baseline() {
            return Records.baseline(experiments);
        }

        public Optional<Experiment> best() {
            return Records.best(experiments);
        }
    }

    private enum Phase { IDLE, PROPOSING, EVALUATING }

    private static final int CRASH_TAIL_LINES = 30;

    /** How often one candidate is re-applied on a best that moved before it is left stale. */
    static final int MAX_REBASES = 3;

    /** A worker at work: its lane, its thread and what it is doing (guarded by the session's lock). */
    private static final class Worker {
        final Lane lane;
        Thread thread;
        Phase phase = Phase.IDLE;
        /** The slot its evaluation holds, while it holds one. */
        Slot slot;
        /** For helix try: the state the edits are measured against, instead of a snapshot taken before proposing. */
        Map<String, String> presetBefore;
        /** The commit its worktree is at, as far as the session moved it. */
        String head = "";

        Worker(Lane lane) {
            this.lane = lane;
        }

        Path wt() {
            return lane.worktree();
        }

        int id() {
            return lane.worker();
        }

        Optional<String> directionName() {
            return lane.direction().map(Direction::name);
        }
    }

    /** An experiment in progress: its run number and how many attempts it has recorded. */
    private static final class Run {
        final int number;
        int attempts;
        int rebases;
        /**
         * The best the run's code descends from and is judged against: the best at its start, or
         * the one its change was last re-applied on. Fix-ups build on it too.
         */
        Experiment base;
        /** What the proposer is shown: the records at the run's start, then this run's own. */
        final List<Experiment> history = new ArrayList<>();

        Run(int number) {
            this.number = number;
        }
    }

    private final Ports ports;
    private final Plan plan;
    private final Spec spec;
    /** Guards everything below, the workers' phases, and every append to the ledger with what it moves. */
    private final Object lock = new Object();
    private final List<Worker> workers = new ArrayList<>();
    private final SlotPool slots;
    /** The session's records in ledger order (all runs, not only this one's). */
    private final List<Experiment> records = new ArrayList<>();
    private final Set<Integer> inFlight = new HashSet<>();
    private volatile boolean stopRequested;
    /** Why no new experiment starts, once something said so. */
    private StopReason stopping;
    private String stoppingDetail = "";
    private final AtomicBoolean remeasureAfterResume = new AtomicBoolean();

    public Session(Ports ports, Plan plan) {
        this.ports = ports;
        this.plan = plan;
        this.spec = plan.spec();
        plan.lanes().forEach(l -> workers.add(new Worker(l)));
        this.slots = new SlotPool(Slot.of(spec.run().withWorkers(plan.lanes().size())));
    }

    /**
     * Asks the loop to stop: running proposals and evaluations are cut short (their processes
     * killed) and recorded as interrupted; otherwise the loop stops before the next experiment.
     * Safe from any thread (a signal handler).
     */
    public void requestStop() {
        synchronized (lock) {
            stopRequested = true;
            for (Worker w : workers) {
                if (w.phase != Phase.IDLE && w.thread != null) w.thread.interrupt();
            }
        }
    }

    /** Runs the loop until a limit, a stop request or the end of ideas; several workers run on threads of their own. */
    public Outcome run() {
        Worker first = workers.get(0);
        synchronized (lock) {
            for (Worker w : workers) w.thread = Thread.currentThread(); // until parallel() starts their own: a stop reaches setup
        }
        long startNanos = ports.clock().nanos();
        records.addAll(ports.ledger().read().ofTag(plan.tag()));
        boolean resumed = !records.isEmpty();
        int next;
        synchronized (lock) {
            next = resumed ? freeRun() : 0;
        }
        emit(new Event.SessionStarted(plan.tag(), branchName(), plan.worktree(), resumed, next));

        String startCommit = Records.best(records).map(Experiment::commit).orElse(plan.start());
        for (Worker w : workers) reset(w, startCommit, List.of());
        if (resumed) ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);
        remeasureAfterResume.set(resumed);

        if (spec.evaluate().setup().isPresent()) {
            // Once per worktree: what it prepares may live in the worktree.
            for (Worker w : workers) {
                String name = w == first ? "setup.log" : "setup.w" + w.id() + ".log";
                Executor.Result setup = evaluate(w, spec.evaluate().setup().get(), plan.logDir().resolve(name), "setup");
                emit(new Event.SetupFinished(setup.exitCode(), setup.seconds()));
                if (setup.interrupted()) return outcome(StopReason.INTERRUPTED, "during evaluate.setup");
                if (setup.exitCode() != 0) {
                    return outcome(StopReason.SETUP_FAILED, failure(setup) + "\n" + setup.tail(CRASH_TAIL_LINES));
                }
            }
        }

        Set<String> guarded = guarded();
        Map<String, String> guardedHashes = ports.vcs().hashes(plan.worktree(), guarded);

        if (Records.baseline(records).isEmpty()) {
            if (!records.isEmpty()) {
                return outcome(StopReason.BASELINE_CRASHED, "run 0 of " + plan.tag() + " is "
                        + records.get(0).status().word() + ": " + records.get(0).reason());
            }
            Optional<Experiment> baseline = baseline(first, startCommit);
            if (baseline.isEmpty()) return outcome(StopReason.INTERRUPTED, "during the baseline");
            if (baseline.get().status() != Status.BASELINE) return outcome(StopReason.BASELINE_CRASHED, baseline.get().reason());
            ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);
        }

        if (workers.size() == 1) {
            work(first, startNanos, guarded, guardedHashes);
        } else {
            parallel(startNanos, guarded, guardedHashes);
            // Another worker may have made the last keep: the session's worktree ends at the best, as with one.
            reset(workers.get(0), snapshotBest().commit(), List.of());
        }
        synchronized (lock) {
            return outcome(stopping == null ? StopReason.INTERRUPTED : stopping, stoppingDetail);
        }
    }

    /** Runs every worker on a thread of its own until all have stopped; a worker's failure stops the others and is rethrown. */
    private void parallel(long startNanos, Set<String> guarded, Map<String, String> guardedHashes) {
        List<Thread> threads = new ArrayList<>();
        RuntimeException[] failure = new RuntimeException[1];
        synchronized (lock) {
            for (Worker w : workers) {
                w.thread = Thread.ofPlatform().name("helix-worker-" + w.id()).unstarted(() -> {
                    try {
                        work(w, startNanos, guarded, guardedHashes);
                    } catch (RuntimeException | Error e) {
                        synchronized (lock) {
                            if (failure[0] == null) failure[0] = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                        }
                        requestStop();
                    }
                });
                threads.add(w.thread);
            }
        }
        threads.forEach(Thread::start);
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    requestStop();
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (failure[0] != null) throw failure[0];
    }

    /** One worker's loop: take the next run number, run the experiment, until something says stop. */
    private void work(Worker w, long startNanos, Set<String> guarded, Map<String, String> guardedHashes) {
        try {
            while (true) {
                int run;
                synchronized (lock) {
                    if (stopping == null) stopping = limit(startNanos);
                    if (stopping != null) return;
                    run = freeRun();
                    // Earlier numbers are still in flight: this worker is done, the others finish theirs.
                    if (plan.maxExperiments().isPresent() && run > plan.maxExperiments().getAsInt()) return;
                    inFlight.add(run);
                }
                Step step;
                try {
                    step = experiment(w, new Run(run), guarded, guardedHashes);
                } finally {
                    synchronized (lock) {
                        inFlight.remove(run);
                    }
                }
                synchronized (lock) {
                    if (step == Step.EXHAUSTED && stopping == null) stopping = StopReason.EXHAUSTED;
                    if (step == Step.INTERRUPTED && stopping == null) stopping = StopReason.INTERRUPTED;
                    if (run % 10 == 0) emit(Records.summary(records));
                }
                if (step != Step.DONE) return;
            }
        } finally {
            synchronized (lock) {
                busy(w, 0, "idle");
            }
        }
    }

    /** Which limit, if any, forbids starting another experiment now. Holds the lock. */
    private StopReason limit(long startNanos) {
        if (stopRequested) return StopReason.INTERRUPTED;
        if (plan.maxExperiments().isPresent() && inFlight.isEmpty() && freeRun() > plan.maxExperiments().getAsInt()) {
            return StopReason.MAX_EXPERIMENTS;
        }
        if (plan.maxTime().isPresent()
                && Duration.ofNanos(ports.clock().nanos() - startNanos).compareTo(plan.maxTime().get()) >= 0) {
            return StopReason.MAX_TIME;
        }
        if (plan.maxCost().isPresent() && Records.cost(records) >= plan.maxCost().get()) {
            stoppingDetail = "spent " + Judge.fmt(Records.cost(records)) + " USD";
            return StopReason.MAX_COST;
        }
        return null;
    }

    /**
     * The smallest run number that is neither recorded nor in flight: the next one, or one that a
     * killed run left without a record (it is simply done again). Holds the lock.
     */
    private int freeRun() {
        Set<Integer> taken = new HashSet<>(inFlight);
        records.forEach(e -> taken.add(e.run()));
        int run = 1;
        while (taken.contains(run)) run++;
        return run;
    }

    private Outcome outcome(StopReason reason, String detail) {
        synchronized (lock) {
            return new Outcome(reason, detail, records);
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
        Worker first = workers.get(0);
        first.thread = Thread.currentThread();
        spec.evaluate().setup().ifPresent(command -> {
            Executor.Result setup = evaluate(first, command, plan.logDir().resolve("setup.log"), "setup");
            if (setup.exitCode() != 0) {
                throw new IllegalStateException("evaluate.setup failed (" + failure(setup) + "):\n" + setup.tail(CRASH_TAIL_LINES));
            }
        });
        Optional<Experiment> baseline = baseline(first, plan.start());
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
        Worker first = workers.get(0);
        first.thread = Thread.currentThread();
        synchronized (lock) {
            records.clear();
            records.addAll(ports.ledger().read().ofTag(plan.tag()));
        }
        if (Records.baseline(records).isEmpty()) throw new IllegalStateException("session " + plan.tag() + " has no baseline");
        Set<String> guarded = guarded();
        int known = records.size();
        int next = records.stream().mapToInt(Experiment::run).max().orElse(0) + 1;
        first.presetBefore = Map.copyOf(before);
        try {
            experiment(first, new Run(next), guarded, ports.vcs().hashes(plan.worktree(), guarded));
        } finally {
            first.presetBefore = null;
        }
        synchronized (lock) {
            return List.copyOf(records.subList(known, records.size()));
        }
    }

    /** The files no experiment may change: helix.yaml, the evaluator, lock files and the readonly ones. */
    private Set<String> guarded() {
        Set<String> tracked = new TreeSet<>(ports.vcs().trackedFiles(plan.worktree()));
        Set<String> guarded = new TreeSet<>(ScopeGuard.protectedFiles(spec, plan.specFile(), tracked));
        guarded.addAll(ScopeGuard.readonlyFiles(spec, tracked));
        return guarded;
    }

    /** Measures the unchanged code; empty when interrupted (it is then redone on resume). */
    private Optional<Experiment> baseline(Worker w, String commit) {
        Draft draft = draft(w, 0, commit);
        draft.commit = commit;
        draft.description = "baseline";
        ports.vcs().updateRef(plan.repo(), experimentRef(0, ""), commit);
        emit(new Event.ExperimentStarted(plan.tag(), 0));
        Measured m = holdingSlot(w, 0, "evaluating", () -> measureRepeats(w, draft, spec.evaluate().repeats()));
        if (m == null) return Optional.empty();
        Experiment record;
        if (m.crash().isPresent()) {
            record = draft.finish(Status.CRASH, m.crash().get(), primaryName(), Optional.empty(), Optional.empty(), ports.clock().now());
        } else {
            draft.noise = Optional.of(Noise.of(draft.samples, chooseMode(draft.samples)));
            record = draft.finish(Status.BASELINE, "the unchanged code" + (draft.samples.size() > 1
                    ? ", measured " + draft.samples.size() + " times; " + draft.noise.get().render(Double.NaN) : ""),
                    primaryName(), Optional.empty(), Optional.empty(), ports.clock().now());
        }
        return Optional.of(append(record));
    }

    /**
     * One experiment: a proposal and its verdict, then, after a crash, up to
     * {@code agent.max_fix_attempts} fix-ups of the crashed code by the same proposer, each recorded
     * as an attempt of the same run. Every attempt is recorded and reported as it ends. All of it
     * descends from the best at the start, and is judged against that best.
     */
    private Step experiment(Worker w, Run run, Set<String> guarded, Map<String, String> guardedHashes) {
        // One snapshot: the best the proposer builds on and the history it is shown agree.
        run.history.addAll(snapshot());
        run.base = Records.best(run.history).orElseThrow();
        // Another worker may have moved the best since this worktree last went back to it.
        if (w.presetBefore == null && !run.base.commit().equals(w.head)) reset(w, run.base.commit(), List.of());
        int fixes = ports.proposer().fixesCrashes() ? spec.agent().maxFixAttempts() : 0;
        String from = run.base.commit();
        Optional<String> crashTail = Optional.empty();
        for (int fix = 0; fix <= fixes; fix++) {
            Optional<Experiment> done = attempt(w, run, fix, from, crashTail, run.base, guarded, guardedHashes);
            if (done.isEmpty()) return Step.EXHAUSTED;
            Experiment e = done.get();
            if (e.status() == Status.INTERRUPTED) return Step.INTERRUPTED;
            if (e.status() != Status.CRASH || e.commit().isEmpty() || fix == fixes || stopRequested) break;
            from = e.commit();
            crashTail = e.logTail();
        }
        String end = snapshotBest().commit();
        if (!end.equals(w.head)) reset(w, end, List.of()); // a discard already went back to it
        return Step.DONE;
    }

    /**
     * One attempt, recorded in the ledger (with its re-evaluations when it went stale); empty when
     * the proposer is exhausted (nothing recorded). The worktree starts at {@code from}: the best,
     * or for a fix-up the crashed attempt. It is left at the attempt's commit after a keep or a
     * crash, and back at the best otherwise. Returns the last record.
     */
    private Optional<Experiment> attempt(Worker w, Run run, int fix, String from, Optional<String> crashTail, Experiment best,
                                         Set<String> guarded, Map<String, String> guardedHashes) {
        List<Experiment> history = run.history;
        Experiment baseline = Records.baseline(history).orElseThrow();
        Path wt = w.wt();
        Draft draft = draft(w, run.number, from);
        draft.attempt = run.attempts;
        emit(new Event.ExperimentStarted(plan.tag(), run.number));

        Set<String> trackedAtParent = tracked(w, from);
        Map<String, String> before = w.presetBefore != null ? w.presetBefore : ports.vcs().snapshot(wt);
        Proposal proposal;
        synchronized (lock) {
            busy(w, run.number, fix == 0 ? "proposing" : "fixing a crash");
        }
        enter(w, Phase.PROPOSING);
        try {
            proposal = ports.proposer().propose(new Proposer.Request(run.number, plan.tag(), spec, plan.program(), wt,
                    baseline, best, history, crashTail, w.id(), w.lane.direction().map(Direction::text)));
        } catch (InterruptedException e) {
            proposal = null;
        } finally {
            leave(w);
        }
        List<String> changed = changed(before, ports.vcs().snapshot(wt));
        List<String> created = changed.stream().filter(p -> !before.containsKey(p) && !trackedAtParent.contains(p)).toList();
        if (proposal == null || stopRequested) {
            if (proposal != null) describe(draft, proposal);
            reset(w, best.commit(), created);
            return Optional.of(record(run, draft, Status.INTERRUPTED, "stopped while the proposer was working"));
        }
        describe(draft, proposal);
        switch (proposal) {
            case Proposal.Exhausted exhausted -> {
                reset(w, best.commit(), created);
                synchronized (lock) {
                    if (stopping == null) stoppingDetail = exhausted.reason();
                }
                return Optional.empty();
            }
            case Proposal.Failure failure -> {
                reset(w, best.commit(), created);
                draft.paths = changed;
                return Optional.of(record(run, draft, Status.REJECTED, "the proposer failed: " + failure.reason()));
            }
            case Proposal.Change change -> emit(new Event.Proposed(run.number, draft.description));
        }

        List<ScopeGuard.Violation> violations = new ArrayList<>(ScopeGuard.check(changed, spec.scope(), guarded));
        for (ScopeGuard.Violation v : ScopeGuard.tampered(guardedHashes, ports.vcs().hashes(wt, guarded))) {
            if (violations.stream().noneMatch(x -> x.path().equals(v.path()))) violations.add(v);
        }
        if (!violations.isEmpty()) {
            reset(w, best.commit(), created);
            draft.paths = violations.stream().map(ScopeGuard.Violation::path).toList();
            return Optional.of(record(run, draft, Status.REJECTED, "changed files out of scope: "
                    + String.join(", ", violations.stream().map(ScopeGuard.Violation::render).toList())));
        }
        if (changed.isEmpty()) {
            reset(w, best.commit(), List.of());
            return Optional.of(record(run, draft, Status.REJECTED, "the proposer changed no file"));
        }

        String label = fix == 0 ? "#" + run.number : "#" + run.number + " fix " + fix;
        draft.commit = ports.vcs().commit(wt, changed, "helix(" + plan.tag() + label + "): " + draft.description);
        w.head = draft.commit;
        ports.vcs().updateRef(plan.repo(), experimentRef(run.number, fix == 0 ? "" : "-fix" + fix), draft.commit);
        draft.diff = ports.vcs().diffStat(wt, best.commit(), draft.commit);
        if (stopRequested) {
            reset(w, best.commit(), List.of());
            return Optional.of(record(run, draft, Status.INTERRUPTED, "stopped before the evaluation"));
        }
        emit(new Event.Evaluating(run.number, draft.commit));
        return Optional.of(settle(w, run, draft, best, judge(w, draft, best, run.number, "evaluating")));
    }

    /**
     * Records a judged candidate. A keep moves the branch only if the best is still the one it was
     * judged against; otherwise it is stale, and with run.on_stale: rebase its change is re-applied
     * on the new best and judged again (up to {@link #MAX_REBASES} times). Returns the last record.
     */
    private Experiment settle(Worker w, Run run, Draft draft, Experiment best, Verdict verdict) {
        Path wt = w.wt();
        while (true) {
            if (verdict == null) {
                reset(w, best.commit(), List.of());
                return record(run, draft, Status.INTERRUPTED, "stopped during the evaluation (its processes were killed)");
            }
            if (verdict.status() != Status.KEEP) {
                Experiment record = append(run, draft.finish(verdict.status(), verdict.reason(), primaryName(), verdict.delta(),
                        verdict.deltaPct(), ports.clock().now()));
                if (verdict.status() != Status.CRASH) reset(w, best.commit(), List.of());
                return record;
            }
            Experiment current;
            synchronized (lock) {
                current = Records.best(records).orElseThrow();
                if (current.commit().equals(best.commit())) {
                    Experiment kept = append(run, draft.finish(Status.KEEP, verdict.reason(), primaryName(), verdict.delta(),
                            verdict.deltaPct(), ports.clock().now()));
                    ports.vcs().updateRef(plan.repo(), plan.branchRef(), draft.commit);
                    return kept;
                }
            }
            String why = verdict.reason() + "; stale: #" + current.run() + " was kept while it ran (" + primaryName() + " "
                    + current.primary().map(Judge::fmt).orElse("-") + ")";
            Draft judged = draft;
            Verdict beat = verdict;
            java.util.function.Function<String, Experiment> stale = tail -> append(run, judged.finish(Status.STALE,
                    why + tail, primaryName(), beat.delta(), beat.deltaPct(), ports.clock().now()));
            reset(w, current.commit(), List.of());
            if (spec.run().onStale() == Spec.OnStale.DISCARD || run.rebases >= MAX_REBASES || stopRequested) {
                return stale.apply(spec.run().onStale() == Spec.OnStale.DISCARD ? " (run.on_stale: discard)"
                        : stopRequested ? " (stopping)" : "; re-applied " + MAX_REBASES + " times already");
            }
            String rebase = "-rebase" + (run.rebases + 1);
            boolean theirs = ports.proposer().changesStandAlone();
            // The whole change since the base it was judged against: a fix-up's crashed attempt included.
            Optional<String> picked = ports.vcs().cherryPick(wt, best.commit(), draft.commit, "helix(" + plan.tag() + "#"
                    + run.number + " on #" + current.run() + "): " + draft.description, theirs);
            picked.ifPresent(c -> w.head = c);
            if (picked.isEmpty()) return stale.apply("; its change does not apply on that one (a conflict)");
            stale.apply("; re-applied on it" + (theirs ? " (its own values where both changed)" : "")
                    + " and judged again as attempt " + (run.attempts + 1));
            run.rebases++;
            run.base = current;
            Draft again = draft(w, run.number, current.commit());
            again.attempt = run.attempts;
            again.commit = picked.get();
            again.rebasedFrom = Optional.of(draft.commit);
            again.description = draft.description;
            again.hypothesis = draft.hypothesis;
            ports.vcs().updateRef(plan.repo(), experimentRef(run.number, rebase), again.commit);
            again.diff = ports.vcs().diffStat(wt, current.commit(), again.commit);
            emit(new Event.ExperimentStarted(plan.tag(), run.number));
            emit(new Event.Evaluating(run.number, again.commit));
            best = current;
            draft = again;
            verdict = judge(w, draft, best, run.number, "re-evaluating");
        }
    }

    /** The judge of this session, holding a slot for the whole comparison. Null when interrupted. */
    private Verdict judge(Worker w, Draft draft, Experiment best, int run, String phase) {
        List<Experiment> history = snapshot();
        return holdingSlot(w, run, phase, () -> statistical(history)
                ? judgeStatistically(w, draft, best, history, run)
                : judgeStrictly(w, draft, best));
    }

    /**
     * Runs {@code body} holding a slot (waiting for a free one); null when interrupted while
     * waiting. Candidate and incumbent of one comparison are measured in the same slot.
     */
    private <T> T holdingSlot(Worker w, int run, String phase, java.util.function.Supplier<T> body) {
        Slot slot;
        enter(w, Phase.EVALUATING);
        try {
            slot = slots.take(w.id(), () -> {
                synchronized (lock) {
                    busy(w, run, "waiting for a slot");
                }
            });
        } catch (InterruptedException e) {
            return null;
        } finally {
            leave(w);
        }
        try {
            synchronized (lock) {
                w.slot = slot;
                busy(w, run, phase);
            }
            return body.get();
        } finally {
            synchronized (lock) {
                w.slot = null;
            }
            slots.give(slot);
        }
    }

    /** The slots, one evaluation each at a time; a worker gets its own slot (the k-th) when it is free, else the first free one. */
    private static final class SlotPool {
        private final List<Slot> free;

        SlotPool(List<Slot> all) {
            free = new ArrayList<>(all);
        }

        synchronized Slot take(int worker, Runnable waiting) throws InterruptedException {
            if (free.isEmpty()) waiting.run();
            while (free.isEmpty()) wait();
            Slot own = free.stream().filter(s -> s.index() == worker).findFirst().orElse(free.get(0));
            free.remove(own);
            return own;
        }

        synchronized void give(Slot slot) {
            free.add(slot);
            free.sort(java.util.Comparator.comparingInt(Slot::index));
            notifyAll();
        }
    }

    /** Moves a worker's worktree (and what the session knows of it) to {@code commit}. */
    private void reset(Worker w, String commit, java.util.Collection<String> remove) {
        ports.vcs().reset(w.wt(), commit, remove);
        w.head = commit;
    }

    /**
     * Files tracked at a commit (the worktree's), asked of git again only when the commit differs
     * from the last one asked about: workers mostly start from the same best, which changes only
     * with a keep.
     */
    private Set<String> tracked(Worker w, String commit) {
        Tracked last = lastTracked;
        if (last != null && last.commit().equals(commit)) return last.files();
        Set<String> files = Set.copyOf(ports.vcs().trackedFiles(w.wt()));
        if (commit.equals(w.head)) lastTracked = new Tracked(commit, files);
        return files;
    }

    private record Tracked(String commit, Set<String> files) {}

    private volatile Tracked lastTracked;

    private Draft draft(Worker w, int run, String parent) {
        Draft d = new Draft(run, plan.tag(), w.id(), parent, ports.clock().now());
        d.direction = w.directionName();
        return d;
    }

    private Experiment record(Run run, Draft draft, Status status, String reason) {
        return append(run, draft.finish(status, reason, primaryName(), Optional.empty(), Optional.empty(), ports.clock().now()));
    }

    private Experiment append(Run run, Experiment e) {
        run.attempts++;
        Experiment clean = append(e);
        run.history.add(clean);
        return clean;
    }

    /**
     * Appends a record, secrets removed; durable when this returns. The session's records, the
     * ledger and the report of it change together, so every reader sees them in one order.
     */
    private Experiment append(Experiment e) {
        Experiment clean = e.redacted(plan.redact());
        synchronized (lock) {
            ports.ledger().append(clean);
            records.add(clean);
            emit(new Event.ExperimentFinished(clean, Records.best(records).orElse(clean), Records.baseline(records).orElse(clean)));
        }
        return clean;
    }

    private List<Experiment> snapshot() {
        synchronized (lock) {
            return List.copyOf(records);
        }
    }

    private Experiment snapshotBest() {
        synchronized (lock) {
            return Records.best(records).orElseThrow();
        }
    }

    /** Events reach the sink one at a time, whichever worker sends them. */
    private void emit(Event e) {
        synchronized (lock) {
            ports.events().emit(e);
        }
    }

    /** Says what a worker does now. Holds the lock. */
    private void busy(Worker w, int run, String phase) {
        String where = w.slot == null ? "" : spec.run().executor().equals("local") ? w.slot.label()
                : spec.run().executor() + " job, " + w.slot.label();
        emit(new Event.WorkerBusy(w.id(), run, phase, where, w.directionName().orElse(""), ports.clock().now()));
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
                .orElse(spec.judge().mode() == Spec.JudgeMode.STATISTICAL);
    }

    /** The judge mode for a baseline with these samples: auto is strict when they are all the same. */
    private String chooseMode(List<Double> samples) {
        return switch (spec.judge().mode()) {
            case STRICT -> Noise.STRICT;
            case STATISTICAL -> Noise.STATISTICAL;
            case AUTO -> samples.stream().distinct().count() <= 1 ? Noise.STRICT : Noise.STATISTICAL;
        };
    }

    /**
     * Evaluates the worktree as it is, logging to &lt;run&gt;[-&lt;attempt&gt;]&lt;suffix&gt;.log; accumulates
     * time into the draft.
     */
    private Sample sample(Worker w, Draft draft, String suffix) {
        Path log = plan.logDir().resolve(draft.run + (draft.attempt > 0 ? "-" + draft.attempt : "") + suffix + ".log");
        String relative = plan.repo().relativize(log).toString().replace('\\', '/');
        if (draft.log.isEmpty()) draft.log = relative;
        Executor.Result result = evaluate(w, spec.evaluate().command(), log, Integer.toString(draft.run));
        if (w.slot != null && (workers.size() > 1 || !spec.run().slots().isEmpty())) draft.slot = Optional.of(w.slot.label());
        draft.evalSeconds += result.seconds();
        draft.exitCode = result.exitCode() >= 0 ? Optional.of(result.exitCode()) : Optional.empty();
        draft.timedOut = result.timedOut();
        if (result.interrupted()) {
            draft.logTail = Optional.of(result.tail(CRASH_TAIL_LINES));
            return new Sample(result, Map.of(), Optional.empty());
        }
        Extraction extraction = extract(w, result);
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
    private Measured measureRepeats(Worker w, Draft draft, int repeats) {
        List<Map<String, Double>> all = new ArrayList<>();
        for (int k = 1; k <= repeats; k++) {
            Sample s = sample(w, draft, k == 1 ? "" : "." + k);
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
    private Verdict judgeStrictly(Worker w, Draft draft, Experiment best) {
        int repeats = spec.judge().mode() == Spec.JudgeMode.STRICT ? spec.evaluate().repeats() : 1;
        Measured m = measureRepeats(w, draft, repeats);
        if (m == null) return null;
        if (m.crash().isPresent()) return new Verdict(Status.CRASH, m.crash().get(), Optional.empty(), Optional.empty());
        return Judge.judge(draft.metrics, best.metrics(), draft.diff, spec);
    }

    /**
     * The statistical judge: candidate and incumbent measured interleaved until the sequential test
     * decides (SequentialTrial), then the quality guard and constraints on the same samples. The
     * worktree is left at the candidate. Null when interrupted.
     */
    private Verdict judgeStatistically(Worker w, Draft draft, Experiment best, List<Experiment> records, int run) {
        Path wt = w.wt();
        Map<String, List<Double>> pools = Records.pools(records);
        List<Double> pool = pools.getOrDefault(best.commit(), List.of());
        if (pool.isEmpty()) pool = best.primary().map(List::of).orElse(List.of());
        List<List<Double>> others = new ArrayList<>();
        pools.forEach((commit, samples) -> { if (!commit.equals(best.commit())) others.add(samples); });
        SequentialJudge.Settings settings = new SequentialJudge.Settings(spec.metrics().primary().optimize(),
                spec.judge().minImprovement().against(SequentialJudge.mean(pool)), spec.judge().confidence(),
                spec.judge().maxRepeats());
        // On the first statistical experiment after a resume the incumbent is re-measured: the machine may differ.
        boolean first = SequentialTrial.remeasureFirst(run, spec.judge().remeasureEvery(), pool.size(),
                remeasureAfterResume.getAndSet(false));

        List<Map<String, Double>> candidate = new ArrayList<>();
        List<Map<String, Double>> incumbent = new ArrayList<>();
        Sample[] failed = new Sample[1];
        String[] failedSide = new String[1];
        SequentialTrial.Outcome outcome = SequentialTrial.run(settings, SequentialJudge.Prior.pooled(others), pool, first,
                () -> {
                    Sample s = sample(w, draft, candidate.isEmpty() ? "" : "." + (candidate.size() + 1));
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
                        s = sample(w, draft, ".incumbent" + (incumbent.size() + 1));
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
        double confidence = spec.judge().confidence();
        spec.metrics().qualityGuard().ifPresent(guard -> {
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
        for (Spec.Constraint c : spec.metrics().constraints()) {
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

    /** Runs a command in the worker's worktree, in the slot it holds (if any). */
    private Executor.Result evaluate(Worker w, String command, Path log, String experiment) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HELIX_TIME_BUDGET", Integer.toString(spec.evaluate().timeoutSeconds()));
        env.put("HELIX_EXPERIMENT", experiment);
        env.put("HELIX_TAG", plan.tag());
        env.put("HELIX_SESSION", plan.sessionId());
        env.put("HELIX_WORKER", Integer.toString(w.id()));
        Slot slot = w.slot;
        if (slot != null) {
            env.put("HELIX_SLOT", Integer.toString(slot.index()));
            slot.gpus().ifPresent(g -> env.put("CUDA_VISIBLE_DEVICES", g));
        }
        enter(w, Phase.EVALUATING);
        // An evaluation may rewrite tracked files (a lock file, a result): the worktree needs a reset before reuse.
        w.head = "";
        try {
            return ports.executor().run(new Executor.Request(command, w.wt(),
                    Duration.ofSeconds(spec.evaluate().timeoutSeconds()), env, log,
                    slot == null ? Optional.empty() : slot.cpus()));
        } finally {
            leave(w);
        }
    }

    private Extraction extract(Worker w, Executor.Result result) {
        Optional<String> json = spec.evaluate().jsonFile()
                .flatMap(f -> ports.workspace().read(w.wt().resolve(f)));
        return MetricExtractor.extract(spec, result.output(), json);
    }

    private Optional<String> crashReason(Executor.Result result, Extraction extraction) {
        if (result.timedOut()) {
            return Optional.of("timed out after " + spec.evaluate().timeoutSeconds() + "s (evaluate.timeout_seconds)");
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

    private void enter(Worker w, Phase p) {
        synchronized (lock) {
            w.phase = p;
            if (stopRequested) Thread.currentThread().interrupt();
        }
    }

    /** Leaves a blocking phase; clears an interrupt meant for it so it cannot hit git or the ledger. */
    private void leave(Worker w) {
        synchronized (lock) {
            w.phase = Phase.IDLE;
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
        return spec.metrics().primary().name();
    }

    private String branchName() {
        return plan.branchRef().replaceFirst("^refs/heads/", "");
    }

    /**
     * refs/helix/&lt;tag&gt;/&lt;run&gt;, with a suffix -fix&lt;k&gt; for fix-ups and -rebase&lt;k&gt; for a
     * stale candidate re-applied on a new best.
     */
    private String experimentRef(int run, String suffix) {
        return "refs/helix/" + plan.tag() + "/" + run + suffix;
    }
}
