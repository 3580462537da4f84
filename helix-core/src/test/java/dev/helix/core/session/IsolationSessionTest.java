package dev.helix.core.session;

import static dev.helix.core.session.ScriptedProposer.writes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.event.Event;
import dev.helix.core.spec.Isolation;
import dev.helix.core.spec.Spec;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * run.isolation in a session of two workers on in-memory fakes: with exclusive, a worker whose
 * candidate is ready waits for the measurement lock while the other's evaluation runs; without, both
 * evaluate at once. The session says its choice.
 */
@Timeout(30)
class IsolationSessionTest {

    private SessionBench two(Isolation isolation) {
        SessionBench b = SessionBench.repository(Map.of("a.txt", "1", "b.txt", "1", "x.txt", "0"));
        b.workers(2, Spec.OnStale.DISCARD).editable("a.txt", "b.txt").evaluating(FakeExecutor.sumOf("a.txt", "b.txt"))
                .isolation(isolation);
        b.proposer.forWorker(1, writes("a.txt", "2")).forWorker(2, writes("b.txt", "3"));
        return b;
    }

    @Test
    void exclusiveMakesTheSecondEvaluationWaitForTheLockUntilTheFirstEnds() throws Exception {
        SessionBench b = two(Isolation.EXCLUSIVE);
        FakeExecutor.Hold first = b.executor().hold("1.log");
        FakeExecutor.Hold second = b.executor().hold("2.log");
        // both experiments at the lock (each worker emits it before it asks): the one let in, and the one that waits
        CountDownLatch waiting = new CountDownLatch(2);
        java.util.Set<Integer> atLock = java.util.concurrent.ConcurrentHashMap.newKeySet();
        b.onEvent(e -> {
            if (e instanceof Event.WorkerBusy w && w.phase() == WorkerPhase.WAITING_FOR_LOCK && w.run() > 0 && atLock.add(w.run())) {
                waiting.countDown();
            }
        });
        Throwable[] failed = new Throwable[1];
        Thread releaser = Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> failed[0] = e).start(() -> {
            try {
                // one of the two runs is evaluating; the other worker, its candidate committed, waits for the lock
                boolean firstIn = awaitEither(first, second);
                assertThat(waiting.await(20, TimeUnit.SECONDS)).as("the other worker waits for the measurement lock").isTrue();
                FakeExecutor.Hold running = firstIn ? first : second;
                FakeExecutor.Hold other = firstIn ? second : first;
                assertThat(other.reached().getCount()).as("the other evaluation has not started").isEqualTo(1);
                running.release().countDown();
                assertThat(other.reached().await(20, TimeUnit.SECONDS)).isTrue();
                other.release().countDown();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        Outcome outcome = b.session(2).run();
        releaser.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);

        assertThat(outcome.reason()).isEqualTo(StopReason.MAX_EXPERIMENTS);
        assertThat(b.events()).contains(new Event.Notice("isolation: exclusive (run.isolation: exclusive)"));
        assertThat(b.ledger.records()).extracting(e -> e.run()).contains(0, 1, 2);
    }

    @Test
    void withoutIsolationBothEvaluationsRunAtOnce() throws Exception {
        SessionBench b = two(Isolation.NONE);
        FakeExecutor.Hold first = b.executor().hold("1.log");
        FakeExecutor.Hold second = b.executor().hold("2.log");
        Throwable[] failed = new Throwable[1];
        Thread releaser = Thread.ofPlatform().uncaughtExceptionHandler((t, e) -> failed[0] = e).start(() -> {
            try {
                // both are in their evaluations at the same time before either is let go
                assertThat(first.reached().await(20, TimeUnit.SECONDS)).isTrue();
                assertThat(second.reached().await(20, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                first.release().countDown();
                second.release().countDown();
            }
        });

        b.session(2).run();
        releaser.join();
        if (failed[0] != null) throw new AssertionError(failed[0]);

        assertThat(first.reached().getCount()).isZero();
        assertThat(second.reached().getCount()).isZero();
        assertThat(b.events()).contains(new Event.Notice("isolation: none (run.isolation: none)"));
    }

    @Test
    void autoDecidesAfterTheBaselineAndSaysWhy() {
        SessionBench b = two(Isolation.AUTO);

        b.session(2).run();

        // the fake's metric is deterministic: strict judge, no reason to wait for each other
        assertThat(b.events()).contains(new Event.Notice(
                "isolation: none (the metric is not noisy: 2 evaluations run side by side; set run.isolation to choose)"));
    }

    private static boolean awaitEither(FakeExecutor.Hold a, FakeExecutor.Hold b) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < end) {
            if (a.reached().await(10, TimeUnit.MILLISECONDS)) return true;
            if (b.reached().getCount() == 0) return false;
        }
        throw new AssertionError("neither evaluation started");
    }
}
