package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.port.Proposer.Fault;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The breaker's decisions, failure by failure, on a clock given in nanoseconds. */
class BreakerTest {
    private static final long S = 1_000_000_000L;
    private static final Optional<Fault> REFUSED = Optional.of(new Fault(Fault.Kind.AUTH,
            "the model server refused the API key (HTTP 401)", "check OPENAI_API_KEY"));
    private static final Optional<Fault> DOWN = Optional.of(new Fault(Fault.Kind.UNREACHABLE,
            "nothing answers at http://127.0.0.1:9", "start the server or fix agent.base_url"));

    private final Breaker breaker = new Breaker(new Breaker.Settings(5, Duration.ofMinutes(30)));

    @Test
    void aRefusedKeyStopsOnTheFifthFailureInARowWithTheFix() {
        for (int i = 1; i < 5; i++) assertThat(breaker.failed(REFUSED, "HTTP 401", i * S)).isInstanceOf(Breaker.Decision.Go.class);

        Breaker.Decision fifth = breaker.failed(REFUSED, "HTTP 401", 5 * S);

        assertThat(fifth).isEqualTo(new Breaker.Decision.Stop(StopReason.PROPOSER_FAILING,
                "the model server refused the API key (HTTP 401) 5 times in a row; fix: check OPENAI_API_KEY, then helix run --resume"));
    }

    @Test
    void aSuccessOrAnotherFailureStartsTheCountOver() {
        for (int i = 0; i < 4; i++) breaker.failed(REFUSED, "HTTP 401", 0);
        breaker.succeeded();
        for (int i = 0; i < 4; i++) assertThat(breaker.failed(REFUSED, "HTTP 401", 0)).isInstanceOf(Breaker.Decision.Go.class);
        assertThat(breaker.failed(Optional.empty(), "exit 1", 0)).isInstanceOf(Breaker.Decision.Go.class);
        assertThat(breaker.failed(REFUSED, "HTTP 401", 0)).isInstanceOf(Breaker.Decision.Go.class);
    }

    @Test
    void theSameUnclassifiedFailureStopsButDifferentOnesDoNot() {
        for (int i = 0; i < 10; i++) {
            assertThat(breaker.failed(Optional.empty(), "the model proposed no edit " + i, 0)).isInstanceOf(Breaker.Decision.Go.class);
        }
        for (int i = 1; i < 5; i++) breaker.failed(Optional.empty(), "agent command exited with code 1", 0);
        Breaker.Decision stop = breaker.failed(Optional.empty(), "agent command exited with code 1", 0);
        assertThat(stop).isInstanceOfSatisfying(Breaker.Decision.Stop.class, s ->
                assertThat(s.reason()).contains("failed the same way 5 times in a row", "agent command exited with code 1"));
    }

    @Test
    void anOutageWaitsDoublingFromOneSecondCappedAtFiveMinutesUntilItsBound() {
        long now = 0;
        StringBuilder waits = new StringBuilder();
        Breaker.Decision d = breaker.failed(DOWN, "refused", now);
        while (d instanceof Breaker.Decision.Wait w) {
            waits.append(w.delay().toSeconds()).append(' ');
            now += w.delay().toNanos();
            d = breaker.failed(DOWN, "refused", now);
        }
        assertThat(waits.toString()).startsWith("1 2 4 8 16 32 64 128 256 300 300 ");
        assertThat(now).isEqualTo(30 * 60 * S); // the last wait ends exactly at the bound
        assertThat(d).isInstanceOfSatisfying(Breaker.Decision.Stop.class, s -> {
            assertThat(s.stop()).isEqualTo(StopReason.OUTAGE);
            assertThat(s.reason()).isEqualTo("nothing answers at http://127.0.0.1:9 for 30m (run.max_outage_seconds: 1800); "
                    + "fix: start the server or fix agent.base_url, then helix run --resume");
        });
    }

    @Test
    void anOutageThatEndsStartsItsClockAndBackoffOver() {
        breaker.failed(DOWN, "refused", 0);
        breaker.failed(DOWN, "refused", 29 * 60 * S);
        breaker.succeeded();
        Breaker.Decision d = breaker.failed(DOWN, "refused", 40 * 60 * S);
        assertThat(d).isEqualTo(new Breaker.Decision.Wait(Duration.ofSeconds(1), "nothing answers at http://127.0.0.1:9"));
    }
}
