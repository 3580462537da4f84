package dev.helix.app.run;

import dev.helix.core.port.WorkerThreads;
import java.util.ArrayList;
import java.util.List;

/** Runs a session's workers on platform threads of their own (helix-worker-1, -2, ...). */
final class PlatformThreads implements WorkerThreads {

    @Override
    public void runAll(List<Runnable> bodies, Runnable onInterrupt) {
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < bodies.size(); k++) {
            threads.add(Thread.ofPlatform().name("helix-worker-" + (k + 1)).unstarted(bodies.get(k)));
        }
        threads.forEach(Thread::start);
        boolean interrupted = false;
        for (Thread t : threads) {
            while (true) {
                try {
                    t.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                    onInterrupt.run();
                }
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }
}
