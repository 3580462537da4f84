package dev.helix.core.port;

import java.time.Instant;

/** Time, as a port so that the session can be tested with a fixed one. */
public interface Clock {
    Instant now();

    /** Monotonic nanoseconds, for durations. */
    long nanos();

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
