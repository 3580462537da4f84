package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Judge;
import dev.helix.core.judge.Verdict;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.Executor;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Vcs;
import dev.helix.core.port.WorkerThreads;
import dev.helix.core.port.Workspace;
import dev.helix.core.scope.ScopeGuard;
import dev.helix.core.session.ExperimentMachine.End;
import dev.helix.core.session.ExperimentMachine.Guarded;
import dev.helix.core.session.ExperimentMachine.Run;
import dev.helix.core.spec.Slot;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;

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
    /** Guards everything below, the workers' state, and every append to the ledger with what it moves. */
    private final Object lock = new Object();
    private final Workers workers;
    private final Evaluation evaluation;
    private final ExperimentMachine machine;
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
        this.workers = new Workers(this, lock, plan.lanes());
        this.evaluation = new Evaluation(this);
        this.machine = new ExperimentMachine(this, evaluation);
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
        records.addAll(ports.ledger().read().ofTag(plan.tag()));
        boolean resumed = !records.isEmpty();
        int next;
        synchronized (lock) {
            next = resumed ? freeRun() : 0;
        }
        emit(new Event.SessionStarted(plan.tag(), branchName(), plan.worktree(), resumed, next));

        String startCommit = Records.best(records).map(Experiment::commit).orElse(plan.start());
        for (Worker w : workers.all()) workers.reset(w, startCommit, List.of());
        if (resumed) ports.vcs().updateRef(plan.repo(), plan.branchRef(), startCommit);
        remeasureAfterResume.set(resumed);

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

        Guarded guarded = guarded();
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
                synchronized (lock) {
                    if (end == End.EXHAUSTED && stopping == null) stopping = StopReason.EXHAUSTED;
                    if (end == End.INTERRUPTED && stopping == null) stopping = StopReason.INTERRUPTED;
                    if (run % 10 == 0) emit(Records.summary(records));
                }
                if (end != End.DONE) return;
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

    /**
     * For {@code helix try}: measures the baseline of a session that has none (running
     * evaluate.setup first), in this session's worktree, which must hold the unchanged code.
     *
     * @return the baseline record, or empty when interrupted
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
        Worker first = workers.first();
        first.thread = Thread.currentThread();
        synchronized (lock) {
            records.clear();
            records.addAll(ports.ledger().read().ofTag(plan.tag()));
        }
        if (Records.baseline(records).isEmpty()) throw new IllegalStateException("session " + plan.tag() + " has no baseline");
        Guarded guarded = guarded();
        int known = records.size();
        int next = records.stream().mapToInt(Experiment::run).max().orElse(0) + 1;
        first.presetBefore = Map.copyOf(before);
        try {
            machine.experiment(first, new Run(next), guarded);
        } finally {
            first.presetBefore = null;
        }
        synchronized (lock) {
            return List.copyOf(records.subList(known, records.size()));
        }
    }

    /** The files no experiment may change (helix.yaml, the evaluator, lock files and the readonly ones), hashed now. */
    private Guarded guarded() {
        Set<String> tracked = new TreeSet<>(ports.vcs().trackedFiles(plan.worktree()));
        Set<String> files = new TreeSet<>(ScopeGuard.protectedFiles(spec, plan.specFile(), tracked));
        files.addAll(ScopeGuard.readonlyFiles(spec, tracked));
        return new Guarded(files, ports.vcs().hashes(plan.worktree(), files));
    }

    /** Measures the unchanged code; empty when interrupted (it is then redone on resume). */
    private Optional<Experiment> baseline(Worker w, String commit) {
        Attempt attempt = newAttempt(w, 0, commit, 0).committed(commit, dev.helix.core.experiment.DiffStat.NONE)
                .describedAs("baseline");
        ports.vcs().updateRef(plan.repo(), experimentRef(0, ""), commit);
        emit(new Event.ExperimentStarted(plan.tag(), 0));
        Measurement measurement = new Measurement(evaluation, w, 0, 0, primaryName());
        Optional<Readings> measured = workers.holdingSlot(w, 0, WorkerPhase.EVALUATING, () -> measurement.repeats(spec.evaluate().repeats()));
        if (measured.isEmpty() || measured.get().interrupted()) return Optional.empty();
        Readings r = measured.get();
        Experiment record;
        if (r.crash().isPresent()) {
            record = attempt.record(Status.CRASH, r.crash().get(), r, primaryName(), Optional.empty(), Optional.empty(),
                    List.of(), now());
        } else {
            Readings noisy = ExperimentMachine.withNoise(r, spec);
            Noise noise = noisy.noise().orElseThrow();
            record = attempt.record(Status.BASELINE, "the unchanged code" + (r.samples().size() > 1
                    ? ", measured " + r.samples().size() + " times; " + noise.render(Double.NaN) : ""),
                    noisy, primaryName(), Optional.empty(), Optional.empty(), List.of(), now());
        }
        return Optional.of(append(record));
    }

    // ---- What the experiment machine asks of the session: its shared state, under one lock.

    Workers workers() {
        return workers;
    }

    Ports ports() {
        return ports;
    }

    Plan plan() {
        return plan;
    }

    boolean stopRequested() {
        return stopRequested;
    }

    Instant now() {
        return ports.clock().now();
    }

    Attempt newAttempt(Worker w, int run, String parent, int attempt) {
        return Attempt.start(run, plan.tag(), w.id(), parent, now(), attempt, w.directionName());
    }

    /** The proposer has nothing left: why, for the session's stop reason. */
    void exhausted(String reason) {
        synchronized (lock) {
            if (stopping == null) stoppingDetail = reason;
        }
    }

    boolean takeRemeasureAfterResume() {
        return remeasureAfterResume.getAndSet(false);
    }

    /** Whether the session judges statistically: as its baseline's noise says, else as the spec says. */
    boolean statistical(List<Experiment> history) {
        return Records.baseline(history).flatMap(Experiment::noise).map(Noise::statistical)
                .orElse(spec.judge().mode() == Spec.JudgeMode.STATISTICAL);
    }

    /** What settling a judged candidate did: the ratchet's decision, the record it appended (if any), the best it saw. */
    record Settlement(Ratchet.Decision decision, Optional<Experiment> record, Experiment current) {}

    /**
     * Decides a judged candidate against the best of this moment and records it, in one step under
     * the lock: a keep is appended and the branch moved to it only while the best is still the one
     * it was judged against. A stale candidate is left to the caller to record.
     */
    Settlement settle(Run run, ExperimentState.Judged j, BiFunction<Verdict, Experiment, Ratchet.Decision> decide) {
        synchronized (lock) {
            Experiment current = Records.best(records).orElseThrow();
            Ratchet.Decision decision = decide.apply(j.verdict(), current);
            return switch (decision) {
                case Ratchet.Decision.Keep keep -> {
                    Experiment kept = append(run, j.attempt().record(Status.KEEP, j.verdict().reason(), j.readings(),
                            primaryName(), j.verdict().delta(), j.verdict().deltaPct(), List.of(), now()));
                    ports.vcs().updateRef(plan.repo(), plan.branchRef(), j.attempt().commit());
                    yield new Settlement(decision, Optional.of(kept), current);
                }
                case Ratchet.Decision.Record r -> new Settlement(decision, Optional.of(append(run, j.attempt().record(r.status(),
                        j.verdict().reason(), j.readings(), primaryName(), j.verdict().delta(), j.verdict().deltaPct(),
                        List.of(), now()))), current);
                case Ratchet.Decision.Stale s -> new Settlement(decision, Optional.empty(), current);
            };
        }
    }

    /** Appends a record of {@code run}: counted as one of its attempts and shown to its proposer from now on. */
    Experiment append(Run run, Experiment e) {
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

    List<Experiment> snapshot() {
        synchronized (lock) {
            return List.copyOf(records);
        }
    }

    Experiment best() {
        synchronized (lock) {
            return Records.best(records).orElseThrow();
        }
    }

    /** Events reach the sink one at a time, whichever worker sends them. */
    void emit(Event e) {
        synchronized (lock) {
            ports.events().emit(e);
        }
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
    String experimentRef(int run, String suffix) {
        return "refs/helix/" + plan.tag() + "/" + run + suffix;
    }
}
