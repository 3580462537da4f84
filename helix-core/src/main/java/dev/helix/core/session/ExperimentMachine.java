package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.DiffStat;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Noise;
import dev.helix.core.experiment.Status;
import dev.helix.core.judge.PowerPlan;
import dev.helix.core.judge.SequentialJudge;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.port.Vcs;
import dev.helix.core.scope.Strays;
import dev.helix.core.session.ExperimentState.Checking;
import dev.helix.core.session.ExperimentState.Committed;
import dev.helix.core.session.ExperimentState.Deferred;
import dev.helix.core.session.ExperimentState.Exhausted;
import dev.helix.core.session.ExperimentState.Interrupted;
import dev.helix.core.session.ExperimentState.Judged;
import dev.helix.core.session.ExperimentState.Measured;
import dev.helix.core.session.ExperimentState.Proposed;
import dev.helix.core.session.ExperimentState.Rebasing;
import dev.helix.core.session.ExperimentState.Rejected;
import dev.helix.core.session.ExperimentState.Settled;
import dev.helix.core.session.ExperimentState.Stale;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Moves one experiment of one worker through its {@link ExperimentState}s: propose, scope guard,
 * commit, measure, judge, the checks of a would-be keep, and the ratchet (keep, or record it and go back to the best; re-apply a
 * stale keep on the new best). After a crash the proposer may fix the crashed code, each fix-up an
 * attempt of the same run.
 */
final class ExperimentMachine {

    /** How an experiment ended for the worker's loop. */
    enum End { DONE, EXHAUSTED, INTERRUPTED, DEFERRED }

    /** An experiment in progress: its run number and what its attempts recorded. */
    static final class Run {
        final int number;
        int attempts;
        int rebases;
        /** The best the run's code descends from and is judged against (fix-ups build on it too). */
        Experiment base;
        /** What the proposer is shown: the records at the run's start, then this run's own. */
        final List<Experiment> history = new ArrayList<>();

        Run(int number) { this.number = number; }
    }

    /** The files no experiment may change, and their hashes when the session started. */
    record Guarded(Set<String> files, Map<String, String> hashes) {}

    private final Session session;
    private final Spec spec;
    private final Vcs vcs;
    private final Proposer proposer;
    private final Evaluation evaluation;
    private final CorrectnessGate gate;

    ExperimentMachine(Session session, Evaluation evaluation) {
        this.session = session;
        this.spec = session.plan().spec();
        this.vcs = session.ports().vcs();
        this.proposer = session.ports().proposer();
        this.evaluation = evaluation;
        this.gate = new CorrectnessGate(session, evaluation);
    }

    /**
     * One experiment: a proposal and its verdict, then, after a crash, up to
     * {@code agent.max_fix_attempts} fix-ups of the crashed code. All of it descends from the best
     * at the start, and is judged against that best.
     */
    End experiment(Worker w, Run run, Guarded guarded) {
        // One snapshot: the best the proposer builds on and the history it is shown agree.
        run.history.addAll(session.snapshot());
        run.base = Records.best(run.history).orElseThrow();
        // Another worker may have moved the best since this worktree last went back to it.
        if (w.presetBefore == null && !run.base.commit().equals(w.head)) session.workers().revert(w, run.base.commit());
        int fixes = proposer.fixesCrashes() ? spec.agent().maxFixAttempts() : 0;
        String from = run.base.commit();
        Optional<Experiment> crashed = Optional.empty();
        for (int fix = 0; fix <= fixes; fix++) {
            ExperimentState end = attempt(w, run, fix, from, crashed, guarded);
            if (end instanceof Deferred deferred) {
                w.backoff = deferred.delay();
                return End.DEFERRED;
            }
            if (!(end instanceof Settled settled)) return End.EXHAUSTED;
            Experiment e = settled.record();
            if (e.status() == Status.INTERRUPTED) return End.INTERRUPTED;
            if (e.status() != Status.CRASH || e.commit().isEmpty() || fix == fixes || session.stopRequested()
                    || !proposer.fixes(e)) break;
            from = e.commit();
            crashed = Optional.of(e);
        }
        String end = session.best().commit();
        if (!end.equals(w.head)) session.workers().revert(w, end); // a discard already went back to it
        return End.DONE;
    }

    /** One attempt from {@code from} (the best, or for a fix-up the crashed attempt) until it settles. */
    private ExperimentState attempt(Worker w, Run run, int fix, String from, Optional<Experiment> crashed, Guarded guarded) {
        ExperimentState state = propose(w, run, fix, from, crashed);
        while (!(state instanceof Settled || state instanceof Exhausted || state instanceof Deferred)) {
            state = switch (state) {
                case Proposed p -> commit(w, run, fix, p, guarded);
                case Committed c -> measure(w, c);
                case Measured m -> CorrectnessGate.next(judge(m), spec.evaluate().checks());
                case Checking c -> gate.check(w, c);
                case Judged j -> ratchet(w, run, j);
                case Stale s -> stale(w, run, s);
                case Rebasing r -> rebased(run, r);
                case Rejected r -> new Settled(record(run, r.attempt(), Readings.NOTHING, Status.REJECTED, r.reason(), r.paths()));
                case Interrupted i -> new Settled(record(run, i.attempt(), i.readings(), Status.INTERRUPTED, i.reason(), List.of()));
                case Settled s -> s;
                case Exhausted e -> e;
                case Deferred d -> d;
            };
        }
        return state;
    }

    /** Asks the proposer for a change in the worker's worktree (at {@code from}). */
    private ExperimentState propose(Worker w, Run run, int fix, String from, Optional<Experiment> crashed) {
        Experiment best = run.base;
        Path wt = w.worktree();
        Attempt attempt = session.newAttempt(w, run.number, from, run.attempts);
        session.emit(new Event.ExperimentStarted(session.plan().tag(), run.number));
        Set<String> trackedAtParent = session.workers().tracked(w, from);
        // In Helix's worktree an ignored file the proposer leaves would be read by the evaluation but not committed.
        boolean own = session.plan().checkout() == Checkout.HELIX;
        Vcs.Look look = w.presetBefore != null ? new Vcs.Look(w.presetBefore, own ? vcs.ignoredFiles(wt) : Map.of())
                : vcs.look(wt, own);
        if (own && w.presetBefore == null && look.changed().keySet().stream().anyMatch(trackedAtParent::contains)) {
            // A tracked file differs from the commit (an evaluation wrote it; a revert leaves it): the
            // proposer starts from exactly the commit, as the evaluation of its change will.
            session.workers().reset(w, from, List.of());
            look = vcs.look(wt, own);
        }
        Map<String, String> before = look.changed();
        Map<String, String> ignoredBefore = look.ignored();
        session.workers().busy(w, run.number, fix == 0 ? WorkerPhase.PROPOSING : WorkerPhase.FIXING);
        Optional<Proposal> answer;
        session.workers().enter(w);
        try {
            answer = Optional.of(proposer.propose(new Proposer.Request(run.number, session.plan().tag(), spec,
                    session.plan().program(), wt, Records.baseline(run.history).orElseThrow(), best, run.history,
                    crashed.map(c -> c.logTail().orElse("")), w.id(), w.lane.direction().map(Direction::text),
                    session.plan().briefing(), fix, crashed)));
        } catch (InterruptedException e) {
            answer = Optional.empty();
            if (e instanceof Proposer.Cut c) attempt = attempt.cut(c.usage()); // requests that completed before the cut were paid for
        } finally {
            session.workers().leave(w);
        }
        // In a shared checkout the user's own untracked files are not the experiment: never committed, never removed.
        Vcs.Look after = vcs.look(wt, own);
        Checkout.Changes changes = session.plan().checkout().changes(before, after.changed(), trackedAtParent, spec.scope());
        List<String> changed = changes.experiment();
        Strays strays = own ? Strays.between(ignoredBefore, after.ignored()) : Strays.NONE;
        List<String> created = new ArrayList<>(changes.created());
        created.addAll(strays.created());
        if (answer.isEmpty() || session.stopRequested()) {
            Attempt described = answer.map(attempt::described).orElse(attempt);
            session.workers().reset(w, best.commit(), created);
            return new Interrupted(described, Readings.NOTHING, "stopped while the proposer was working");
        }
        Proposal proposal = answer.get();
        attempt = attempt.described(proposal);
        return switch (proposal) {
            case Proposal.Exhausted exhausted -> {
                session.workers().reset(w, best.commit(), created);
                session.exhausted(exhausted.reason());
                yield new Exhausted(exhausted.reason());
            }
            case Proposal.Failure failure -> {
                session.workers().reset(w, best.commit(), created);
                String reason = "the proposer failed: " + failure.reason();
                yield switch (session.failures().failed(failure)) {
                    case Breaker.Decision.Go go -> new Rejected(attempt, reason, changed);
                    case Breaker.Decision.Wait wait -> new Deferred(wait.delay());
                    case Breaker.Decision.Stop stop -> new Rejected(attempt, reason + "; stopped: " + stop.reason(), changed);
                };
            }
            case Proposal.Change change -> {
                session.failures().succeeded();
                session.emit(new Event.Proposed(run.number, session.plan().redact().apply(attempt.description())));
                yield new Proposed(attempt, changed, changes.created(), strays);
            }
        };
    }

    /** The scope guard, then the commit (kept under refs/helix/&lt;tag&gt;/&lt;run&gt;). */
    private ExperimentState commit(Worker w, Run run, int fix, Proposed p, Guarded guarded) {
        Experiment best = run.base;
        Path wt = w.worktree();
        Optional<ProposalCheck.Refusal> refusal = ProposalCheck.check(vcs, wt, spec, p, guarded, w.prepared);
        if (refusal.isPresent()) {
            session.workers().reset(w, best.commit(), ProposalCheck.leftovers(spec, p));
            return new Rejected(p.attempt(), refusal.get().reason(), refusal.get().paths());
        }
        if (p.changed().isEmpty()) {
            session.workers().reset(w, best.commit(), ProposalCheck.leftovers(spec, p));
            return new Rejected(p.attempt(), "the proposer changed no file", List.of());
        }
        String label = fix == 0 ? "#" + run.number : "#" + run.number + " fix " + fix;
        // The commit message is written before the record is redacted: redact it here.
        String commit = vcs.commit(wt, p.changed(), session.plan().redact().apply(
                "helix(" + session.plan().tag() + label + "): " + p.attempt().description()));
        w.head = commit;
        // scope.stray_files: remove — the worktree holds exactly the commit before it is evaluated.
        if (!p.strays().isEmpty()) session.workers().reset(w, commit, ProposalCheck.leftovers(spec, p));
        vcs.updateRef(session.plan().repo(), session.experimentRef(run.number, fix == 0 ? "" : "-fix" + fix), commit);
        Attempt committed = p.attempt().committed(commit, vcs.diffStat(wt, best.commit(), commit));
        if (session.stopRequested()) {
            session.workers().reset(w, best.commit(), List.of());
            return new Interrupted(committed, Readings.NOTHING, "stopped before the evaluation");
        }
        session.emit(new Event.Evaluating(run.number, commit));
        return new Committed(committed, best, WorkerPhase.EVALUATING);
    }

    /** Measures the candidate, holding a slot for the whole comparison. */
    private ExperimentState measure(Worker w, Committed c) {
        List<Experiment> history = session.snapshot();
        boolean statistical = session.statistical(history);
        Attempt a = c.attempt();
        Experiment best = c.against();
        Measurement measurement = new Measurement(evaluation, w, a.run(), a.attempt(), spec.metrics().primary().name());
        Optional<Readings> readings = session.workers().holdingSlot(w, a.run(), c.phase(), () -> statistical
                ? interleaved(w, measurement, a, best, history)
                : measurement.repeats(spec.judge().mode() == Spec.JudgeMode.STRICT ? spec.evaluate().repeats() : 1));
        if (readings.isEmpty() || readings.get().interrupted()) {
            session.workers().reset(w, best.commit(), List.of());
            return new Interrupted(a, readings.orElse(Readings.NOTHING), "stopped during the evaluation (its processes were killed)");
        }
        return new Measured(a, best, readings.get(), statistical);
    }

    /** Statistical mode: the candidate measured in blocks with the incumbent, judged sequentially on the differences. */
    private Readings interleaved(Worker w, Measurement measurement, Attempt a, Experiment best, List<Experiment> history) {
        // The incumbent's earlier samples only scale a relative min_improvement; the comparison is within the blocks.
        List<Double> pool = Records.pools(history).getOrDefault(best.commit(), List.of());
        double level = pool.isEmpty() ? best.primary().orElse(0.0) : SequentialJudge.mean(pool);
        SequentialJudge.Settings settings = new SequentialJudge.Settings(spec.metrics().primary().optimize(),
                spec.judge().minImprovement().against(level), spec.judge().confidence(), spec.judge().maxRepeats());
        return measurement.interleaved(best, Records.differencePrior(history), settings, new Measurement.Sides() {
            @Override
            public void toIncumbent() {
                vcs.reset(w.worktree(), best.commit(), List.of());
            }

            @Override
            public void toCandidate() {
                vcs.reset(w.worktree(), a.commit(), List.of());
            }
        });
    }

    private Judged judge(Measured m) {
        return new Judged(m.attempt(), m.against(), m.readings(), m.statistical()
                ? Judging.statistical(m.readings(), m.against(), spec)
                : Judging.strict(m.readings(), m.against(), m.attempt().diff(), spec));
    }

    /**
     * Records the verdict. A keep moves the branch only if the best is still the one it was judged
     * against; the decision, the record and the branch move happen under the session's lock.
     */
    private ExperimentState ratchet(Worker w, Run run, Judged j) {
        // What the ledger does before a keep (the hold-out) runs before the lock: a candidate found stale then wasted it.
        if (j.verdict().status() == Status.KEEP) session.workers().prepare(w, Status.KEEP, j.attempt().commit());
        Settlement settlement = session.history().atBest(current -> settle(run, j, current));
        return switch (settlement.decision()) {
            case Ratchet.Decision.Keep keep -> new Settled(settlement.record().orElseThrow());
            case Ratchet.Decision.Record r -> {
                if (r.status() != Status.CRASH) session.workers().revert(w, j.against().commit());
                yield new Settled(settlement.record().orElseThrow());
            }
            case Ratchet.Decision.Stale s -> new Stale(j, settlement.current(), s);
        };
    }

    /** What settling a judged candidate did: the ratchet's decision, the record it appended (if any), the best it saw. */
    private record Settlement(Ratchet.Decision decision, Optional<Experiment> record, Experiment current) {}

    /** Decides against the best of this moment ({@code current}) and records it; a stale candidate is left to record. */
    private Settlement settle(Run run, Judged j, Experiment current) {
        Ratchet.Decision decision = Ratchet.decide(j.verdict(), j.against(), current, spec.run().onStale(), run.rebases,
                session.stopRequested(), spec.metrics().primary().name());
        return switch (decision) {
            case Ratchet.Decision.Keep keep -> {
                Experiment kept = recordVerdict(run, j, Status.KEEP);
                vcs.updateRef(session.plan().repo(), session.plan().branchRef(), j.attempt().commit());
                yield new Settlement(decision, Optional.of(kept), current);
            }
            case Ratchet.Decision.Record r -> new Settlement(decision, Optional.of(recordVerdict(run, j, r.status())), current);
            case Ratchet.Decision.Stale s -> new Settlement(decision, Optional.empty(), current);
        };
    }

    private Experiment recordVerdict(Run run, Judged j, Status status) {
        return session.append(run, j.attempt().record(status, j.verdict().reason(), j.readings(), spec.metrics().primary().name(),
                j.verdict().delta(), j.verdict().deltaPct(), List.of(), session.now()));
    }

    /** A stale keep: recorded, and re-applied on the new best when the ratchet says so. */
    private ExperimentState stale(Worker w, Run run, Stale s) {
        Judged j = s.judged();
        Experiment current = s.current();
        session.workers().reset(w, current.commit(), List.of());
        if (!s.decision().rebase()) return new Settled(recordStale(run, j, s.decision().reason()));
        boolean theirs = proposer.changesStandAlone();
        Attempt a = j.attempt();
        // The whole change since the base it was judged against: a fix-up's crashed attempt included.
        Optional<String> picked = vcs.cherryPick(w.worktree(), j.against().commit(), a.commit(), session.plan().redact().apply(
                "helix(" + session.plan().tag() + "#" + run.number + " on #" + current.run() + "): " + a.description()), theirs);
        picked.ifPresent(c -> w.head = c);
        if (picked.isEmpty()) {
            return new Settled(recordStale(run, j, s.decision().reason() + "; its change does not apply on that one (a conflict)"));
        }
        recordStale(run, j, s.decision().reason() + "; re-applied on it" + (theirs ? " (its own values where both changed)" : "")
                + " and judged again as attempt " + (run.attempts + 1));
        run.rebases++;
        run.base = current;
        Attempt again = a.rebased(current.commit(), session.now(), run.attempts, picked.get(),
                vcs.diffStat(w.worktree(), current.commit(), picked.get()));
        vcs.updateRef(session.plan().repo(), session.experimentRef(run.number, "-rebase" + run.rebases), again.commit());
        return new Rebasing(again, current);
    }

    private ExperimentState rebased(Run run, Rebasing r) {
        session.emit(new Event.ExperimentStarted(session.plan().tag(), run.number));
        session.emit(new Event.Evaluating(run.number, r.attempt().commit()));
        return new Committed(r.attempt(), r.onto(), WorkerPhase.RE_EVALUATING);
    }

    private Experiment recordStale(Run run, Judged j, String reason) {
        return session.append(run, j.attempt().record(Status.STALE, reason, j.readings(), spec.metrics().primary().name(),
                j.verdict().delta(), j.verdict().deltaPct(), List.of(), session.now()));
    }

    private Experiment record(Run run, Attempt a, Readings readings, Status status, String reason, List<String> paths) {
        return session.append(run, a.record(status, reason, readings, spec.metrics().primary().name(), Optional.empty(),
                Optional.empty(), paths, session.now()));
    }

    /** Measures the unchanged code and records it (a crash too); empty when interrupted (it is then redone on resume). */
    Optional<Experiment> baseline(Worker w, String commit) {
        vcs.updateRef(session.plan().repo(), session.experimentRef(0, ""), commit);
        Optional<Experiment> recorded = measureBaseline(w, commit).map(b -> {
            if (b.status() == Status.BASELINE) session.workers().prepare(w, Status.BASELINE, b.commit());
            return session.history().append(b);
        });
        recorded.flatMap(b -> PowerPlan.of(b, spec.judge())).ifPresent(p -> PowerPlan.notices(p).forEach(n -> session.emit(new Event.Notice(n))));
        return recorded;
    }

    /** Measures the unchanged code without recording it: its record (a baseline or a crash), or empty when interrupted. */
    Optional<Experiment> measureBaseline(Worker w, String commit) {
        Attempt attempt = session.newAttempt(w, 0, commit, 0).committed(commit, DiffStat.NONE)
                .describedAs("baseline").withParameters(proposer.parameters(spec, w.worktree()));
        session.emit(new Event.ExperimentStarted(session.plan().tag(), 0));
        Measurement measurement = new Measurement(evaluation, w, 0, 0, spec.metrics().primary().name());
        Optional<Readings> measured = session.workers().holdingSlot(w, 0, WorkerPhase.EVALUATING, () -> measurement.repeats(spec.evaluate().repeats()));
        if (measured.isEmpty() || measured.get().interrupted()) return Optional.empty();
        Readings r = measured.get();
        Experiment record;
        if (r.crash().isPresent()) {
            record = attempt.record(Status.CRASH, r.crash().get(), r, spec.metrics().primary().name(), Optional.empty(), Optional.empty(),
                    List.of(), session.now());
        } else {
            Readings noisy = withNoise(r, spec);
            Noise noise = noisy.noise().orElseThrow();
            record = attempt.record(Status.BASELINE, "the unchanged code" + (r.samples().size() > 1
                    ? ", measured " + r.samples().size() + " times; " + noise.render(Double.NaN) : ""),
                    noisy, spec.metrics().primary().name(), Optional.empty(), Optional.empty(), List.of(), session.now());
        }
        return Optional.of(record);
    }

    /** The baseline's readings with the noise of its repeats and the judge mode chosen from it. */
    static Readings withNoise(Readings r, Spec spec) {
        return r.withNoise(Noise.of(r.samples(), switch (spec.judge().mode()) {
            case STRICT -> Noise.STRICT;
            case STATISTICAL -> Noise.STATISTICAL;
            case AUTO -> r.samples().stream().distinct().count() <= 1 ? Noise.STRICT : Noise.STATISTICAL;
        }));
    }
}
