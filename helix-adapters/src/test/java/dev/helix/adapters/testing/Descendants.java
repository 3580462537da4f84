package dev.helix.adapters.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * This JVM's descendants that still run, waited on: a process killed a moment ago still has to
 * be scheduled to die, which on a busy machine takes a while, so looking once would be a race.
 */
public final class Descendants {
    private Descendants() {}

    /** Far more than dying takes on a busy machine; only a process that survived its kill reaches it. */
    private static final long LIMIT_SECONDS = 30;

    /**
     * Waits until no running descendant matches {@code which}; returns those still running when
     * the limit is reached (empty when none is left), for an assertion to show.
     */
    public static List<ProcessHandle> awaitNone(Predicate<ProcessHandle> which) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LIMIT_SECONDS);
        List<ProcessHandle> live = running(which);
        while (!live.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            live = running(which);
        }
        return live;
    }

    /** Whether the command line of the process contains {@code text}. */
    public static Predicate<ProcessHandle> commandLineContains(String text) {
        return p -> p.info().commandLine().or(() -> p.info().command()).orElse("").contains(text);
    }

    private static List<ProcessHandle> running(Predicate<ProcessHandle> which) {
        return ProcessHandle.current().descendants().filter(Descendants::running).filter(which).toList();
    }

    /** Alive and no zombie: a killed child stays a zombie until it is reaped, yet runs no more. */
    private static boolean running(ProcessHandle p) {
        if (!p.isAlive()) return false;
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(p.pid()), "stat"));
            char state = stat.charAt(stat.lastIndexOf(')') + 2);
            return state != 'Z' && state != 'X';
        } catch (IOException | RuntimeException gone) {
            return false;
        }
    }
}
