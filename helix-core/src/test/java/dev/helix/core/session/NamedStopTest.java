package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.experiment.Status;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stop named before it is requested (how --max-time's deadline stops a session): the work it
 * cuts is recorded interrupted, and the session ends for the named reason, not as interrupted.
 */
@Timeout(30)
class NamedStopTest {
    private final SessionBench bench = SessionBench.repository(Map.of("x.txt", "1"));

    @Test
    void aProposalCutByANamedStopIsRecordedInterruptedAndTheSessionEndsForThatReason() {
        Session[] session = new Session[1];
        bench.proposing(request -> {
            session[0].stopWith(StopReason.MAX_TIME, "the deadline passed after 10s");
            session[0].requestStop(); // as the deadline's timer does, from another thread
            throw new InterruptedException();
        });
        session[0] = bench.session(50);

        Outcome outcome = session[0].run();

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_TIME);
        assertThat(outcome.detail()).isEqualTo("the deadline passed after 10s");
        List<Experiment> ledger = bench.ledger.records();
        assertThat(ledger).extracting(Experiment::status).containsExactly(Status.BASELINE, Status.INTERRUPTED);
        assertThat(ledger.get(1).reason()).isEqualTo("stopped while the proposer was working");
    }

    @Test
    void aStopRequestWithoutANameStillEndsTheSessionAsInterrupted() {
        Session[] session = new Session[1];
        bench.proposing(request -> {
            session[0].requestStop();
            throw new InterruptedException();
        });
        session[0] = bench.session(50);

        assertThat(session[0].run().reason()).isEqualTo(StopReason.INTERRUPTED);
    }
}
