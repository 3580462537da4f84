package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Executor;
import dev.helix.core.scope.ScopeGuard;
import dev.helix.core.session.ExperimentMachine.End;
import dev.helix.core.session.ExperimentMachine.Guarded;
import dev.helix.core.session.ExperimentMachine.Run;
import dev.helix.core.spec.Slot;
import dev.helix.core.spec.Spec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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

    private final Ports ports;
    private final Plan plan;
    private final Spec spec;
    private final History history;
    /** Guards everything below and the workers' state: the history's lock. */
    private final Object lock;
    private final Workers workers;
    private final Evaluation evaluation;
    private final ExperimentMachine machine;
    /** The session's records in ledger order: the history's, guarded by the lock. */
    private final List<Experiment> records;
    private final Set<Integer> inFlight = new HashSet<>();
    private volatile boolean stopRequested;
    /** Why no new experiment starts, once something said so. */
    private StopReason stopping;
    private String stoppingDetail = "";
    private final FailureWatch failures;

    public Session(Ports ports, Plan plan) {
        this.ports = ports;
        this.plan = plan;
        this.spec = plan.spec();
        this.history = new History(ports.ledger(), ports.events(), plan.redact());
        this.lock = history.lock;
        this.records = history.records;
        this.workers = new Workers(this, lock, plan.lanes());
        this.evaluation = new Evaluation(this);
        this.machine = new ExperimentMachine(this, evaluation);
        this.failures = new FailureWatch(this, lock);
    }

    /**
     * Asks the loop to stop: running proposals and evaluations are cut short (their processes
     * killed) and recorded as interrupted; otherwise the loop stops before the next experiment.
     * Safe from any thread (a signal handler).
     */
    public void requestStop() {
        synchronized (lock) {
            stopRequested = true;
            workers.interruptBlocked();
        }
    }

    /** Runs the loop until a limit, a stop request or the end of ideas; several workers run side by side. */
    public Outcome run() {
        Worker first = workers.first();
        synchronized (lock) {
            for (Worker w : workers.all()) w.thread = Thread.currentThread(); // until their own start: a stop reaches setup
        }
        long startNanos = ports.clock().nanos();
        records.addAll(ports.ledger().readTag(plan.tag()).experiments());
        boolean resumed = !records.isEmpty();
        int next;
        synchronized (lock) {
            next = resumed ? freeRun() : 0;
        }
        emit(new Event.SessionStarted(plan.tag(), branchName(), plan.worktree(), resumed, next));
        workers.settle(false);

        String startCommit = Records.best(records).map(Experiment::commit).orElse(plan.start());
        for (Worker w : workers.all()) workers.reset(w, startCommit, List.of());
        if (resumed) ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);

        if (spec.evaluate().setup().isPresent()) {
            // Once per worktree: what it prepares may live in the worktree.
            for (Worker w : workers.all()) {
                String name = w == first ? "setup.log" : "setup.w" + w.id() + ".log";
                Executor.Result setup = evaluation.run(w, spec.evaluate().setup().get(), plan.logDir().resolve(name), "setup");
                emit(new Event.SetupFinished(setup.exitCode(), setup.seconds()));
                if (setup.interrupted()) return outcome(StopReason.INTERRUPTED, "during evaluate.setup");
                if (setup.exitCode() != 0) {
                    return outcome(StopReason.SETUP_FAILED, Evaluation.failure(setup) + "\n"
                            + setup.tail(Evaluation.CRASH_TAIL_LINES));
                }
            }
        }

        if (plan.checkout() == Checkout.HELIX) {
            for (Worker w : workers.all()) w.prepared = Set.copyOf(ports.vcs().ignoredFiles(w.worktree()).keySet());
        }
        Guarded guarded = guarded();
        if (Records.baseline(records).isEmpty()) {
            if (!records.isEmpty()) {
                return outcome(StopReason.BASELINE_CRASHED, "run 0 of " + plan.tag() + " is "
                        + records.get(0).status().word() + ": " + records.get(0).reason());
            }
            Optional<Experiment> baseline = machine.baseline(first, startCommit);
            if (baseline.isEmpty()) return outcome(StopReason.INTERRUPTED, "during the baseline");
            if (baseline.get().status() != Status.BASELINE) return outcome(StopReason.BASELINE_CRASHED, baseline.get().reason());
            ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);
        }
        workers.settle(true);
        if (workers.all().size() == 1) {
            work(first, startNanos, guarded);
        } else {
            parallel(startNanos, guarded);
            // Another worker may have made the last keep: the session's worktree ends at the best, as with one.
            workers.reset(workers.first(), best().commit(), List.of());
        }
        synchronized (lock) {
            return outcome(stopping == null ? StopReason.INTERRUPTED : stopping, stoppingDetail);
        }
    }

    /** Runs every worker's loop side by side until all have stopped; a worker's failure stops the others and is rethrown. */
    private void parallel(long startNanos, Guarded guarded) {
        RuntimeException[] failure = new RuntimeException[1];
        List<Runnable> bodies = new ArrayList<>();
        for (Worker w : workers.all()) {
            bodies.add(() -> {
                synchronized (lock) {
                    w.thread = Thread.currentThread();
                }
                try {
                    work(w, startNanos, guarded);
                } catch (RuntimeException | Error e) {
                    synchronized (lock) {
                        if (failure[0] == null) failure[0] = e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                    requestStop();
                }
            });
        }
        ports.threads().runAll(bodies, this::requestStop);
        synchronized (lock) {
            if (failure[0] != null) throw failure[0];
        }
    }

    /** One worker's loop: take the next run number, run the experiment, until something says stop. */
    private void work(Worker w, long startNanos, Guarded guarded) {
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
                End end;
                try {
                    end = machine.experiment(w, new Run(run), guarded);
                } finally {
                    synchronized (lock) {
                        inFlight.remove(run);
                    }
                }
                if (end == End.DEFERRED && !failures.pause(w)) end = End.INTERRUPTED;
                synchronized (lock) {
                    if (end == End.EXHAUSTED && stopping == null) stopping = StopReason.EXHAUSTED;
                    if (end == End.INTERRUPTED && stopping == null) stopping = StopReason.INTERRUPTED;
                    if (run % 10 == 0) emit(Records.summary(records));
                }
                if (end != End.DONE && end != End.DEFERRED) return;
            }
        } finally {
            workers.busy(w, 0, WorkerPhase.IDLE);
        }
    }

    /** Which limit, if any, forbids starting another experiment now; null when none. Holds the lock. */
    private StopReason limit(long startNanos) {
        if (stopRequested) return StopReason.INTERRUPTED;
        if (plan.maxExperiments().isPresent() && inFlight.isEmpty() && freeRun() > plan.maxExperiments().getAsInt()) {
            return StopReason.MAX_EXPERIMENTS;
        }
        if (plan.maxTime().isPresent()
                && Duration.ofNanos(ports.clock().nanos() - startNanos).compareTo(plan.maxTime().get()) >= 0) {
            return StopReason.MAX_TIME;
        }
        return Caps.check(plan, records).map(c -> stopAt(c.reason(), c.detail())).orElse(null);
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
        synchronized (lock) { // a stop named before its request (--max-time's deadline) is the reason, wherever it cut
            return reason == StopReason.INTERRUPTED && stopping != null ? new Outcome(stopping, stoppingDetail, records) : new Outcome(reason, detail, records);
        }
    }

    /**
     * For {@code helix try}: measures the baseline of a session that has none (running
     * evaluate.setup first), in this session's worktree, which must hold the unchanged code. Only
     * a baseline is recorded: after a crash or a stop there is no record and no ref, so a session
     * that could not start leaves nothing behind. The caller makes the session branch.
     *
     * @return the baseline record; a crash, not recorded; or empty when interrupted
     * @throws IllegalStateException when evaluate.setup fails, with its log's tail
     */
    public Optional<Experiment> measureBaseline() {
        Worker first = workers.first();
        first.thread = Thread.currentThread();
        spec.evaluate().setup().ifPresent(command -> {
            Executor.Result setup = evaluation.run(first, command, plan.logDir().resolve("setup.log"), "setup");
            if (setup.exitCode() != 0) {
                throw new IllegalStateException("evaluate.setup failed (" + Evaluation.failure(setup) + "):\n"
                        + setup.tail(Evaluation.CRASH_TAIL_LINES));
            }
        });
        Optional<Experiment> measured = machine.measureBaseline(first, plan.start());
        if (measured.isEmpty() || measured.get().status() != Status.BASELINE) return measured;
        ports.vcs().updateRef(plan.repo(), experimentRef(0, ""), plan.start());
        workers.prepare(first, Status.BASELINE, measured.get().commit());
        return Optional.of(history.append(measured.get()));
    }

    /** What one {@code helix try} did: the records it appended, and the changed files it left alone (the user's). */
    public record Tried(List<Experiment> appended, List<String> leftAlone) {}

    /**
     * For {@code helix try}: judges the edits already in the worktree as the next experiment,
     * exactly as {@link #run} judges a proposal (scope guard, commit, evaluate, judge, keep or
     * restore the best, record). The proposer only describes the edits. In a shared checkout the
     * user's untracked files outside scope.editable that changed are named, not judged.
     *
     * @param before the worktree's state without the edits: what changed since is the experiment
     * @return the records appended, in order (more than one only if the proposer fixes crashes), and the files left alone
     */
    public Tried tryEdits(Map<String, String> before) {
        Worker first = workers.first();
        first.thread = Thread.currentThread();
        synchronized (lock) {
            records.clear();
            records.addAll(ports.ledger().readTag(plan.tag()).experiments());
        }
        if (Records.baseline(records).isEmpty()) throw new IllegalStateException("session " + plan.tag() + " has no baseline");
        Guarded guarded = guarded();
        int known = records.size();
        int next = records.stream().mapToInt(Experiment::run).max().orElse(0) + 1;
        List<String> leftAlone = plan.checkout().changes(before, ports.vcs().snapshot(plan.worktree()),
                Set.copyOf(ports.vcs().trackedFiles(plan.worktree())), spec.scope()).leftAlone();
        first.presetBefore = Map.copyOf(before);
        try {
            machine.experiment(first, new Run(next), guarded);
        } finally {
            first.presetBefore = null;
        }
        synchronized (lock) {
            return new Tried(List.copyOf(records.subList(known, records.size())), leftAlone);
        }
    }

    /** For helix try, before {@link #tryEdits}: run.isolation settled as after a baseline, with {@code others} sessions measuring. */
    public dev.helix.core.spec.Isolation.Settled settleIsolation(int others) {
        return workers.settleAlongside(others, statistical(ports.ledger().readTag(plan.tag()).experiments()));
    }

    /** The files no experiment may change (helix.yaml, the evaluator, lock files and the readonly ones), hashed now. */
    private Guarded guarded() {
        Set<String> tracked = new TreeSet<>(ports.vcs().trackedFiles(plan.worktree()));
        Set<String> files = new TreeSet<>(ScopeGuard.protectedFiles(spec, plan.specFile(), tracked));
        files.addAll(ScopeGuard.readonlyFiles(spec, tracked));
        return new Guarded(files, ports.vcs().hashes(plan.worktree(), files));
    }

    // ---- What the experiment machine asks of the session: its shared state, under one lock.

    Workers workers() { return workers; }

    Ports ports() { return ports; }

    Plan plan() { return plan; }

    boolean stopRequested() { return stopRequested; }

    Instant now() {
        return ports.clock().now();
    }

    Attempt newAttempt(Worker w, int run, String parent, int attempt) {
        return Attempt.start(run, plan.tag(), w.id(), parent, now(), attempt, w.directionName());
    }

    /** Stops starting experiments, for {@code reason}, unless something already did; before {@link #requestStop}, it names the stop. */
    public void stopWith(StopReason reason, String detail) {
        synchronized (lock) {
            if (stopping == null) stopping = stopAt(reason, plan.redact().apply(detail));
        }
    }

    FailureWatch failures() {
        return failures;
    }

    /** The proposer has nothing left: why, for the session's stop reason. */
    void exhausted(String reason) {
        synchronized (lock) {
            if (stopping == null) stoppingDetail = reason;
        }
    }

    /** Whether the session judges statistically: as its baseline's noise says, else as the spec says. */
    boolean statistical(List<Experiment> history) {
        return Records.baseline(history).flatMap(Experiment::noise).map(Noise::statistical)
                .orElse(spec.judge().mode() == Spec.JudgeMode.STATISTICAL);
    }

    List<Experiment> snapshot() {
        return history.snapshot();
    }

    Experiment best() {
        return history.best();
    }

    void emit(Event e) {
        history.emit(e);
    }

    History history() {
        return history;
    }

    /** Appends a record of {@code run}: counted as one of its attempts and shown to its proposer from now on. */
    Experiment append(Run run, Experiment e) {
        run.attempts++;
        Experiment clean = history.append(e);
        run.history.add(clean);
        return clean;
    }

    private String branchName() {
        return plan.branchRef().replaceFirst("^refs/heads/", "");
    }

    private StopReason stopAt(StopReason reason, String detail) {
        stoppingDetail = detail;
        return reason;
    }

    /**
     * refs/helix/&lt;tag&gt;/&lt;run&gt;, with a suffix -fix&lt;k&gt; for fix-ups and -rebase&lt;k&gt; for a
     * stale candidate re-applied on a new best.
     */
    String experimentRef(int run, String suffix) {
        return "refs/helix/" + plan.tag() + "/" + run + suffix;
    }
}
