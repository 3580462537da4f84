package dev.helix.core.session;

import dev.helix.core.port.WorkerThreads;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a session's workers on threads of the test. A worker may be made to start only once a latch
 * opens, so that which worker takes which run number is fixed. A body that does not end in time
 * fails the test.
 */
final class TestThreads implements WorkerThreads {
    static final long PATIENCE_SECONDS = 20;

    private final Map<Integer, CountDownLatch> gates = new HashMap<>();

    /** Worker {@code worker} (1, 2, ...) starts its loop only once {@code gate} opens. */
    TestThreads startingAfter(int worker, CountDownLatch gate) {
        gates.put(worker, gate);
        return this;
    }

    @Override
    public void runAll(List<Runnable> bodies, Runnable onInterrupt) {
        List<Thread> threads = new ArrayList<>();
        List<AssertionError> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int k = 0; k < bodies.size(); k++) {
            Runnable body = bodies.get(k);
            CountDownLatch gate = gates.get(k + 1);
            threads.add(Thread.ofPlatform().name("test-worker-" + (k + 1)).unstarted(() -> {
                if (gate != null && !awaitGate(gate)) {
                    failures.add(new AssertionError("worker " + gateOwner(gate) + "'s gate never opened"));
                    return;
                }
                body.run();
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            try {
                if (!t.join(java.time.Duration.ofSeconds(PATIENCE_SECONDS))) {
                    throw new AssertionError(t.getName() + " did not end within " + PATIENCE_SECONDS + "s");
                }
            } catch (InterruptedException e) {
                onInterrupt.run();
                Thread.currentThread().interrupt();
                throw new AssertionError("the test was interrupted", e);
            }
        }
        if (!failures.isEmpty()) throw failures.get(0);
    }

    private int gateOwner(CountDownLatch gate) {
        return gates.entrySet().stream().filter(e -> e.getValue() == gate).findFirst().orElseThrow().getKey();
    }

    private static boolean awaitGate(CountDownLatch gate) {
        try {
            return gate.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            return false;
        }
    }
}
