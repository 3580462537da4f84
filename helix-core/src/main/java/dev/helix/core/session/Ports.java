package dev.helix.core.session;

import dev.helix.core.port.Clock;
import dev.helix.core.port.Events;
import dev.helix.core.port.Executor;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.port.MeasurementLock;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Vcs;
import dev.helix.core.port.WorkerThreads;
import dev.helix.core.port.ResultFiles;

/**
 * The outside world, through the core's ports. Every port must be safe to call from several
 * workers at once.
 *
 * @param threads runs the workers of a session with several (the core starts no thread)
 * @param measurementLock what an evaluation holds under run.isolation: exclusive
 */
public record Ports(Vcs vcs, Executor executor, Proposer proposer, LedgerStore ledger,
                   ResultFiles resultFiles, Clock clock, Events events, WorkerThreads threads,
                   MeasurementLock measurementLock) {

    /** The ports of a session whose exclusive measurements are exclusive among its own workers. */
    public Ports(Vcs vcs, Executor executor, Proposer proposer, LedgerStore ledger, ResultFiles resultFiles, Clock clock,
                 Events events, WorkerThreads threads) {
        this(vcs, executor, proposer, ledger, resultFiles, clock, events, threads, new OneAtATime());
    }

    /** The ports of a session with one worker. */
    public Ports(Vcs vcs, Executor executor, Proposer proposer, LedgerStore ledger, ResultFiles resultFiles, Clock clock,
                 Events events) {
        this(vcs, executor, proposer, ledger, resultFiles, clock, events, (bodies, onInterrupt) -> {
            throw new IllegalStateException("a session with several workers needs WorkerThreads");
        });
    }
}
