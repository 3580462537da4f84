package dev.helix.core.session;

import dev.helix.core.port.Proposer.Fault;
import java.time.Duration;
import java.util.Optional;

/**
 * The session's circuit breaker on proposer failures: decides, from the failures in a row, whether
 * the next experiment starts now, after a wait, or not at all.
 *
 * <p>A failure that waiting may fix (nothing listens, 5xx, a timeout) is an outage: experiments
 * wait between tries, doubling from {@code firstWait} up to {@code maxWait}, until the outage has
 * lasted {@code maxOutage}. Any other failure (a refused key, no such model, a command that exits
 * the same way) stops the session once it happened {@code maxFailures} times in a row. A proposal
 * that succeeds resets both. Time comes in as monotonic nanoseconds: the breaker is pure.
 */
public final class Breaker {

    /** How long an outage and how many identical failures a session bears. */
    public record Settings(int maxFailures, Duration maxOutage, Duration firstWait, Duration maxWait) {
        public static final Duration FIRST_WAIT = Duration.ofSeconds(1);
        public static final Duration MAX_WAIT = Duration.ofMinutes(5);

        public Settings(int maxFailures, Duration maxOutage) {
            this(maxFailures, maxOutage, FIRST_WAIT, MAX_WAIT);
        }
    }

    /** What to do after a failure. */
    public sealed interface Decision {
        /** Record it and go on with the next experiment. */
        record Go() implements Decision {}

        /** Record nothing; start the next experiment after {@code wait}. */
        record Wait(Duration delay, String why) implements Decision {}

        /** Stop the session: {@code reason} says why and how to fix it. */
        record Stop(StopReason stop, String reason) implements Decision {}
    }

    private final Settings settings;
    private String lastKey = "";
    private int inARow;
    private long outageSince = -1;
    private int waits;

    public Breaker(Settings settings) {
        this.settings = settings;
    }

    /** A proposal came back: the failures in a row are over. */
    public void succeeded() {
        lastKey = "";
        inARow = 0;
        outageSince = -1;
        waits = 0;
    }

    /**
     * @param fault the failure's kind, when the proposer could tell it
     * @param reason the failure as the proposer said it
     * @param nanos the clock's monotonic time now
     */
    public Decision failed(Optional<Fault> fault, String reason, long nanos) {
        if (fault.isPresent() && fault.get().kind().transientFault) {
            Fault f = fault.get();
            lastKey = "";
            inARow = 0;
            if (outageSince < 0) outageSince = nanos;
            Duration lasted = Duration.ofNanos(nanos - outageSince);
            if (lasted.compareTo(settings.maxOutage()) >= 0) {
                return new Decision.Stop(StopReason.OUTAGE, f.what() + " for " + words(lasted) + " (run.max_outage_seconds: "
                        + settings.maxOutage().toSeconds() + "); fix: " + f.fix() + ", then helix run --resume");
            }
            long step = settings.firstWait().toMillis() << Math.min(waits, 30);
            Duration wait = Duration.ofMillis(Math.min(step, settings.maxWait().toMillis()));
            Duration left = settings.maxOutage().minus(lasted);
            if (wait.compareTo(left) > 0) wait = left;
            waits++;
            return new Decision.Wait(wait, f.what());
        }
        outageSince = -1;
        waits = 0;
        String key = fault.map(f -> f.kind().name()).orElse("same:" + reason);
        inARow = key.equals(lastKey) ? inARow + 1 : 1;
        lastKey = key;
        if (inARow < settings.maxFailures()) return new Decision.Go();
        String stop = fault.map(f -> f.what() + " " + inARow + " times in a row; fix: " + f.fix())
                .orElse("the proposer failed the same way " + inARow + " times in a row (run.max_failures): " + reason
                        + "; fix: make the proposer work again");
        return new Decision.Stop(StopReason.PROPOSER_FAILING, stop + ", then helix run --resume");
    }

    /** 90 s as "1m 30s": for the stop reason. */
    static String words(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) return s + "s";
        if (s < 3600) return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
        return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
    }
}
