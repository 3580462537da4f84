package dev.helix.core.session;

import dev.helix.core.spec.Slot;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A worker at work: its lane, the thread running it and what it is doing. Guarded by the session's lock. */
final class Worker {
    final Lane lane;
    Thread thread;
    /** Whether it waits on something a stop request should cut short (a proposer, an evaluation, a slot). */
    boolean blocking;
    /** The slot its evaluation holds, while it holds one. */
    Slot slot;
    /** For helix try: the state the edits are measured against, instead of a snapshot taken before proposing. */
    Map<String, String> presetBefore;
    /**
     * The ignored files its worktree held after evaluate.setup (or at the session's start): the
     * ones scope.stray_files: remove cannot delete when a proposer changed them.
     */
    Set<String> prepared = Set.of();
    /** The commit its worktree is at, as far as the session moved it; empty when an evaluation may have changed it. */
    String head = "";
    /** How long to wait before its next experiment: the breaker's backoff while the proposer's server is out of reach. */
    java.time.Duration backoff = java.time.Duration.ZERO;

    Worker(Lane lane) {
        this.lane = lane;
    }

    Path worktree() {
        return lane.worktree();
    }

    int id() {
        return lane.worker();
    }

    Optional<String> directionName() {
        return lane.direction().map(Direction::name);
    }
}
