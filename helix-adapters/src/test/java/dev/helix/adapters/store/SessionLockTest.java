package dev.helix.adapters.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionLockTest {

    @TempDir
    Path dir;

    @Test
    void isExclusiveWithinAProcessAndNamesTheHolder() {
        Path path = SessionLock.forTag(dir.resolve(".helix"), "nov23");
        long self = ProcessHandle.current().pid();
        try (SessionLock lock = SessionLock.acquire(path)) {
            assertThat(lock.pid()).isEqualTo(self);
            assertThat(lock.isHeld()).isTrue();
            assertThat(path).exists();
            assertThat(SessionLock.holder(path)).contains(self);
            assertThatThrownBy(() -> SessionLock.acquire(path))
                    .isInstanceOf(SessionLock.HeldException.class)
                    .hasMessageContaining("pid " + self)
                    .satisfies(e -> assertThat(((SessionLock.HeldException) e).pid()).contains(self));
            // The failed attempt must not have released the lock.
            assertThat(SessionLock.holder(path)).contains(self);
        }
    }

    @Test
    void isFreeAgainOnceClosed() {
        Path path = SessionLock.forTag(dir, "nov23");
        SessionLock first = SessionLock.acquire(path);
        first.close();
        first.close();

        assertThat(first.isHeld()).isFalse();
        assertThat(SessionLock.holder(path)).isEmpty();
        try (SessionLock second = SessionLock.acquire(path)) {
            assertThat(second.isHeld()).isTrue();
        }
    }

    @Test
    void locksOfDifferentTagsAreIndependent() {
        try (SessionLock a = SessionLock.acquire(SessionLock.forTag(dir, "a"));
             SessionLock b = SessionLock.acquire(SessionLock.forTag(dir, "b"))) {
            assertThat(a.isHeld()).isTrue();
            assertThat(b.isHeld()).isTrue();
        }
    }

    @Test
    void nobodyHoldsAMissingLockOrOneLeftBehindByADeadProcess() throws Exception {
        Path path = SessionLock.forTag(dir, "nov23");
        assertThat(SessionLock.holder(path)).isEmpty();
        Files.createDirectories(path.getParent());
        Files.writeString(path, "pid=999999999\nstarted=2024-11-23T08:00:00Z\n");
        assertThat(SessionLock.holder(path)).isEmpty();
        try (SessionLock lock = SessionLock.acquire(path)) {
            assertThat(lock.isHeld()).isTrue();
        }
    }

    @Test
    void anotherProcessHoldsItUntilItIsKilled() throws Exception {
        Path path = SessionLock.forTag(dir, "nov23");
        Process child = StoreChild.start("lock", path.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked " + child.pid());

            assertThat(SessionLock.holder(path)).contains(child.pid());
            assertThatThrownBy(() -> SessionLock.acquire(path))
                    .isInstanceOf(SessionLock.HeldException.class)
                    .hasMessageContaining("process " + child.pid());

            child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(SessionLock.holder(path)).isEmpty();
            try (SessionLock mine = SessionLock.acquire(path)) {
                assertThat(SessionLock.holder(path)).contains(mine.pid()).contains(ProcessHandle.current().pid());
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void aRecordWaitsForAnotherProcessesRecordButNotForASession() throws Exception {
        Path path = SessionLock.forTag(dir, "nov23");
        Process child = StoreChild.start("record-lock", path.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked " + child.pid());
            assertThatThrownBy(() -> SessionLock.awaitForRecord(path, java.time.Duration.ofMillis(300)))
                    .isInstanceOf(SessionLock.BusyException.class).hasMessageContaining("still held by other records");
            assertThatThrownBy(() -> SessionLock.acquire(path)).hasMessageContaining("recording a result");

            Thread killer = new Thread(() -> {
                try {
                    Thread.sleep(500);
                    child.destroyForcibly();
                } catch (InterruptedException ignored) {
                    // the test ends anyway
                }
            });
            killer.start();
            try (SessionLock mine = SessionLock.awaitForRecord(path, java.time.Duration.ofSeconds(30))) {
                assertThat(mine.isHeld()).isTrue();
            }
            killer.join();
        } finally {
            child.destroyForcibly();
        }

        Process session = StoreChild.start("lock", path.toString());
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(session.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("locked " + session.pid());
            long started = System.nanoTime();
            assertThatThrownBy(() -> SessionLock.awaitForRecord(path, java.time.Duration.ofSeconds(30)))
                    .isInstanceOf(SessionLock.HeldException.class).hasMessageContaining("that session is still running");
            assertThat(System.nanoTime() - started).isLessThan(TimeUnit.SECONDS.toNanos(5));
        } finally {
            session.destroyForcibly();
        }
    }
}
