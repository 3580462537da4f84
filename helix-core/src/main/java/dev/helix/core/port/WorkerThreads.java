package dev.helix.core.port;

import java.util.List;

/**
 * Runs a session's workers side by side. The core starts no thread of its own: with several
 * workers it hands their loops to this port, and stops them through {@code onInterrupt}.
 */
@FunctionalInterface
public interface WorkerThreads {

    /**
     * Runs every body at the same time, each on a thread of its own, and returns once all have
     * ended. When the calling thread is interrupted while waiting, {@code onInterrupt} runs (it
     * asks the bodies to stop), the wait goes on, and the caller's interrupt flag is set again on
     * return.
     */
    void runAll(List<Runnable> bodies, Runnable onInterrupt);
}
