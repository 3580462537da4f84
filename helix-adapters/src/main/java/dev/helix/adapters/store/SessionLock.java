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
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One running session per tag: an OS lock on {@code .helix/locks/<tag>.lock}, held until
 * {@link #close()} or the end of the process. Because the OS releases it when the process dies,
 * even by kill -9, there is never a stale lock to clean up by hand. The file's content (the
 * owner's pid, start time and what it holds the lock for) only serves messages and
 * {@link #awaitForRecord}; the lock itself is the truth.
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
    private final String purpose;

    private SessionLock(Path path, FileChannel channel, FileLock lock, long pid, Instant startedAt, String purpose) {
        this.path = path;
        this.channel = channel;
        this.lock = lock;
        this.pid = pid;
        this.startedAt = startedAt;
        this.purpose = purpose;
    }

    /** Where the lock of session {@code tag} lives, given the {@code .helix} directory. */
    public static Path forTag(Path helixDir, String tag) {
        return helixDir.resolve("locks").resolve(tag + ".lock");
    }

    /** What a session holds its lock for: a run or try, for its whole length. */
    public static final String SESSION = "session";
    /** What {@code helix record} holds the lock for: one append, a moment long. */
    public static final String RECORD = "record";

    /**
     * Takes the lock without waiting, for a session.
     *
     * @throws HeldException when another process (or this one) holds it
     */
    public static SessionLock acquire(Path lockFile) {
        return acquire(lockFile, SESSION);
    }

    /**
     * Takes the lock for one record, waiting up to {@code bound} while other records hold it: they
     * hold it only to append. A running session holding it is refused at once, as by
     * {@link #acquire(Path)}.
     *
     * @throws HeldException when a session holds it
     * @throws BusyException when records still held it after {@code bound}
     */
    public static SessionLock awaitForRecord(Path lockFile, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        java.util.Random jitter = new java.util.Random();
        while (true) {
            try {
                return acquire(lockFile, RECORD);
            } catch (HeldException e) {
                // An empty purpose is a holder between taking the lock and writing its name: look again.
                if (e.purpose().equals(SESSION)) throw e;
                if (System.nanoTime() > deadline) {
                    throw new BusyException(e.path(), bound);
                }
                try {
                    Thread.sleep(10 + jitter.nextInt(40));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static SessionLock acquire(Path lockFile, String purpose) {
        Path key = lockFile.toAbsolutePath().normalize();
        synchronized (HELD) {
            SessionLock mine = HELD.get(key);
            if (mine != null) {
                throw new HeldException(key, Optional.of(mine.pid), mine.purpose, "this process (pid " + mine.pid + ")");
            }
            FileChannel ch = null;
            try {
                Files.createDirectories(key.getParent());
                ch = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    Map<String, String> content = readOwner(ch);
                    ch.close();
                    Optional<Long> owner = pidOf(content);
                    throw new HeldException(key, owner, content.getOrDefault("for", ""), owner.map(p -> "process " + p)
                            .orElse("another process (pid not yet written)"));
                }
                ProcessHandle self = ProcessHandle.current();
                Instant started = self.info().startInstant().orElseGet(Instant::now);
                String content = "pid=" + self.pid() + "\nstarted=" + started + "\nfor=" + purpose + "\n";
                ch.truncate(0);
                ByteBuffer buf = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
                long at = 0;
                while (buf.hasRemaining()) {
                    at += ch.write(buf, at);
                }
                ch.force(true);
                SessionLock held = new SessionLock(key, ch, lock, self.pid(), started, purpose);
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
                return pidOf(readOwner(ch));
            } catch (IOException e) {
                // Cannot probe (e.g. no write permission): trust the pid if that process is alive.
                try (FileChannel ch = FileChannel.open(key, StandardOpenOption.READ)) {
                    return pidOf(readOwner(ch)).filter(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false));
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

    /** The lock file's {@code key=value} lines; empty when blank or unreadable as such. */
    private static Map<String, String> readOwner(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size <= 0 || size > 4096) {
            return Map.of();
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
        Map<String, String> owner = new HashMap<>();
        for (String line : new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) owner.put(line.substring(0, eq), line.substring(eq + 1).trim());
        }
        // A lock written before the purpose was recorded belongs to a session.
        if (owner.containsKey("pid")) owner.putIfAbsent("for", SESSION);
        return owner;
    }

    private static Optional<Long> pidOf(Map<String, String> owner) {
        try {
            return Optional.ofNullable(owner.get("pid")).map(Long::parseLong);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
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
        private final String purpose;

        HeldException(Path path, Optional<Long> pid, String purpose, String who) {
            super("the session lock " + path + " is held by " + who + (purpose.equals(RECORD)
                    ? ": it is recording a result" : ": that session is still running (stop it first, or use another --tag)"));
            this.path = path;
            this.pid = pid;
            this.purpose = purpose;
        }

        /** What the holder holds the lock for ({@link #SESSION}, {@link #RECORD}), or empty when not yet written. */
        public String purpose() {
            return purpose;
        }

        public Path path() {
            return path;
        }

        public Optional<Long> pid() {
            return pid;
        }
    }

    /** Other records held the session lock for longer than a record waits. */
    public static final class BusyException extends RuntimeException {
        BusyException(Path path, Duration bound) {
            super("the session lock " + path + " was still held by other records after " + bound.toSeconds() + " s");
        }
    }
}
