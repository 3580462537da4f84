package dev.helix.core.session;

import dev.helix.core.experiment.Experiment;
import dev.helix.core.port.LedgerStore;
import java.util.ArrayList;
import java.util.List;

/** A ledger in a list: every append is at once durable, in order. */
final class InMemoryLedger implements LedgerStore {
    private final List<Experiment> records = new ArrayList<>();

    @Override
    public synchronized void append(Experiment experiment) {
        records.add(experiment);
    }

    @Override
    public synchronized Contents read() {
        return new Contents(records, List.of());
    }

    synchronized List<Experiment> records() {
        return List.copyOf(records);
    }

    /** What the session published, by directory (the session's worktree). */
    final java.util.Map<java.nio.file.Path, List<Experiment>> published = new java.util.HashMap<>();

    @Override
    public synchronized void publish(List<Experiment> copy, java.nio.file.Path directory, String primary,
                                     java.util.Optional<String> guard) {
        published.put(directory, List.copyOf(copy));
    }
}
