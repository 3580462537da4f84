package dev.helix.adapters.process;

import dev.helix.core.port.MeasurementLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * The measurement lock of run.isolation: exclusive as a file lock (fcntl, released by the kernel when
 * the process dies, so a killed session never leaves it held): one file per repository, so the
 * workers of a session, its forks and any other session of the same repository measure one at a
 * time. Within one JVM a semaphore per file comes first, since the JVM refuses a second lock of the
 * same file. A thread that holds the lock and asks again gets it at once (a hold-out that locks
 * itself, measured where a session's worker already holds the lock), and its inner release leaves
 * the lock held.
 */
public final class MeasurementFileLock implements MeasurementLock {
    private static final ConcurrentHashMap<Path, Semaphore> IN_PROCESS = new ConcurrentHashMap<>();
    /** The thread holding each file's lock in this JVM. */
    private static final ConcurrentHashMap<Path, Thread> HOLDER = new ConcurrentHashMap<>();

    private final Path file;
    private final Semaphore local;

    public MeasurementFileLock(Path file) {
        this.file = file.toAbsolutePath().normalize();
        this.local = IN_PROCESS.computeIfAbsent(this.file, f -> new Semaphore(1, true));
    }

    /** The lock file of the repository whose shared git directory is {@code gitCommonDir}. */
    public static MeasurementFileLock forRepository(Path gitCommonDir) {
        return new MeasurementFileLock(gitCommonDir.resolve("helix").resolve("measure.lock"));
    }

    public Path file() {
        return file;
    }

    @Override
    public Held acquire() throws InterruptedException {
        if (HOLDER.get(file) == Thread.currentThread()) return () -> { };
        local.acquire();
        FileChannel channel = null;
        try {
            Files.createDirectories(file.getParent());
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = channel.lock();
            FileChannel open = channel;
            boolean[] released = {false};
            HOLDER.put(file, Thread.currentThread());
            return () -> {
                synchronized (released) {
                    if (released[0]) return;
                    released[0] = true;
                }
                HOLDER.remove(file);
                try {
                    lock.release();
                    open.close();
                } catch (IOException e) {
                    // closing the channel releases the lock in any case
                } finally {
                    local.release();
                }
            };
        } catch (FileLockInterruptionException | ClosedByInterruptException e) {
            local.release();
            Thread.interrupted();
            throw new InterruptedException("interrupted while waiting for " + file);
        } catch (IOException e) {
            close(channel);
            local.release();
            throw new UncheckedIOException("cannot lock " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException | Error e) {
            close(channel);
            local.release();
            throw e;
        }
    }

    private static void close(FileChannel channel) {
        if (channel == null) return;
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing held yet
        }
    }
}
