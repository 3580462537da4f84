package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.Clock;
import dev.helix.core.port.Proposer.Fault;
import dev.helix.core.port.Proposer.Proposal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A whole session against a proposer that keeps failing, on a clock whose waits pass at once. */
@Timeout(30)
class SessionBreakerTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1"));
    private final FakeClock clock = new FakeClock();

    /** Time that moves only when the session waits: each wait is recorded and passes at once. */
    static final class FakeClock implements Clock {
        long nanos;
        final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Instant now() {
            return SessionBench.NOW.plusNanos(nanos);
        }

        @Override
        public long nanos() {
            return nanos;
        }

        @Override
        public void sleep(Duration d) {
            waits.add(d);
            nanos += d.toNanos();
        }
    }

    private static ScriptedProposer.Step failing(Fault.Kind kind, String what) {
        return (request, vcs) -> new Proposal.Failure("HTTP 401 from http://127.0.0.1/v1: bad key", AgentUsage.of("script", 0),
                new Fault(kind, what, "check OPENAI_API_KEY"));
    }

    private static ScriptedProposer.Step[] times(int n, ScriptedProposer.Step step) {
        ScriptedProposer.Step[] steps = new ScriptedProposer.Step[n];
        java.util.Arrays.fill(steps, step);
        return steps;
    }

    @Test
    void aRefusedKeyStopsTheSessionAfterMaxFailuresWithTheReasonInTheLedger() {
        bench.clock(clock).proposer.then(times(50, failing(Fault.Kind.AUTH, "the model server refused the API key (HTTP 401)")));

        Outcome outcome = bench.session(1000).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.PROPOSER_FAILING);
        assertThat(outcome.detail()).isEqualTo("the model server refused the API key (HTTP 401) 5 times in a row; "
                + "fix: check OPENAI_API_KEY, then helix run --resume");
        assertThat(bench.proposer.requests()).hasSize(5);
        assertThat(bench.ledger.records()).extracting(Experiment::status)
                .containsExactly(Status.BASELINE, Status.REJECTED, Status.REJECTED, Status.REJECTED, Status.REJECTED, Status.REJECTED);
        assertThat(bench.ledger.records().get(5).reason()).endsWith("; stopped: " + outcome.detail());
        assertThat(clock.waits).isEmpty();
    }

    @Test
    void anOutageWaitsWithoutRecordsAndStopsAtItsBoundWithOneRecord() {
        bench.clock(clock).breaker(5, 20).proposer.then(times(50, failing(Fault.Kind.UNREACHABLE, "nothing answers at http://127.0.0.1:9")));

        Outcome outcome = bench.session(1000).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.OUTAGE);
        assertThat(outcome.detail()).startsWith("nothing answers at http://127.0.0.1:9 for 20s");
        assertThat(clock.waits).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L, 8L, 5L);
        assertThat(bench.proposer.requests()).hasSize(6).extracting(r -> r.experiment()).containsOnly(1);
        assertThat(bench.ledger.records()).extracting(Experiment::run, Experiment::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0, Status.BASELINE), org.assertj.core.groups.Tuple.tuple(1, Status.REJECTED));
        assertThat(bench.events()).filteredOn(e -> e instanceof Event.Notice n && n.message().contains("waits")).hasSize(5);
    }

    @Test
    void anOutageThatEndsUsesNoRunNumberAndTheNextChangeIsRunOne() {
        ScriptedProposer.Step down = failing(Fault.Kind.SERVER, "the model server answered HTTP 503");
        bench.clock(clock).proposer.then(down, down, down, writes("x.txt", "3"));

        Outcome outcome = bench.session(1).run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        assertThat(bench.record(1, 0).status()).isEqualTo(Status.KEEP);
        assertThat(bench.ledger.records()).hasSize(2);
        assertThat(clock.waits).extracting(Duration::toSeconds).containsExactly(1L, 2L, 4L);
    }

    @Test
    void aStopRequestCutsTheWaitShort() throws Exception {
        Clock real = Clock.SYSTEM;
        bench.clock(real).proposer.then(failing(Fault.Kind.UNREACHABLE, "nothing answers"));
        Session session = bench.session(1000);
        bench.onRecordOrNotice(session::requestStop);

        Outcome outcome = session.run();

        assertThat(outcome.reason()).isEqualTo(StopReason.INTERRUPTED);
        assertThat(bench.ledger.records()).hasSize(1);
    }
}
