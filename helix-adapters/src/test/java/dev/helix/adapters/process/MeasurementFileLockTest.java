package dev.helix.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.helix.core.port.MeasurementLock;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The measurement lock as a file lock: another process holding it (a POSIX lock, as Helix in another
 * JVM takes it) keeps this one waiting until it lets go; two holders in one JVM wait for each other;
 * a waiter can be interrupted.
 */
@Timeout(60)
class MeasurementFileLockTest {
    @TempDir
    Path tmp;

    @Test
    void anotherProcessHoldingTheLockKeepsAMeasurementWaitingUntilItLetsGo() throws Exception {
        Path file = tmp.resolve("git/helix/measure.lock");
        MeasurementFileLock lock = MeasurementFileLock.forRepository(tmp.resolve("git"));
        assertThat(lock.file()).isEqualTo(file);
        lock.acquire().close(); // creates the file and its directory
        Process holder = new ProcessBuilder("python3", "-c", """
                import fcntl, sys
                f = open(sys.argv[1], 'w')
                fcntl.lockf(f, fcntl.LOCK_EX)
                print('held', flush=True)
                sys.stdin.readline()
                """, file.toString()).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("held");
            CompletableFuture<MeasurementLock.Held> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return lock.acquire();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // held elsewhere: however long we look, it is not ours
            assertThat(catchThrowable(() -> waiting.get(500, TimeUnit.MILLISECONDS))).isInstanceOf(java.util.concurrent.TimeoutException.class);
            try (OutputStream in = holder.getOutputStream()) {
                in.write('\n');
            }
            waiting.get(30, TimeUnit.SECONDS).close();
        } finally {
            holder.destroyForcibly();
        }
        assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void twoHoldersInOneProcessTakeTurnsAndAWaiterCanBeInterrupted() throws Exception {
        MeasurementFileLock one = new MeasurementFileLock(tmp.resolve("measure.lock"));
        MeasurementFileLock two = new MeasurementFileLock(tmp.resolve("./measure.lock"));
        MeasurementLock.Held held = one.acquire();
        CountDownLatch started = new CountDownLatch(1);
        Throwable[] thrown = new Throwable[1];
        Thread waiter = new Thread(() -> {
            started.countDown();
            try {
                two.acquire().close();
            } catch (InterruptedException e) {
                thrown[0] = e;
            }
        });
        waiter.start();
        started.await();
        waiter.interrupt();
        waiter.join(30_000);
        assertThat(thrown[0]).isInstanceOf(InterruptedException.class);
        held.close();
        held.close(); // a second close lets no one extra in
        MeasurementLock.Held again = two.acquire();
        CompletableFuture<MeasurementLock.Held> third = CompletableFuture.supplyAsync(() -> {
            try {
                return one.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(catchThrowable(() -> third.get(300, TimeUnit.MILLISECONDS))).isInstanceOf(java.util.concurrent.TimeoutException.class);
        again.close();
        third.get(30, TimeUnit.SECONDS).close();
    }

    @Test
    void theThreadThatHoldsTheLockTakesItAgainAndItsInnerReleaseKeepsItHeld() throws Exception {
        MeasurementFileLock lock = new MeasurementFileLock(tmp.resolve("measure.lock"));
        MeasurementLock.Held outer = lock.acquire();
        lock.acquire().close(); // a hold-out that locks itself, measured where a worker holds the lock: no deadlock
        CompletableFuture<MeasurementLock.Held> other = CompletableFuture.supplyAsync(() -> {
            try {
                return lock.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }, OWN_THREAD);
        // held still after the inner release: the other thread gets it only once the outer hold ends
        assertThat(catchThrowable(() -> other.get(300, TimeUnit.MILLISECONDS))).isInstanceOf(java.util.concurrent.TimeoutException.class);
        outer.close();
        MeasurementLock.Held theirs = other.get(30, TimeUnit.SECONDS);
        CompletableFuture<Boolean> mine = CompletableFuture.supplyAsync(() -> {
            try {
                lock.acquire().close();
                return true;
            } catch (InterruptedException e) {
                return false;
            }
        }, OWN_THREAD);
        assertThat(catchThrowable(() -> mine.get(300, TimeUnit.MILLISECONDS))).isInstanceOf(java.util.concurrent.TimeoutException.class);
        theirs.close();
        assertThat(mine.get(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Each task on a thread of its own: a pooled thread that held the lock would take it again at once. */
    private static final java.util.concurrent.Executor OWN_THREAD = r -> new Thread(r).start();
}
