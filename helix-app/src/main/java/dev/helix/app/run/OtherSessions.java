package dev.helix.app.run;

import dev.helix.adapters.store.SessionLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The other sessions of a repository running now: those whose session lock a live process other
 * than this one holds. Each may measure on this machine while this session does, which is what
 * run.isolation: auto weighs for {@code helix try} and what {@code doctor} counts.
 */
public final class OtherSessions {
    private OtherSessions() {}

    /** How many sessions other than {@code tag} hold their lock in {@code helixDir} now. */
    public static int running(Path helixDir, String tag) {
        Path locks = helixDir.resolve("locks");
        if (!Files.isDirectory(locks)) return 0;
        long me = ProcessHandle.current().pid();
        try (Stream<Path> files = Files.list(locks)) {
            return (int) files.filter(f -> f.getFileName().toString().endsWith(".lock"))
                    .filter(f -> !f.getFileName().toString().equals(tag + ".lock"))
                    .filter(f -> SessionLock.holder(f).filter(pid -> pid != me)
                            .flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + locks, e);
        }
    }
}
