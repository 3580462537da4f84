package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.port.Proposer.Proposal;
import java.time.Duration;

/**
 * The session's side of the {@link Breaker}: feeds it each proposal's outcome under the session's
 * lock, turns its stop into the session's stop reason, and waits out its backoff on the clock.
 */
final class FailureWatch {
    private final Session session;
    private final Object lock;
    private final Breaker breaker;

    FailureWatch(Session session, Object lock) {
        this.session = session;
        this.lock = lock;
        var run = session.plan().spec().run();
        this.breaker = new Breaker(new Breaker.Settings(run.maxFailures(), Duration.ofSeconds(run.maxOutageSeconds())));
    }

    /** Tells the breaker of a failed proposal; a stop it decides becomes the session's stop reason. */
    Breaker.Decision failed(Proposal.Failure failure) {
        synchronized (lock) {
            Breaker.Decision d = breaker.failed(failure.fault(), failure.reason(), session.ports().clock().nanos());
            switch (d) {
                case Breaker.Decision.Stop stop -> session.stopWith(stop.stop(), stop.reason());
                case Breaker.Decision.Wait wait -> session.emit(new Event.Notice(session.plan().redact().apply(
                        "the proposer failed: " + wait.why() + "; the next experiment waits " + Breaker.words(wait.delay())
                                + " (nothing recorded)")));
                case Breaker.Decision.Go go -> { }
            }
            return d;
        }
    }

    /** A proposal came back: the count of failures in a row starts over. */
    void succeeded() {
        synchronized (lock) {
            breaker.succeeded();
        }
    }

    /** Waits out the worker's backoff; false when a stop request cut it short. */
    boolean pause(Worker w) {
        Workers workers = session.workers();
        workers.busy(w, 0, WorkerPhase.IDLE);
        workers.enter(w);
        try {
            session.ports().clock().sleep(w.backoff);
            return !session.stopRequested();
        } catch (InterruptedException e) {
            return false;
        } finally {
            workers.leave(w);
        }
    }
}
