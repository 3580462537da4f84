package dev.helix.core.session;

import dev.helix.core.experiment.Status;
import dev.helix.core.judge.Verdict;
import dev.helix.core.port.Executor;
import dev.helix.core.session.ExperimentState.Checking;
import dev.helix.core.session.ExperimentState.Interrupted;
import dev.helix.core.session.ExperimentState.Judged;
import dev.helix.core.spec.Checks;
import java.util.List;
import java.util.Optional;

/**
 * The correctness gate (evaluate.checks): the step between the judge's keep and the ratchet. The
 * checks run only for a candidate the judge would keep, so their cost is paid for winners alone; a
 * failure turns the keep into a discard whose record shows the checks' log and its last lines.
 */
final class CorrectnessGate {
    private final Session session;
    private final Evaluation evaluation;

    CorrectnessGate(Session session, Evaluation evaluation) {
        this.session = session;
        this.evaluation = evaluation;
    }

    /** The judge's keep when evaluate.checks is set, so that the checks come first; otherwise the judgement as it is. */
    static ExperimentState next(Judged judged, Optional<Checks> checks) {
        return judged.verdict().status() == Status.KEEP && checks.isPresent() ? new Checking(judged) : judged;
    }

    /** Runs the checks on the candidate's commit, holding a slot as its evaluation did. */
    ExperimentState check(Worker w, Checking c) {
        Judged j = c.judged();
        Attempt a = j.attempt();
        // In Helix's worktree the checks see exactly the commit (the evaluation may have written tracked files).
        if (session.plan().checkout() == Checkout.HELIX) session.workers().reset(w, a.commit(), List.of());
        Optional<Evaluation.Checked> ran = session.workers().holdingSlot(w, a.run(), WorkerPhase.CHECKING,
                () -> evaluation.checks(w, a.run(), a.attempt()));
        if (ran.isEmpty() || ran.get().result().interrupted()) {
            session.workers().reset(w, j.against().commit(), List.of());
            return new Interrupted(a, j.readings(), "stopped during the checks (their processes were killed)");
        }
        return judged(j, ran.get(), session.plan().spec().evaluate().checks().orElseThrow());
    }

    /** What the checks' result makes of the judge's keep: the keep (saying they passed), or a discard with their log. */
    static Judged judged(Judged j, Evaluation.Checked checked, Checks checks) {
        Executor.Result r = checked.result();
        Verdict v = j.verdict();
        ChecksVerdict verdict = ChecksVerdict.of(r, checks);
        if (verdict.passed()) {
            return new Judged(j.attempt(), j.against(), j.readings(),
                    new Verdict(Status.KEEP, v.reason() + "; checks passed", v.delta(), v.deltaPct()));
        }
        String reason = "checks failed (" + verdict.failure().orElseThrow() + ", log " + checked.log() + "); the judge would have kept it: "
                + v.reason();
        return new Judged(j.attempt(), j.against(), j.readings().withLog(checked.log(), r.tail(Evaluation.CRASH_TAIL_LINES)),
                new Verdict(Status.DISCARD, reason, v.delta(), v.deltaPct()));
    }
}
