package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Proposer;
import dev.helix.core.spec.Spec;
import dev.helix.core.tune.MixSchedule;
import dev.helix.core.tune.MixedProposer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A session mixing an agent with the tuner, on in-memory fakes: after a kept change of the agent,
 * the tuner's turns; after a discarded one, the agent again. The score is the number in x.txt
 * (higher is better); the tuner's one knob is x.txt itself.
 */
@Timeout(30)
class MixSessionTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1"));
    private final FakeTuner tuner = new FakeTuner(bench.vcs);

    @Test
    void anAgentKeepIsFollowedByTheTunersTurnsAndADiscardByTheAgentAgain() {
        bench.proposer.then(writes("x.txt", "3"), writes("x.txt", "2"), writes("x.txt", "9"));
        tuner.values("4", "3.5", "10", "8");
        bench.proposing(new MixedProposer(bench.proposer, tuner, 2));

        bench.session(7).run();

        // #1 agent keep → #2, #3 tuner → #4 agent discard → #5 agent keep → #6, #7 tuner
        assertThat(proposers()).containsExactly("script", "tune", "tune", "script", "script", "tune", "tune");
        assertThat(statuses()).containsExactly(Status.KEEP, Status.KEEP, Status.DISCARD, Status.DISCARD,
                Status.KEEP, Status.KEEP, Status.DISCARD);
        // the agent's changes record the knob's value they were measured at
        assertThat(bench.record(1, 0).parameters()).isEqualTo(Map.of("x", "3"));
        assertThat(bench.record(5, 0).parameters()).isEqualTo(Map.of("x", "9"));
        assertThat(bench.record(2, 0).parameters()).isEqualTo(Map.of("x", "4"));
    }

    @Test
    void theTunerSeesOnlyTheRecordsSinceTheAgentsLatestKeepAndAnExhaustedTunerHandsBackToTheAgent() {
        bench.proposer.then(writes("x.txt", "3"), writes("x.txt", "5"), writes("x.txt", "8"));
        tuner.values("4", "3.5", "6"); // exhausted at #6: the agent goes on instead
        bench.proposing(new MixedProposer(bench.proposer, tuner, 2));

        bench.session(6).run();

        assertThat(proposers()).containsExactly("script", "tune", "tune", "script", "tune", "script");
        Proposer.Request firstOfSecondRound = tuner.requests.get(2);
        assertThat(firstOfSecondRound.experiment()).isEqualTo(5);
        assertThat(firstOfSecondRound.history()).extracting(Experiment::run).containsExactly(0, 4);
        Experiment baseline = firstOfSecondRound.history().get(0);
        assertThat(baseline.commit()).isEmpty(); // its point was measured on older code
        assertThat(baseline.parameters()).isEmpty();
        // in the first round the tuner saw everything since the baseline
        assertThat(tuner.requests.get(1).history()).extracting(Experiment::run).containsExactly(0, 1, 2);
    }

    @Test
    void aCrashedSettingOfTheTunerIsNotSentForAFixButTheAgentsCrashIs() {
        bench.proposer.then(writes("x.txt", "3"), writes("x.txt", "oops"), writes("x.txt", "7"));
        tuner.values("oops");
        bench.proposing(new MixedProposer(bench.proposer, tuner, 1));

        bench.session(3).run();

        assertThat(bench.record(2, 0).status()).isEqualTo(Status.CRASH);
        assertThat(MixSchedule.byTuner(bench.record(2, 0))).isTrue();
        assertThat(bench.ledger.records()).noneMatch(e -> e.run() == 2 && e.attempt() > 0);
        // #3 is the agent's; it crashed and was fixed by the agent as attempt 1
        assertThat(bench.record(3, 0).status()).isEqualTo(Status.CRASH);
        assertThat(bench.record(3, 1).status()).isEqualTo(Status.KEEP);
        assertThat(bench.proposer.requests()).extracting(r -> r.crashLogTail().isPresent()).containsExactly(false, false, true);
    }

    @Test
    void theScheduleReadsTheLedgerSoAResumedSessionGoesOnWhereItStopped() {
        bench.proposer.then(writes("x.txt", "3"));
        tuner.values("4", "5", "6");
        bench.proposing(new MixedProposer(bench.proposer, tuner, 3));
        bench.session(2).run();

        assertThat(MixSchedule.next(3, 3, bench.ledger.records())).isEqualTo(MixSchedule.Turn.TUNER);
        assertThat(MixSchedule.next(1, 3, bench.ledger.records())).isEqualTo(MixSchedule.Turn.AGENT);
    }

    private List<String> proposers() {
        return bench.ledger.records().stream().filter(e -> e.run() > 0 && e.attempt() == 0)
                .map(e -> e.agent().map(AgentUsage::backend).orElse("")).toList();
    }

    private List<Status> statuses() {
        return bench.ledger.records().stream().filter(e -> e.run() > 0 && e.attempt() == 0).map(Experiment::status).toList();
    }

    /** A tuner of one knob, x.txt's number: writes the values it was given, in order. */
    private static final class FakeTuner implements Proposer {
        private final InMemoryVcs vcs;
        private final Deque<String> values = new ArrayDeque<>();
        final List<Request> requests = new ArrayList<>();

        FakeTuner(InMemoryVcs vcs) {
            this.vcs = vcs;
        }

        void values(String... vs) {
            values.addAll(List.of(vs));
        }

        @Override
        public Proposal propose(Request request) {
            requests.add(request);
            String v = values.pollFirst();
            if (v == null) return new Proposal.Exhausted("no more values", AgentUsage.of("tune", 0));
            vcs.write(request.worktree(), "x.txt", v);
            return new Proposal.Change("x=" + v, Optional.of("TPE"), AgentUsage.of("tune", 0), Map.of("x", v));
        }

        @Override
        public boolean fixesCrashes() {
            return false;
        }

        @Override
        public Map<String, String> parameters(Spec spec, Path worktree) {
            return Map.of("x", vcs.files(worktree).get("x.txt"));
        }
    }
}
