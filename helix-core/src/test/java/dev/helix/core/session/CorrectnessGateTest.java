package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.writes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * evaluate.checks in a whole session on in-memory fakes: the checks run only for a candidate the
 * judge would keep, on that candidate's files; a failure is a discard that shows the checks' log.
 * The score is the number in x.txt (higher is better); the checks fail when x.txt is 3.
 */
@Timeout(30)
class CorrectnessGateTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1"));

    CorrectnessGateTest() {
        bench.checks(45).executor().checking(files -> files.get("x.txt").strip().equals("3")
                ? FakeExecutor.Run.failed(1, "test_parse ... ok\ntest_three ... FAILED\nAssertionError: 3 is not allowed\n")
                : FakeExecutor.Run.ok("2 tests passed\n"));
    }

    @Test
    void aKeepWhoseChecksPassIsKeptAndSaysSo() {
        bench.proposer.then(writes("x.txt", "2"));

        bench.session(1).run();

        Experiment kept = bench.record(1, 0);
        assertThat(kept.status()).isEqualTo(Status.KEEP);
        assertThat(kept.reason()).isEqualTo("improved: score 1 -> 2 (+1, +100.00%); checks passed");
        assertThat(kept.log()).isEqualTo(".helix/runs/t/1.log");
        assertThat(kept.logTail()).isEmpty();
        assertThat(bench.branch()).isEqualTo(kept.commit());
        assertThat(bench.executor().logs()).as("the baseline is not checked by a session").containsExactly("0.log", "1.log", "1.checks.log");
        FakeExecutor.Seen checked = bench.executor().seen().get(2);
        assertThat(checked.files()).containsEntry("x.txt", "2");
    }

    @Test
    void aKeepWhoseChecksFailIsADiscardWithTheChecksLogAndItsTail() {
        bench.proposer.then(writes("x.txt", "3"));

        bench.session(1).run();

        Experiment discarded = bench.record(1, 0);
        assertThat(discarded.status()).isEqualTo(Status.DISCARD);
        assertThat(discarded.reason()).isEqualTo("checks failed (exit code 1, log .helix/runs/t/1.checks.log); "
                + "the judge would have kept it: improved: score 1 -> 3 (+2, +200.00%)");
        assertThat(discarded.primary()).contains(3.0);
        assertThat(discarded.delta()).contains(2.0);
        assertThat(discarded.log()).isEqualTo(".helix/runs/t/1.checks.log");
        assertThat(discarded.logTail()).hasValueSatisfying(t -> assertThat(t).contains("test_three ... FAILED")
                .endsWith("AssertionError: 3 is not allowed"));
        assertThat(bench.branch()).isEqualTo(bench.start);
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }

    @Test
    void aCandidateTheJudgeDiscardsIsNeverChecked() {
        bench.proposer.then(writes("x.txt", "0.5")).then(writes("x.txt", "0.8"));

        bench.session(2).run();

        assertThat(bench.ledger.records()).extracting(Experiment::run, Experiment::status)
                .containsExactly(tuple(0, Status.BASELINE), tuple(1, Status.DISCARD), tuple(2, Status.DISCARD));
        assertThat(bench.executor().logs()).containsExactly("0.log", "1.log", "2.log");
    }

    @Test
    void afterAFailedCheckTheNextCandidateStartsFromTheBestAndIsCheckedOnItsOwn() {
        bench.proposer.then(writes("x.txt", "3")).then(writes("x.txt", "2"));

        bench.session(2).run();

        assertThat(bench.ledger.records()).extracting(Experiment::run, Experiment::status)
                .containsExactly(tuple(0, Status.BASELINE), tuple(1, Status.DISCARD), tuple(2, Status.KEEP));
        assertThat(bench.record(2, 0).parent()).isEqualTo(bench.start);
        assertThat(bench.executor().logs()).containsExactly("0.log", "1.log", "1.checks.log", "2.log", "2.checks.log");
        assertThat(bench.branch()).isEqualTo(bench.record(2, 0).commit());
    }

    @Test
    void checksThatTimeOutFailNamingTheirOwnTimeout() {
        bench.executor().checking(files -> FakeExecutor.Run.timeout("test_slow ...\n"));
        bench.proposer.then(writes("x.txt", "2"));

        bench.session(1).run();

        Experiment discarded = bench.record(1, 0);
        assertThat(discarded.status()).isEqualTo(Status.DISCARD);
        assertThat(discarded.reason()).startsWith("checks failed (timed out after 45s (evaluate.checks_timeout_seconds), log ");
        assertThat(discarded.logTail()).contains("test_slow ...");
    }

    @Test
    void aStopDuringTheChecksRecordsTheCandidateInterruptedAndLeavesTheBranch() throws Exception {
        bench.proposer.then(writes("x.txt", "2"));
        FakeExecutor.Hold held = bench.executor().hold("1.checks.log");
        Session session = bench.session(1);
        Thread stopper = Thread.ofPlatform().start(() -> {
            try {
                if (held.reached().await(FakeExecutor.PATIENCE_SECONDS, TimeUnit.SECONDS)) session.requestStop();
            } catch (InterruptedException ignored) {
                // the test ends
            }
        });

        Outcome stopped = session.run();
        stopper.join(FakeExecutor.PATIENCE_SECONDS * 1000);

        assertThat(stopped.reason()).isEqualTo(StopReason.INTERRUPTED);
        Experiment interrupted = bench.record(1, 0);
        assertThat(interrupted.status()).isEqualTo(Status.INTERRUPTED);
        assertThat(interrupted.reason()).isEqualTo("stopped during the checks (their processes were killed)");
        assertThat(bench.branch()).isEqualTo(bench.start);
        assertThat(bench.vcs.files(SessionBench.WORKTREE)).isEqualTo(bench.vcs.filesAt(bench.start));
    }
}
