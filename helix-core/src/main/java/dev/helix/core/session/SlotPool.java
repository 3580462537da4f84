package dev.helix.core.session;

import dev.helix.core.spec.Slot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The slots, one evaluation each at a time; a worker gets its own slot (the k-th) when it is free, else the first free one. */
final class SlotPool {
    private final List<Slot> free;

    SlotPool(List<Slot> all) {
        free = new ArrayList<>(all);
    }

    /** Waits for a free slot; {@code waiting} runs once first when none is free. */
    synchronized Slot take(int worker, Runnable waiting) throws InterruptedException {
        if (free.isEmpty()) waiting.run();
        while (free.isEmpty()) wait();
        Slot own = free.stream().filter(s -> s.index() == worker).findFirst().orElse(free.get(0));
        free.remove(own);
        return own;
    }

    synchronized void give(Slot slot) {
        free.add(slot);
        free.sort(Comparator.comparingInt(Slot::index));
        notifyAll();
    }
}
