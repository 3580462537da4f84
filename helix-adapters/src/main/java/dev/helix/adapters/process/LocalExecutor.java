package dev.helix.adapters.process;

import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Confinement;
import dev.helix.core.port.Executor;
import dev.helix.core.secret.Secrets;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs evaluations as local processes (Linux). The command runs as {@code setsid sh -c COMMAND}:
 * Java's child is never a process-group leader, so setsid does not fork and the child's pid is
 * the id of its own session and process group. Every process of the evaluation also inherits a
 * unique {@value #EVAL_ID} variable, which finds the descendants that left the group (a
 * double fork with setsid) through {@code /proc/<pid>/environ}.
 *
 * <p>Where it works (Linux with Perl), the shell runs under a {@link Reaper}, a child subreaper:
 * every process of the evaluation that is orphaned, even one that left the session and scrubbed
 * its environment, is re-parented to it, and it ends them all when the command ends or times out.
 *
 * <p>Then, and alone where there is no reaper: SIGTERM to the group and the marked processes, a
 * grace period, then SIGKILL. After a normal exit, whatever the command left running in the
 * background is swept the same way, so no process of an evaluation outlives it. Without the
 * reaper, a process that both leaves the group and scrubs its environment cannot be found.
 */
public final class LocalExecutor implements Executor {

    /** The variable that marks every process of one evaluation. */
    public static final String EVAL_ID = "HELIX_EVAL_ID";
    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);
    public static final int DEFAULT_CAP_BYTES = 512 * 1024;

    private static final Duration KILL_MARKED_GRACE = Duration.ofSeconds(1);
    /**
     * How long the output may still flow once every process found is dead. The reader normally
     * ends at once; the limit is for a process that escaped the sweep and holds the pipe, and it
     * is generous because on a busy machine (or in a long GC pause) the reader may not get to
     * the last lines for a while, and those lines carry the metric.
     */
    private static final Duration KILL_SETTLE = Duration.ofSeconds(10);
    /**
     * How long SIGKILL is repeated until the processes are gone. A killed process still has to be
     * scheduled to die and to free its memory, which on a busy machine, or for a large process,
     * can take seconds; the limit is for one stuck in the kernel, which no signal ends.
     */
    private static final Duration KILL_LIMIT = Duration.ofSeconds(10);
    private static final long POLL_MILLIS = 20;

    private final Duration grace;
    private final int headBytes;
    private final int tailBytes;
    private final Secrets secrets;
    private final Confinement confinement;

    public LocalExecutor() {
        this(DEFAULT_GRACE, DEFAULT_CAP_BYTES, DEFAULT_CAP_BYTES);
    }

    /**
     * @param grace how long a process has between SIGTERM and SIGKILL
     * @param headBytes how much of the beginning of the output is kept
     * @param tailBytes how much of the end of the output is kept
     */
    public LocalExecutor(Duration grace, int headBytes, int tailBytes) {
        if (grace.isNegative()) throw new IllegalArgumentException("grace must not be negative: " + grace);
        if (headBytes < 0 || tailBytes < 0) throw new IllegalArgumentException("caps must not be negative");
        this.grace = grace;
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
        this.secrets = Secrets.NONE;
        this.confinement = Confinement.NONE;
    }

    private LocalExecutor(LocalExecutor base, Secrets secrets, Confinement confinement) {
        this.grace = base.grace;
        this.headBytes = base.headBytes;
        this.tailBytes = base.tailBytes;
        this.secrets = secrets;
        this.confinement = confinement;
    }

    /** This executor, its logs with {@code secrets} redacted (the output it returns is not, for metric parsing). */
    public LocalExecutor redacting(Secrets secrets) {
        return new LocalExecutor(this, secrets, confinement);
    }

    /**
     * This executor, its commands run in {@code confinement} (inside the reaper, so that the
     * reaper still owns every process). The files Helix names to the command in its environment
     * stay in reach: the metric file ({@value MetricFile#VARIABLE}, writable) and the log a metric
     * command parses ({@code HELIX_LOG}, readable).
     */
    public LocalExecutor confined(Confinement confinement) {
        return new LocalExecutor(this, secrets, confinement);
    }

    /**
     * How this machine's evaluations are contained: "subreaper" when the launcher works (every
     * process it started ends with it), "marker" when only the group and the environment marker
     * find them.
     */
    public static String containment() {
        return Reaper.available() ? "subreaper" : "marker";
    }

    /** Runs the request; a null, zero or negative timeout means no limit. */
    @Override
    public Result run(Request request) {
        long started = System.nanoTime();
        if (Thread.currentThread().isInterrupted()) { // don't start what would be killed at once
            return new Result(-1, false, true, 0, "", 0, "");
        }
        CappedLog log;
        try {
            log = CappedLog.open(request.log(), headBytes, tailBytes, secrets);
        } catch (IOException | RuntimeException e) {
            return notStarted(null, started, "cannot write the log " + request.log() + ": " + e);
        }
        if (request.workdir() == null || !Files.isDirectory(request.workdir())) {
            return notStarted(log, started, "the working directory does not exist: " + request.workdir());
        }

        String evalId = UUID.randomUUID().toString();
        // taskset execs the shell, so the shell keeps setsid's pid (and process group); with the
        // reaper, the reaper has it and the shell is its child in the same group.
        boolean reaped = Reaper.available();
        List<String> argv = new java.util.ArrayList<>(List.of("setsid"));
        if (reaped) argv.addAll(Reaper.prefix(grace));
        List<String> command = new java.util.ArrayList<>();
        request.cpus().ifPresent(cpus -> command.addAll(List.of("taskset", "-c", cpus)));
        command.addAll(List.of("sh", "-c", request.command()));
        Optional<Path> madeMetricFile = confinement.confines() ? ReachedFiles.made(request.env().get(MetricFile.VARIABLE)) : Optional.empty();
        argv.addAll(confinement.wrap(command, request.workdir(), ReachedFiles.of(request)));
        ProcessBuilder builder = new ProcessBuilder(argv)
                .directory(request.workdir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().keySet().removeAll(request.unset());
        builder.environment().putAll(request.env());
        builder.environment().put(EVAL_ID, evalId);
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return notStarted(log, started, "cannot start `setsid sh -c` in " + request.workdir() + ": "
                    + e.getMessage());
        }

        Thread pump = Thread.ofPlatform().daemon().name("helix-output-" + process.pid())
                .start(() -> log.drain(process.getInputStream()));
        long group = process.pid(); // pid == pgid: see the class comment
        byte[] marker = entry(EVAL_ID, evalId);

        boolean timedOut = false;
        boolean interrupted = false;
        try {
            Duration timeout = request.timeout();
            if (timeout == null || timeout.isZero() || timeout.isNegative()) process.waitFor();
            else timedOut = !process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            interrupted = true; // the flag is cleared; set again before returning
        }
        if (reaped) {
            // The reaper ends its children (SIGTERM, the grace, SIGKILL) and exits; it has the
            // processes that left the group and dropped the marker, which the sweep below cannot find.
            if (timedOut || interrupted) process.destroy();
            if (!Waits.join(process, grace.plus(KILL_LIMIT).plus(KILL_LIMIT))) process.destroyForcibly();
        }
        // After a normal exit this sweeps the background leftovers (usually none, and then it is
        // one scan of /proc); they may hold the output pipe open, so it comes before the join.
        terminate(group, marker, grace);
        Waits.join(pump, KILL_SETTLE);

        madeMetricFile.ifPresent(ReachedFiles::removeIfEmpty);
        String output = log.finish();
        int exitCode = timedOut || interrupted ? -1 : process.exitValue();
        if (interrupted) Thread.currentThread().interrupt();
        return new Result(exitCode, timedOut, interrupted, secondsSince(started), output, log.total(), "");
    }

    /**
     * Kills every process whose environment has {@code key=value}: SIGTERM, a short grace, then
     * SIGKILL. For sweeping the evaluations of a Helix that died without cleaning up (kill -9),
     * when the session marked them with its own variable. Never this process or its ancestors.
     *
     * @return how many processes were signalled
     */
    public static int killMarked(String key, String value) {
        if (key == null || key.isEmpty() || key.contains("=") || value == null || value.isEmpty()) {
            throw new IllegalArgumentException("need a variable name and a non-empty value");
        }
        return terminate(0, entry(key, value), KILL_MARKED_GRACE);
    }

    // ---- killing ------------------------------------------------------------------------------

    /**
     * SIGTERM to the group (0: none) and the marked processes, wait up to {@code grace} for them
     * to go, then SIGKILL until none is left (new ones may be forked in between).
     *
     * @return how many distinct processes were found and signalled
     */
    private static int terminate(long group, byte[] marker, Duration grace) {
        Map<Long, ProcessHandle> signalled = new HashMap<>();
        Set<Long> alive = scan(group, marker);
        if (alive.isEmpty()) return 0;
        signal("TERM", group, alive, signalled);
        alive = awaitGone(group, marker, grace, signalled, true);
        long killDeadline = System.nanoTime() + KILL_LIMIT.toNanos();
        while (!alive.isEmpty() && System.nanoTime() < killDeadline) {
            signal("KILL", group, alive, signalled);
            alive = awaitGone(group, marker, Duration.ofMillis(100), signalled, false);
        }
        return signalled.size();
    }

    private static void signal(String signal, long group, Set<Long> pids, Map<Long, ProcessHandle> signalled) {
        // The group signal is atomic, so a shell forking in a loop cannot slip past it.
        if (group > 0) runQuietly("kill", "-s", signal, "--", "-" + group);
        for (long pid : pids) {
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            // ProcessHandle checks the start time, so a reused pid is not hit.
            handle.ifPresent(h -> {
                if (signal.equals("KILL")) h.destroyForcibly();
                else h.destroy();
                signalled.putIfAbsent(pid, h);
            });
        }
    }

    /**
     * Polls until nothing is left or the limit is reached. With {@code termNewcomers} (the grace
     * period), newcomers get their SIGTERM too: a shell that was forking when its SIGTERM came
     * leaves a child that never got one, and it deserves its grace like the others.
     *
     * <p>A process signalled earlier counts until it has really ended (a zombie, or gone): while a
     * killed process exits, its environment can no longer be read although it still runs, so the
     * marker alone would call it gone too early.
     */
    private static Set<Long> awaitGone(long group, byte[] marker, Duration limit, Map<Long, ProcessHandle> signalled,
                                       boolean termNewcomers) {
        long deadline = System.nanoTime() + limit.toNanos();
        Set<Long> alive = remaining(group, marker, signalled);
        while (!alive.isEmpty() && System.nanoTime() < deadline) {
            if (termNewcomers) {
                Set<Long> newcomers = new TreeSet<>(alive);
                newcomers.removeAll(signalled.keySet());
                if (!newcomers.isEmpty()) signal("TERM", 0, newcomers, signalled);
            }
            Waits.sleep(POLL_MILLIS);
            alive = remaining(group, marker, signalled);
        }
        return alive;
    }

    /** What is left: the marked or grouped processes found now, and every signalled one that still runs. */
    private static Set<Long> remaining(long group, byte[] marker, Map<Long, ProcessHandle> signalled) {
        Set<Long> alive = scan(group, marker);
        signalled.forEach((pid, handle) -> {
            if (handle.isAlive() && running(pid)) alive.add(pid);
        });
        return alive;
    }

    /** Whether the process runs (exists and is not a zombie). */
    private static boolean running(long pid) {
        long[] stat = stat(Path.of("/proc", Long.toString(pid)));
        return stat != null && stat[1] == 0;
    }

    /**
     * Live processes (zombies excluded: they are dead, only not yet reaped) in {@code group}
     * or carrying the {@code marker} entry in their environment; never this JVM or its ancestors.
     * Processes that vanish or deny access while being read are skipped.
     */
    static Set<Long> scan(long group, byte[] marker) {
        Set<Long> found = new TreeSet<>();
        Set<Long> spared = selfAndAncestors();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), LocalExecutor::isPidDir)) {
            for (Path dir : proc) {
                long pid = Long.parseLong(dir.getFileName().toString());
                if (spared.contains(pid)) continue;
                long[] stat = stat(dir); // {pgrp, zombie ? 1 : 0}, null when gone
                if (stat == null || stat[1] == 1) continue;
                if ((group > 0 && stat[0] == group) || hasEntry(read(dir.resolve("environ")), marker)) {
                    found.add(pid);
                }
            }
        } catch (IOException | DirectoryIteratorException e) {
            // /proc unreadable: nothing can be found, which the caller treats as nothing left
        }
        return found;
    }

    private static boolean isPidDir(Path p) {
        String name = p.getFileName().toString();
        if (name.isEmpty()) return false;
        for (int i = 0; i < name.length(); i++) if (!Character.isDigit(name.charAt(i))) return false;
        return true;
    }

    /** From /proc/PID/stat: the process group and whether it is a zombie. */
    private static long[] stat(Path dir) {
        byte[] bytes = read(dir.resolve("stat"));
        if (bytes == null) return null;
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int close = text.lastIndexOf(')'); // the command name may contain spaces and parentheses
        if (close < 0) return null;
        String[] fields = text.substring(close + 2).split(" ");
        if (fields.length < 3) return null;
        boolean zombie = fields[0].equals("Z") || fields[0].equals("X");
        return new long[] {Long.parseLong(fields[2]), zombie ? 1 : 0};
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException | SecurityException e) { // gone, or not ours to read
            return null;
        }
    }

    /** Whether the NUL-separated environment block has exactly the entry {@code marker} ("K=V"). */
    static boolean hasEntry(byte[] environ, byte[] marker) {
        if (environ == null) return false;
        outer:
        for (int i = 0; i + marker.length <= environ.length; i++) {
            if (i > 0 && environ[i - 1] != 0) continue;
            for (int j = 0; j < marker.length; j++) if (environ[i + j] != marker[j]) continue outer;
            int end = i + marker.length;
            if (end == environ.length || environ[end] == 0) return true;
        }
        return false;
    }

    private static byte[] entry(String key, String value) {
        return (key + "=" + value).getBytes(StandardCharsets.UTF_8);
    }

    private static Set<Long> selfAndAncestors() {
        Set<Long> pids = new HashSet<>();
        Optional<ProcessHandle> p = Optional.of(ProcessHandle.current());
        while (p.isPresent()) {
            pids.add(p.get().pid());
            p = p.get().parent();
        }
        return pids;
    }

    // ---- plumbing -----------------------------------------------------------------------------

    private Result notStarted(CappedLog log, long started, String error) {
        if (log != null) log.finishWith(error);
        return new Result(-1, false, false, secondsSince(started), "", 0, error);
    }

    private static void runQuietly(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Waits.join(p, Duration.ofSeconds(2));
        } catch (IOException e) {
            // no kill(1): the per-process signals still reach every member that was scanned
        }
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
