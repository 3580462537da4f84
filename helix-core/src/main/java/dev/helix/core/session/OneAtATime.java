package dev.helix.core.session;

import dev.helix.core.port.MeasurementLock;
import java.util.concurrent.Semaphore;

/** A measurement lock among the workers of one session only, first come first served: the default when the app gives none. */
public final class OneAtATime implements MeasurementLock {
    private final Semaphore permit = new Semaphore(1, true);

    @Override
    public Held acquire() throws InterruptedException {
        permit.acquire();
        boolean[] released = {false};
        return () -> {
            synchronized (released) {
                if (released[0]) return; // closing twice must not let two measurements in
                released[0] = true;
            }
            permit.release();
        };
    }
}
