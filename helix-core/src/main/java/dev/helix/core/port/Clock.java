package dev.helix.core.port;

import java.time.Instant;

/** Time, as a port so that the session can be tested with a fixed one. */
public interface Clock {
    Instant now();

    /** Monotonic nanoseconds, for durations. */
    long nanos();

    /**
     * Waits {@code d} (the breaker's backoff between experiments); a stop request interrupts it.
     * A test clock moves its time on instead.
     */
    default void sleep(java.time.Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    Clock SYSTEM = new Clock() {
        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }
    };
}
