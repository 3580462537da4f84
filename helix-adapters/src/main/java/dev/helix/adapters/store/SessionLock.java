package dev.helix.adapters.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One running session per tag: an OS lock on {@code .helix/locks/<tag>.lock}, held until
 * {@link #close()} or the end of the process. Because the OS releases it when the process dies,
 * even by kill -9, there is never a stale lock to clean up by hand. The file's content (the
 * owner's pid and start time) only serves messages; the lock itself is the truth.
 *
 * <p>Read the lock file only through this class: POSIX drops a process's lock on a file when any
 * of its descriptors of that file is closed, so a stray {@code Files.readString} of a lock this
 * process holds would silently release it.
 */
public final class SessionLock implements AutoCloseable {

    /** Locks held by this JVM, by absolute path; guards against opening a second channel on them. */
    private static final Map<Path, SessionLock> HELD = new HashMap<>();

    private final Path path;
    private final FileChannel channel;
    private final FileLock lock;
    private final long pid;
    private final Instant startedAt;

    private SessionLock(Path path, FileChannel channel, FileLock lock, long pid, Instant startedAt) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.pid = pid;
        this.startedAt = startedAt;
    }

    /** Where the lock of session {@code tag} lives, given the {@code .helix} directory. */
    public static Path forTag(Path helixDir, String tag) {
        return helixDir.resolve("locks").resolve(tag + ".lock");
    }

    /**
     * Takes the lock without waiting.
     *
     * @throws HeldException when another process (or this one) holds it
     */
    public static SessionLock acquire(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        synchronized (HELD) {
            SessionLock mine = HELD.get(key);
            if (mine != null) {
                throw new HeldException(key, Optional.of(mine.pid), "this process (pid " + mine.pid + ")");
            }
            FileChannel ch = null;
            try {
                Files.createDirectories(key.getParent());
                ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    Optional<Long> owner = readPid(ch);
                    ch.close();
                    throw new HeldException(key, owner, owner.map(p -> "process " + p)
                            .orElse("another process (pid not yet written)"));
                }
                ProcessHandle self = ProcessHandle.current();
                Instant started = self.info().startInstant().orElseGet(Instant::now);
                String content = "pid=" + self.pid() + "\nstarted=" + started + "\n";
                ch.truncate(0);
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                long at = 0;
                while (buf.hasRemaining()) {
                    at += ch.write(buf, at);
                }
                ch.force(true);
                SessionLock held = new SessionLock(key, ch, lock, self.pid(), started);
                HELD.put(key, held);
                return held;
            } catch (IOException | OverlappingFileLockException e) {
                closeQuietly(ch);
                throw new UncheckedIOException("cannot take the session lock " + key + ": " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            }
        }
    }

    /**
     * The pid of the process holding the lock at {@code lockFile}, or empty when nobody holds it (or
     * the holder has not written its pid yet).
     */
    public static Optional<Long> holder(Path lockFile) {
        Path key = lockFile.toAbsolutePath().normalize();
        synchronized (HELD) {
            SessionLock mine = HELD.get(key);
            if (mine != null) {
                return Optional.of(mine.pid);
            }
            if (!Files.isRegularFile(key)) {
                return Optional.empty();
            }
            try (FileChannel ch = FileChannel.open(key, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                // Probe: if we can take the lock, nobody holds it, whatever pid the file names.
                FileLock probe = ch.tryLock();
                if (probe != null) {
                    probe.release();
                    return Optional.empty();
                }
                return readPid(ch);
            } catch (IOException e) {
                // Cannot probe (e.g. no write permission): trust the pid if that process is alive.
                try (FileChannel ch = FileChannel.open(key, StandardOpenOption.READ)) {
                    return readPid(ch).filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
                } catch (IOException again) {
                    return Optional.empty();
                }
            }
        }
    }

    public Path path() {
        return path;
    }

    public long pid() {
        return pid;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Whether this lock is still held (not closed). */
    public boolean isHeld() {
        return lock.isValid();
    }

    /** Releases the lock; closing twice is harmless. */
    @Override
    public void close() {
        synchronized (HELD) {
            if (!HELD.remove(path, this)) {
                return;
            }
            try {
                // Blank the owner first, while still holding the lock, so no reader sees a stale pid.
                channel.truncate(0);
            } catch (IOException ignored) {
                // Releasing matters more than tidiness.
            }
            closeQuietly(channel);
        }
    }

    private static Optional<Long> readPid(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size <= 0 || size > 4096) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.allocate((int) size);
        long at = 0;
        while (buf.hasRemaining()) {
            int n = ch.read(buf, at);
            if (n < 0) {
                break;
            }
            at += n;
        }
        String text = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            if (line.startsWith("pid=")) {
                try {
                    return Optional.of(Long.parseLong(line.substring(4).trim()));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // Closing releases the lock even when it reports an error.
            }
        }
    }

    /** The session lock is held by a running process. */
    public static final class HeldException extends RuntimeException {
        private final Path path;
        private final transient Optional<Long> pid;

        HeldException(Path path, Optional<Long> pid, String who) {
            super("the session lock " + path + " is held by " + who
                    + ": that session is still running (stop it first, or use another --tag)");
            this.path = path;
            this.pid = pid;
        }

        public Path path() {
            return path;
        }

        public Optional<Long> pid() {
            return pid;
        }
    }
}
