package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.changesNothing;
import static dev.helix.core.session.ScriptedProposer.signalling;
import static dev.helix.core.session.ScriptedProposer.writes;
import static dev.helix.core.session.ScriptedProposer.writesAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A whole session on in-memory fakes: the ratchet as the ledger, the refs and the worktrees show
 * it. The score is the number in x.txt (a.txt + b.txt with two workers); higher is better.
 */
@Timeout(30)
class SessionTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1", "y.txt", "left alone"));

    @Test
    void theFirstRecordIsRunZeroTheBaselineMeasuringTheUnchangedCode() {
        Outcome outcome = bench.session(0).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        assertThat(bench.ledger.records()).hasSize(1);
        Experiment baseline = bench.ledger.records().get(0);
        assertThat(baseline.run()).isZero();
        assertThat(baseline.attempt()).isZero();
        assertThat(baseline.status()).isEqualTo(Status.BASELINE);
        assertThat(baseline.description()).isEqualTo("baseline");
        assertThat(baseline.reason()).isEqualTo("the unchanged code");
        assertThat(baseline.primary()).contains(1.0);
        assertThat(baseline.metrics()).isEqualTo(Map.of("score", 1.0));
        assertThat(baseline.parent()).isEqualTo(bench.start);
        assertThat(baseline.commit()).isEqualTo(bench.start);
        assertThat(baseline.log()).isEqualTo(".helix/runs/t/0.log");
        assertThat(bench.branch()).isEqualTo(bench.start);
        assertThat(bench.experimentRef("0")).contains(bench.start);
        assertThat(bench.executor().logs()).containsExactly("0.log");
        assertThat(bench.proposer.requests()).isEmpty();
        assertThat(outcome.baseline()).contains(baseline);
    }

    @Test
    void aBetterCandidateIsKeptAndTheBranchMovesToItsCommit() {
        bench.proposer.then(writes("x.txt", "3"));

        Outcome outcome = bench.session(1).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        Experiment kept = bench.record(1, 0);
        assertThat(kept.status()).isEqualTo(Status.KEEP);
        assertThat(kept.reason()).isEqualTo("improved: score 1 -> 3 (+2, +200.00%)");
        assertThat(kept.delta()).contains(2.0);
        assertThat(kept.deltaPct()).contains(200.0);
        assertThat(kept.primary()).contains(3.0);
        assertThat(kept.description()).isEqualTo("x.txt = 3");
        assertThat(kept.parent()).isEqualTo(bench.start);
        assertThat(kept.commit()).isNotEmpty().isNotEqualTo(bench.start);
        assertThat(bench.vcs.parentOf(kept.commit())).isEqualTo(bench.start);
        assertThat(bench.vcs.filesAt(kept.commit())).containsEntry("x.txt", "3");
        assertThat(bench.branch()).isEqualTo(kept.commit());
        assertThat(bench.experimentRef("1")).contains(kept.commit());
        assertThat(outcome.best()).contains(kept);
        Proposer.Request asked = bench.proposer.requests().get(0);
        assertThat(asked.experiment()).isEqualTo(1);
        assertThat(asked.best().run()).isZero();
        assertThat(asked.crashLogTail()).isEmpty();
    }

    @Test
    void aWorseCandidateIsDiscardedAndTheWorktreeGoesBackToTheBest() {
        bench.proposer.then(writes("x.txt", "3"), writes("x.txt", "2"));

        bench.session(2).run();

        Experiment best = bench.record(1, 0);
        Experiment discarded = bench.record(2, 0);
        assertThat(discarded.status()).isEqualTo(Status.DISCARD);
        assertThat(discarded.reason()).isEqualTo("worse: score 3 -> 2 (-1, -33.33%)");
        assertThat(discarded.delta()).contains(-1.0);
        assertThat(discarded.parent()).isEqualTo(best.commit());
        // Its commit stays reachable under its ref; the branch and the worktree are at the best.
        assertThat(bench.experimentRef("2")).contains(discarded.commit());
        assertThat(bench.vcs.filesAt(discarded.commit())).containsEntry("x.txt", "2");
        assertThat(bench.branch()).isEqualTo(best.commit());
        assertThat(bench.vcs.head(SessionBench.WORKTREE)).isEqualTo(best.commit());
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(best.commit()));
        assertThat(bench.proposer.requests().get(1).best().run()).isEqualTo(1);
    }

    @Test
    void aCrashIsRecordedWithItsLogTailAndTheFixUpIsAttemptOneOfTheSameRun() {
        bench.proposer.then(writes("x.txt", "oops"), writes("x.txt", "5"));

        Outcome outcome = bench.session(1).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        Experiment crash = bench.record(1, 0);
        assertThat(crash.status()).isEqualTo(Status.CRASH);
        assertThat(crash.reason()).isEqualTo("exit code 1");
        assertThat(crash.exitCode()).contains(1);
        assertThat(crash.primary()).isEmpty();
        assertThat(crash.logTail()).contains("loading x.txt\nTraceback (most recent call last):\n"
                + "ValueError: could not convert string to float: 'oops'");
        assertThat(bench.experimentRef("1")).contains(crash.commit());

        // The proposer is shown the crash and fixes the crashed code.
        assertThat(bench.proposer.requests()).hasSize(2);
        Proposer.Request fixing = bench.proposer.requests().get(1);
        assertThat(fixing.experiment()).isEqualTo(1);
        assertThat(fixing.crashLogTail()).isEqualTo(crash.logTail());

        Experiment fix = bench.record(1, 1);
        assertThat(fix.status()).isEqualTo(Status.KEEP);
        assertThat(fix.parent()).isEqualTo(crash.commit());
        assertThat(fix.delta()).as("judged against the best the experiment started from").contains(4.0);
        assertThat(fix.log()).isEqualTo(".helix/runs/t/1-1.log");
        assertThat(bench.experimentRef("1-fix1")).contains(fix.commit());
        assertThat(bench.branch()).isEqualTo(fix.commit());
        assertThat(bench.ledger.records()).extracting(Experiment::run, Experiment::attempt, Experiment::status)
                .containsExactly(tuple(0, 0, Status.BASELINE),
                        tuple(1, 0, Status.CRASH),
                        tuple(1, 1, Status.KEEP));
    }

    @Test
    void aProposerThatCannotFixCrashesLeavesTheCrashAsTheWholeExperimentAndTheWorktreeAtTheBest() {
        bench.proposer.notFixingCrashes().then(writes("x.txt", "oops"), writes("x.txt", "2"));

        bench.session(2).run();

        assertThat(bench.record(1, 0).status()).isEqualTo(Status.CRASH);
        Experiment next = bench.record(2, 0);
        assertThat(next.parent()).as("the next experiment starts from the best, not from the crash").isEqualTo(bench.start);
        assertThat(next.status()).isEqualTo(Status.KEEP);
        assertThat(bench.ledger.records()).hasSize(3);
    }

    @Test
    void anEvaluationOverItsBudgetIsACrashThatSaysSo() {
        bench.evaluating(files -> files.get("x.txt").equals("slow") ? FakeExecutor.Run.timeout("epoch 1\n")
                : FakeExecutor.sumOf("x.txt").apply(files));
        bench.proposer.notFixingCrashes().then(writes("x.txt", "slow"));

        bench.session(1).run();

        Experiment crash = bench.record(1, 0);
        assertThat(crash.status()).isEqualTo(Status.CRASH);
        assertThat(crash.reason()).isEqualTo("timed out after 60s (evaluate.timeout_seconds)");
        assertThat(crash.timedOut()).isTrue();
        assertThat(crash.exitCode()).isEmpty();
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }

    @Test
    void anEditOutsideScopeIsRejectedNamingThePathsAndNothingIsCommitted() {
        bench.proposer.then(writesAll(Map.of("x.txt", "3", "y.txt", "changed", "notes.txt", "todo")));
        int commits = bench.vcs.commitCount();

        bench.session(1).run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.reason()).isEqualTo("changed files out of scope: notes.txt (not in scope.editable), "
                + "y.txt (not in scope.editable)");
        assertThat(rejected.paths()).containsExactly("notes.txt", "y.txt");
        assertThat(rejected.commit()).isEmpty();
        assertThat(bench.vcs.commitCount()).isEqualTo(commits);
        assertThat(bench.experimentRef("1")).isEmpty();
        assertThat(bench.branch()).isEqualTo(bench.start);
        // The tracked file is restored, the new one removed: the worktree is the best's again.
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }

    @Test
    void editingTheSpecIsRejectedEvenWhenTheGlobsAllowEveryFile() {
        bench.editable("*").proposer.then(writes("helix.yaml", "name: cheating\n"));

        bench.session(1).run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.paths()).containsExactly("helix.yaml");
        assertThat(rejected.reason()).startsWith("changed files out of scope: helix.yaml (protected: helix.yaml");
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).containsEntry("helix.yaml", "name: bench\n");
    }

    @Test
    void aProposerThatChangesNothingIsRejected() {
        bench.proposer.then(changesNothing());

        bench.session(1).run();

        Experiment rejected = bench.record(1, 0);
        assertThat(rejected.status()).isEqualTo(Status.REJECTED);
        assertThat(rejected.reason()).isEqualTo("the proposer changed no file");
        assertThat(rejected.commit()).isEmpty();
        assertThat(bench.executor().logs()).containsExactly("0.log");
    }

    @Test
    void aProposerWithNothingLeftEndsTheSessionWithoutARecord() {
        Outcome outcome = bench.session(5).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.EXHAUSTED);
        assertThat(outcome.detail()).isEqualTo("the script has no more edits");
        assertThat(bench.ledger.records()).extracting(Experiment::run).containsExactly(0);
    }

    @Test
    void aStopDuringAnEvaluationRecordsItInterruptedAndTheNextSessionGoesOnAtTheNextFreeRun() throws Exception {
        bench.proposer.then(writes("x.txt", "3"), writes("x.txt", "4"));
        FakeExecutor.Hold held = bench.executor().hold("1.log");
        Session first = bench.session(2);
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                if (held.reached().await(FakeExecutor.PATIENCE_SECONDS, TimeUnit.SECONDS)) first.requestStop();
            } catch (InterruptedException ignored) {
                // the test ends
            }
        });

        Outcome stopped = first.run();
        stopper.join(FakeExecutor.PATIENCE_SECONDS * 1000);

        assertThat(stopped.reason()).isEqualTo(StopReason.INTERRUPTED);
        Experiment interrupted = bench.record(1, 0);
        assertThat(interrupted.status()).isEqualTo(Status.INTERRUPTED);
        assertThat(interrupted.reason()).isEqualTo("stopped during the evaluation (its processes were killed)");
        assertThat(interrupted.commit()).isNotEmpty();
        assertThat(bench.branch()).isEqualTo(bench.start);
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));

        Outcome resumed = bench.session(2).run();

        assertThat(resumed.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        List<Event.SessionStarted> starts = bench.events().stream()
                .filter(e -> e instanceof Event.SessionStarted).map(e -> (Event.SessionStarted) e).toList();
        assertThat(starts).extracting(Event.SessionStarted::resumed, Event.SessionStarted::nextRun)
                .containsExactly(tuple(false, 0), tuple(true, 2));
        assertThat(bench.ledger.records()).extracting(Experiment::run, Experiment::status).containsExactly(
                tuple(0, Status.BASELINE),
                tuple(1, Status.INTERRUPTED),
                tuple(2, Status.KEEP));
        assertThat(bench.executor().logs()).as("the baseline is not measured again").containsExactly("0.log", "1.log", "2.log");
        Experiment kept = bench.record(2, 0);
        assertThat(kept.parent()).isEqualTo(bench.start);
        assertThat(kept.delta()).contains(3.0);
        assertThat(bench.branch()).isEqualTo(kept.commit());
    }

    // ---- Two workers: worker 2 keeps while worker 1's candidate, which also beat the old best, is measured.

    @Test
    void aCandidateThatBeatAMovedBestIsStaleAndRebasedOntoTheNewBestAndJudgedAgain() {
        SessionBench two = SessionBench.repository(Map.of("a.txt", "1", "b.txt", "1", "x.txt", "0"));
        twoWorkers(two, Spec.OnStale.REBASE);

        Outcome outcome = two.session(2).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        assertThat(two.ledger.records()).extracting(Experiment::run, Experiment::attempt, Experiment::worker, Experiment::status)
                .containsExactly(tuple(0, 0, 1, Status.BASELINE),
                        tuple(2, 0, 2, Status.KEEP),
                        tuple(1, 0, 1, Status.STALE),
                        tuple(1, 1, 1, Status.KEEP));
        Experiment moved = two.record(2, 0);
        Experiment stale = two.record(1, 0);
        assertThat(stale.reason()).isEqualTo("improved: score 2 -> 3 (+1, +50.00%); stale: #2 was kept while it ran (score 4);"
                + " re-applied on it and judged again as attempt 1");
        assertThat(stale.parent()).isEqualTo(two.start);
        assertThat(stale.delta()).contains(1.0);
        assertThat(two.experimentRef("1")).contains(stale.commit());

        Experiment rebased = two.record(1, 1);
        assertThat(rebased.parent()).isEqualTo(moved.commit());
        assertThat(rebased.rebasedFrom()).contains(stale.commit());
        assertThat(rebased.reason()).isEqualTo("improved: score 4 -> 5 (+1, +25.00%)");
        assertThat(rebased.log()).isEqualTo(".helix/runs/t/1-1.log");
        assertThat(two.experimentRef("1-rebase1")).contains(rebased.commit());
        assertThat(two.vcs.filesAt(rebased.commit())).containsEntry("a.txt", "2").containsEntry("b.txt", "3");
        assertThat(two.branch()).isEqualTo(rebased.commit());
        assertThat(two.vcs.files(SessionBench.WORKTREE)).isEqualTo(two.vcs.filesAt(rebased.commit()));
        assertLinearRatchet(two);
    }

    @Test
    void withOnStaleDiscardAStaleCandidateIsOnlyRecorded() {
        SessionBench two = SessionBench.repository(Map.of("a.txt", "1", "b.txt", "1", "x.txt", "0"));
        twoWorkers(two, Spec.OnStale.DISCARD);

        Outcome outcome = two.session(2).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        assertThat(two.ledger.records()).extracting(Experiment::run, Experiment::attempt, Experiment::status)
                .containsExactly(tuple(0, 0, Status.BASELINE),
                        tuple(2, 0, Status.KEEP),
                        tuple(1, 0, Status.STALE));
        Experiment moved = two.record(2, 0);
        assertThat(two.record(1, 0).reason()).isEqualTo("improved: score 2 -> 3 (+1, +50.00%); stale: #2 was kept while it ran"
                + " (score 4) (run.on_stale: discard)");
        assertThat(two.experimentRef("1-rebase1")).isEmpty();
        assertThat(two.executor().logs()).doesNotContain("1-1.log");
        assertThat(two.branch()).isEqualTo(moved.commit());
        assertThat(two.vcs.files(SessionBench.WORKTREE)).isEqualTo(two.vcs.filesAt(moved.commit()));
        assertLinearRatchet(two);
    }

    /**
     * Worker 1 takes run 1 (a.txt = 2) and is held in its evaluation until worker 2's keep of run 2
     * (b.txt = 3) is recorded.
     */
    private static void twoWorkers(SessionBench two, Spec.OnStale onStale) {
        twoWorkers(two, onStale, writes("b.txt", "3"));
    }

    private static void twoWorkers(SessionBench two, Spec.OnStale onStale, ScriptedProposer.Step workerTwo) {
        CountDownLatch workerOneProposed = new CountDownLatch(1);
        two.workers(2, onStale).editable("a.txt", "b.txt").evaluating(FakeExecutor.sumOf("a.txt", "b.txt"));
        two.threads.startingAfter(2, workerOneProposed);
        two.proposer.forWorker(1, signalling(writes("a.txt", "2"), workerOneProposed))
                .forWorker(2, workerTwo);
        FakeExecutor.Hold held = two.executor().hold("1.log");
        two.onRecord(e -> e.run() == 2 && e.status() == Status.KEEP, held.release());
    }

    @Test
    void aStaleCandidateWhoseChangeConflictsWithTheNewBestEndsStale() {
        SessionBench two = SessionBench.repository(Map.of("a.txt", "1", "b.txt", "1", "x.txt", "0"));
        twoWorkers(two, Spec.OnStale.REBASE, writes("a.txt", "5"));

        two.session(2).run();

        Experiment moved = two.record(2, 0);
        assertThat(two.ledger.records()).extracting(Experiment::run, Experiment::attempt, Experiment::status)
                .containsExactly(tuple(0, 0, Status.BASELINE), tuple(2, 0, Status.KEEP), tuple(1, 0, Status.STALE));
        assertThat(two.record(1, 0).reason()).isEqualTo("improved: score 2 -> 3 (+1, +50.00%); stale: #2 was kept while it ran"
                + " (score 6); its change does not apply on that one (a conflict)");
        assertThat(two.experimentRef("1-rebase1")).isEmpty();
        assertThat(two.branch()).isEqualTo(moved.commit());
        assertThat(two.vcs.files(SessionBench.WORKTREE)).isEqualTo(two.vcs.filesAt(moved.commit()));
        assertLinearRatchet(two);
    }

    @Test
    void whateverTheInterleavingOfThreeWorkersTheLedgerIsALinearRatchetWithEachRunRecordedOnce() {
        SessionBench three = SessionBench.repository(Map.of("1.txt", "0", "2.txt", "0", "3.txt", "0", "x.txt", "0"));
        three.workers(3, Spec.OnStale.REBASE).editable("*.txt").evaluating(FakeExecutor.sumOf("1.txt", "2.txt", "3.txt"));
        String[] values = {"2", "1", "4", "3", "6", "5", "8", "7", "9", "10", "12", "11"};
        for (int k = 1; k <= 3; k++) {
            for (String v : values) three.proposer.forWorker(k, writes(k + ".txt", v));
        }

        Outcome outcome = three.session(12).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        List<Experiment> records = three.ledger.records();
        assertThat(records.stream().filter(e -> e.attempt() == 0).map(Experiment::run).sorted().toList())
                .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(records.stream().map(e -> e.run() + "/" + e.attempt()).distinct().count()).isEqualTo(records.size());
        for (Experiment e : records) {
            if (e.status() == Status.STALE && e.reason().contains("judged again as attempt")) {
                assertThat(three.record(e.run(), e.attempt() + 1).rebasedFrom()).contains(e.commit());
            }
        }
        assertLinearRatchet(three);
        assertThat(three.vcs.files(SessionBench.WORKTREE)).isEqualTo(three.vcs.filesAt(three.branch()));
    }

    /** Every keep's parent is the best before it, in the ledger and in the commits: the branch only moves forward. */
    private static void assertLinearRatchet(SessionBench b) {
        Experiment best = null;
        for (Experiment e : b.ledger.records()) {
            if (e.status() == Status.BASELINE) {
                best = e;
            } else if (e.status() == Status.KEEP) {
                assertThat(best).as("a keep before the baseline").isNotNull();
                assertThat(e.parent()).as("parent of the keep of run %d attempt %d", e.run(), e.attempt()).isEqualTo(best.commit());
                assertThat(b.vcs.parentOf(e.commit())).isEqualTo(best.commit());
                best = e;
            }
        }
        assertThat(best).isNotNull();
        assertThat(b.branch()).isEqualTo(best.commit());
    }
}
