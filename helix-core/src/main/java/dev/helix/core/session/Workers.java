package dev.helix.core.session;

import dev.helix.core.event.Event;
import dev.helix.core.experiment.Status;
import dev.helix.core.port.MeasurementLock;
import dev.helix.core.spec.Isolation;
import dev.helix.core.spec.Slot;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A session's workers and the slots they share: where each worktree is, what each worker does,
 * and how a stop request reaches one that waits on a proposer, an evaluation or a slot. Shares
 * the session's lock.
 */
final class Workers {
    private final Session session;
    private final Spec spec;
    private final Object lock;
    private final List<Worker> all = new ArrayList<>();
    private final SlotPool slots;
    /** Whether an evaluation takes the measurement lock: run.isolation once settled (auto waits for the baseline). */
    private volatile boolean exclusive;

    Workers(Session session, Object lock, List<Lane> lanes) {
        this.session = session;
        this.spec = session.plan().spec();
        this.lock = lock;
        lanes.forEach(l -> all.add(new Worker(l)));
        this.slots = new SlotPool(Slot.of(spec.run().withWorkers(lanes.size())));
        this.exclusive = spec.run().isolation() == Isolation.EXCLUSIVE;
    }

    /**
     * Settles run.isolation and says the choice: at the start when helix.yaml names one, after the
     * baseline (whose noise decides) when it is auto.
     */
    void settle(boolean afterBaseline) {
        Isolation configured = spec.run().isolation();
        if ((configured == Isolation.AUTO) != afterBaseline) return;
        Isolation.Settled settled = configured.settle(all.size(), session.statistical(session.snapshot()),
                spec.run().executor().equals("local"));
        exclusive = settled.isolation() == Isolation.EXCLUSIVE;
        session.emit(new Event.Notice(settled.text()));
    }

    /**
     * Settles run.isolation for one experiment of {@code helix try}: as a session does after its
     * baseline ({@code noisy} says what the baseline found), counting the {@code others} sessions
     * of the repository that may measure meanwhile.
     */
    Isolation.Settled settleAlongside(int others, boolean noisy) {
        Isolation.Settled settled = spec.run().isolation().settle(all.size(), others, noisy, spec.run().executor().equals("local"));
        exclusive = settled.isolation() == Isolation.EXCLUSIVE;
        session.emit(new Event.Notice(settled.text()));
        return settled;
    }

    /**
     * Lets the ledger do what it does before it records {@code status} for {@code commit} (the
     * hold-out) outside the session's lock, as a blocking call of {@code w} that a stop request
     * cuts short; under exclusive isolation holding the measurement lock, as a measurement does.
     */
    void prepare(Worker w, Status status, String commit) {
        enter(w);
        try {
            if (!exclusive) {
                session.ports().ledger().prepare(status, commit);
                return;
            }
            try (MeasurementLock.Held held = session.ports().measurementLock().acquire()) {
                session.ports().ledger().prepare(status, commit);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // stopped while waiting: the ledger records the hold-out as stopped
                session.ports().ledger().prepare(status, commit);
            }
        } finally {
            leave(w);
        }
    }

    List<Worker> all() {
        return all;
    }

    Worker first() {
        return all.get(0);
    }

    /** Cuts short what every worker waits on (its thread is interrupted). Holds the lock. */
    void interruptBlocked() {
        for (Worker w : all) {
            if (w.blocking && w.thread != null) w.thread.interrupt();
        }
    }

    /**
     * Runs {@code body} holding a slot (waiting for a free one); empty when interrupted while
     * waiting. Candidate and incumbent of one comparison are measured in the same slot.
     */
    <T> Optional<T> holdingSlot(Worker w, int run, WorkerPhase phase, Supplier<T> body) {
        Slot slot;
        enter(w);
        try {
            slot = slots.take(w.id(), () -> busy(w, run, WorkerPhase.WAITING_FOR_SLOT));
        } catch (InterruptedException e) {
            return Optional.empty();
        } finally {
            leave(w);
        }
        if (!exclusive) return inSlot(w, run, phase, slot, body);
        MeasurementLock.Held held;
        enter(w);
        try {
            busy(w, run, WorkerPhase.WAITING_FOR_LOCK);
            held = session.ports().measurementLock().acquire();
        } catch (InterruptedException e) {
            slots.give(slot);
            return Optional.empty();
        } catch (RuntimeException e) {
            slots.give(slot); // the lock could not be taken (its file): the slot is free for the others
            throw e;
        } finally {
            leave(w);
        }
        // The whole comparison (candidate and incumbent blocks) is measured alone, so both sides see the same machine.
        try (held) {
            return inSlot(w, run, phase, slot, body);
        }
    }

    private <T> Optional<T> inSlot(Worker w, int run, WorkerPhase phase, Slot slot, Supplier<T> body) {
        try {
            synchronized (lock) {
                w.slot = slot;
                busy(w, run, phase);
            }
            return Optional.of(body.get());
        } finally {
            synchronized (lock) {
                w.slot = null;
            }
            slots.give(slot);
        }
    }

    /** Moves a worker's worktree (and what the session knows of it) to {@code commit}. */
    void reset(Worker w, String commit, Collection<String> remove) {
        session.ports().vcs().reset(w.worktree(), commit, remove);
        w.head = commit;
    }

    /**
     * Moves a worker's worktree back to {@code commit} by what the commits differ on only (see
     * {@link dev.helix.core.port.Vcs#revert}); the snapshot before the next proposal catches the rest.
     */
    void revert(Worker w, String commit) {
        session.ports().vcs().revert(w.worktree(), commit);
        w.head = commit;
    }

    /**
     * Files tracked at a commit (the worktree's), asked of git again only when the commit differs
     * from the last one asked about: workers mostly start from the same best, which changes only
     * with a keep.
     */
    Set<String> tracked(Worker w, String commit) {
        Tracked last = lastTracked;
        if (last != null && last.commit().equals(commit)) return last.files();
        Set<String> files = Set.copyOf(session.ports().vcs().trackedFiles(w.worktree()));
        if (commit.equals(w.head)) lastTracked = new Tracked(commit, files);
        return files;
    }

    private record Tracked(String commit, Set<String> files) {}

    private volatile Tracked lastTracked;

    /** Says what a worker does from now on. */
    void busy(Worker w, int run, WorkerPhase phase) {
        synchronized (lock) {
            String where = w.slot == null ? "" : spec.run().executor().equals("local") ? w.slot.label()
                    : spec.run().executor() + " job, " + w.slot.label();
            session.emit(new Event.WorkerBusy(w.id(), run, phase, where, w.directionName().orElse(""), session.now()));
        }
    }

    /** Enters a blocking call (a proposer, an evaluation, a wait for a slot) that a stop request cuts short. */
    void enter(Worker w) {
        synchronized (lock) {
            w.blocking = true;
            if (session.stopRequested()) Thread.currentThread().interrupt();
        }
    }

    /** Leaves a blocking call; clears an interrupt meant for it so it cannot hit git or the ledger. */
    void leave(Worker w) {
        synchronized (lock) {
            w.blocking = false;
            Thread.interrupted();
        }
    }
}
