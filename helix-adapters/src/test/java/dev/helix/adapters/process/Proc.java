package dev.helix.adapters.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Looks at /proc independently of the code under test: which processes are really alive. */
final class Proc {
    private Proc() {}

    /** Live (non-zombie) processes whose environment has key=value. */
    static Set<Long> liveWith(String key, String value) {
        String entry = key + "=" + value;
        Set<Long> pids = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(Path.of("/proc"))) {
            dirs.filter(d -> d.getFileName().toString().matches("\\d+")).forEach(d -> {
                long pid = Long.parseLong(d.getFileName().toString());
                try {
                    String env = new String(Files.readAllBytes(d.resolve("environ")), StandardCharsets.UTF_8);
                    if (java.util.Arrays.asList(env.split("\0")).contains(entry) && alive(pid)) pids.add(pid);
                } catch (IOException gone) {
                    // vanished or not readable
                }
            });
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return pids;
    }

    /**
     * A process seen alive: its pid and its start time (in clock ticks since boot), so that a pid
     * the kernel hands out again (pids wrap at 32768 on many machines) is not taken for it.
     */
    record Seen(long pid, String start) {}

    /** Whether the process seen earlier still runs (exists, is the same process, is no zombie). */
    static boolean alive(Seen process) {
        String[] f = statFields(process.pid());
        return f != null && f.length > 19 && f[19].equals(process.start()) && !f[0].equals("Z") && !f[0].equals("X");
    }

    static boolean alive(long pid) {
        String[] f = statFields(pid);
        return f != null && !f[0].equals("Z") && !f[0].equals("X");
    }

    /** The fields after "(comm)": state, ppid, pgrp, session, ...; null when gone. */
    static String[] statFields(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        } catch (IOException gone) {
            return null;
        }
    }

    /** Polls until at least {@code n} marked processes are alive; they are returned. */
    static Set<Seen> awaitLive(String key, String value, int n) throws InterruptedException {
        return awaitLive(key, value, live -> live.size() >= n);
    }

    /**
     * Polls until the live marked processes satisfy {@code ready}; they are returned. The deadline
     * is generous: it only turns a hang into a failure, a busy machine must not reach it.
     */
    static Set<Seen> awaitLive(String key, String value, Predicate<Set<Long>> ready) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Set<Seen> seen = new java.util.HashSet<>();
            for (long pid : liveWith(key, value)) {
                String[] f = statFields(pid);
                if (f != null && f.length > 19) seen.add(new Seen(pid, f[19]));
            }
            Set<Long> live = new TreeSet<>(seen.stream().map(Seen::pid).toList());
            if (ready.test(live)) return seen;
            if (System.nanoTime() > deadline) throw new AssertionError("not ready: " + live);
            Thread.sleep(20);
        }
    }

    /** How many sessions the processes belong to. */
    static long sessions(Set<Long> pids) {
        return pids.stream().map(Proc::statFields).filter(f -> f != null).map(f -> f[3]).distinct().count();
    }
}
