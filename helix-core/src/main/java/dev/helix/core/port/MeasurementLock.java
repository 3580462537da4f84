package dev.helix.core.port;

/**
 * The lock an evaluation holds under run.isolation: exclusive, so that no two measurements run at
 * the same time: among a session's workers, and (for an implementation that locks a file) among every
 * session of the repository.
 */
public interface MeasurementLock {

    /** Waits until the lock is free and takes it; a thread interrupted while waiting gets the exception. */
    Held acquire() throws InterruptedException;

    /** A held lock; closing it lets the next measurement in. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }
}
