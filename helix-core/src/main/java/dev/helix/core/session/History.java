package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.Events;
import dev.helix.core.port.LedgerStore;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A session's records in ledger order (all its runs, not only this one's), and the one lock
 * under which a record is appended, the branch moves with it, and events go out: every reader
 * sees records, ledger and events in one order.
 */
final class History {
    /** Guards {@link #records}, the workers' state and every append with what it moves. */
    final Object lock = new Object();
    /** Guarded by {@link #lock}. */
    final List<Experiment> records = new ArrayList<>();
    private final LedgerStore ledger;
    private final Events events;
    private final UnaryOperator<String> redact;

    History(LedgerStore ledger, Events events, UnaryOperator<String> redact) {
        this.ledger = ledger;
        this.events = events;
        this.redact = redact;
    }

    /** Appends a record, secrets removed; durable when this returns. */
    Experiment append(Experiment e) {
        Experiment clean = e.redacted(redact);
        synchronized (lock) {
            ledger.append(clean);
            records.add(clean);
            emit(new Event.ExperimentFinished(clean, Records.best(records).orElse(clean), Records.baseline(records).orElse(clean)));
        }
        return clean;
    }

    List<Experiment> snapshot() {
        synchronized (lock) {
            return List.copyOf(records);
        }
    }

    Experiment best() {
        synchronized (lock) {
            return Records.best(records).orElseThrow();
        }
    }

    /**
     * Runs {@code step} with the best of this moment, under the lock: what it decides from that
     * best and what it records (and moves) happen before any other worker sees another best.
     */
    <T> T atBest(Function<Experiment, T> step) {
        synchronized (lock) {
            return step.apply(Records.best(records).orElseThrow());
        }
    }

    /** Events reach the sink one at a time, whichever worker sends them. */
    void emit(Event e) {
        synchronized (lock) {
            events.emit(e);
        }
    }
}
