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
                    // a list: an environment may hold an entry twice (slurmctld's slurmscriptd does), Set.of throws
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
    static Set<Long> awaitLive(String key, String value, int n) throws InterruptedException {
        return awaitLive(key, value, live -> live.size() >= n);
    }

    /** Polls until the live marked processes satisfy {@code ready}; they are returned. */
    static Set<Long> awaitLive(String key, String value, Predicate<Set<Long>> ready) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        Set<Long> live = liveWith(key, value);
        while (!ready.test(live)) {
            if (System.nanoTime() > deadline) throw new AssertionError("not ready: " + live);
            Thread.sleep(20);
            live = liveWith(key, value);
        }
        return live;
    }

    /** How many sessions the processes belong to. */
    static long sessions(Set<Long> pids) {
        return pids.stream().map(Proc::statFields).filter(f -> f != null).map(f -> f[3]).distinct().count();
    }
}
