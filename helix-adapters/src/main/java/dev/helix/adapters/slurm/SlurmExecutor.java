package dev.helix.adapters.slurm;

import dev.helix.adapters.process.CappedLog;
import dev.helix.adapters.process.Waits;
import dev.helix.adapters.process.LocalExecutor;
import dev.helix.core.port.Executor;
import dev.helix.core.spec.Spec;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Runs each evaluation as a Slurm job: {@code srun --job-name=helix-... --chdir=WORKTREE sh -c
 * COMMAND}. The worktree must be on a filesystem the compute nodes share with the machine Helix
 * runs on (the job runs in that directory and writes its results there); the proposer keeps
 * running where Helix runs.
 *
 * <p><b>Why srun.</b> srun asks the controller for an allocation at once and starts the job as soon
 * as it is granted, streaming its output back over its own stdout; sbatch only queues the job for
 * the next scheduler pass, and its end must be polled ({@code sbatch --wait} polls coarsely).
 * Measured on the two-node test cluster (Slurm 22.05, scripts/slurm-up): a {@code true} job takes
 * 0.2-0.4 s with srun, 0.7-3.1 s with sbatch and polling squeue every 50 ms, 2-10 s with
 * {@code sbatch --wait}. srun also keeps Helix's output path: the job's stdout and stderr arrive
 * here, capped like the local executor's log (head and tail kept).
 *
 * <p><b>Time.</b> Helix enforces the exact wall clock itself, counted from the moment the job runs
 * (time spent waiting in the queue is not the evaluation's); the Slurm time limit is the timeout
 * rounded up to whole minutes plus one minute, a backstop should Helix be gone.
 *
 * <p><b>Ending.</b> On a timeout or an interrupt (Ctrl-C) the job is cancelled with {@code scancel
 * --name}, srun is given time to exit (then killed), and Helix waits until squeue no longer lists
 * the job, so none is left running. The job name is unique to the evaluation.
 *
 * <p><b>Strays.</b> A job of a session carries the comment {@code helix-session=ID} (ID: the
 * evaluation's HELIX_SESSION), which {@code squeue -o %k} shows; should Helix be killed with -9,
 * {@link #cancelMarked(String)} cancels what it left when the session starts again.
 *
 * <p><b>Parallel workers.</b> {@link #run} may be called from several threads at once (one per
 * worker and worktree): an executor holds no mutable state, each call has its own srun, output
 * pump, log and uniquely named job, and every Slurm client it runs is bounded in time, so a
 * controller that stops answering cannot hold a worker forever.
 *
 * <p><b>States.</b> After srun exits, the job's state comes from {@code squeue -t all} (the
 * controller keeps finished jobs for MinJobAge), else from {@code sacct}. COMPLETED and FAILED give
 * the exit code; TIMEOUT, OUT_OF_MEMORY, NODE_FAIL, CANCELLED, PREEMPTED, BOOT_FAIL and DEADLINE
 * are crashes with exit code -1 and {@code slurm: STATE} in {@link Result#error()}. Without
 * cgroups, Slurm enforces memory through jobacct_gather (OverMemoryKill): the step is killed and
 * the job ends FAILED, with srun saying "Exceeded job memory limit"; that too is OUT_OF_MEMORY.
 */
public final class SlurmExecutor implements Executor {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    /** States that end an evaluation without a result of its own. */
    static final Set<String> CRASH_STATES = Set.of("TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "CANCELLED", "PREEMPTED",
            "BOOT_FAIL", "DEADLINE");
    private static final Set<String> ACTIVE_STATES = Set.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING",
            "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
            "REQUEUE_FED", "REQUEUE_HOLD", "SPECIAL_EXIT");
    private static final String MEMORY_KILL = "Exceeded job memory limit";
    private static final long POLL_MILLIS = 50;
    private static final long QUEUE_POLL_MILLIS = 250;
    private static final Duration COMMAND_LIMIT = Duration.ofSeconds(15);
    private static final Duration GONE_LIMIT = Duration.ofSeconds(30);
    private static final Duration UNSEEN_LIMIT = Duration.ofSeconds(10);
    /** The variable that names an evaluation's session (set by the session for every evaluation). */
    static final String SESSION_VARIABLE = "HELIX_SESSION";
    private static final String MARKER_PREFIX = "helix-session=";
    private static final String CANCELLABLE = "PENDING,RUNNING,SUSPENDED,CONFIGURING";
    /** How long {@link #cancelMarked} waits for squeue before it takes Slurm as unreachable. */
    static final Duration CANCEL_MARKED_LIMIT = Duration.ofSeconds(3);

    private final Spec.SlurmSpec options;
    private final Duration grace;
    private final int headBytes;
    private final int tailBytes;

    public SlurmExecutor(Spec.SlurmSpec options) {
        this(options, DEFAULT_GRACE, LocalExecutor.DEFAULT_CAP_BYTES, LocalExecutor.DEFAULT_CAP_BYTES);
    }

    /**
     * @param grace how long srun has to exit after scancel before it is killed
     * @param headBytes how much of the beginning of the output is kept
     * @param tailBytes how much of the end of the output is kept
     */
    public SlurmExecutor(Spec.SlurmSpec options, Duration grace, int headBytes, int tailBytes) {
        if (grace.isNegative()) throw new IllegalArgumentException("grace must not be negative: " + grace);
        if (headBytes < 0 || tailBytes < 0) throw new IllegalArgumentException("caps must not be negative");
        this.options = options == null ? Spec.SlurmSpec.DEFAULT : options;
        this.grace = grace;
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
    }

    /** The srun command line for {@code request}, submitted as {@code jobName}. */
    List<String> srun(Request request, String jobName) {
        List<String> cmd = new ArrayList<>(List.of("setsid", "srun", "--job-name=" + jobName,
                "--chdir=" + request.workdir().toAbsolutePath(), "--ntasks=1", "--kill-on-bad-exit=1"));
        Duration timeout = request.timeout();
        if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
            long minutes = (timeout.toSeconds() + 59) / 60 + 1; // the backstop: Helix ends it first
            cmd.add("--time=" + minutes);
        }
        marker(request.env()).ifPresent(m -> cmd.add("--comment=" + m));
        options.partition().ifPresent(p -> cmd.add("--partition=" + p));
        if (options.cpus() > 0) cmd.add("--cpus-per-task=" + options.cpus());
        options.mem().ifPresent(m -> cmd.add("--mem=" + m));
        options.gres().ifPresent(g -> cmd.add("--gres=" + g));
        cmd.addAll(options.extraArgs());
        cmd.addAll(List.of("sh", "-c", request.command()));
        return cmd;
    }

    /** Runs the request; a null, zero or negative timeout means no limit (but the partition's). */
    @Override
    public Result run(Request request) {
        long started = System.nanoTime();
        if (Thread.currentThread().isInterrupted()) return new Result(-1, false, true, 0, "", 0, "");
        CappedLog log;
        try {
            log = CappedLog.open(request.log(), headBytes, tailBytes);
        } catch (IOException | RuntimeException e) {
            return notStarted(null, started, "cannot write the log " + request.log() + ": " + e);
        }
        if (request.workdir() == null || !Files.isDirectory(request.workdir())) {
            return notStarted(log, started, "the working directory does not exist: " + request.workdir());
        }
        String jobName = jobName(request.env());
        // setsid: a Ctrl-C in Helix's terminal must not reach srun (it would forward it to the job
        // on its own terms); Helix ends the job itself, with scancel.
        ProcessBuilder builder = new ProcessBuilder(srun(request, jobName))
                .directory(request.workdir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().putAll(request.env()); // srun exports its environment to the job
        Process srun;
        try {
            srun = builder.start();
        } catch (IOException | RuntimeException e) {
            return notStarted(log, started, "cannot start srun (is Slurm installed here?): " + e.getMessage());
        }
        Thread pump = Thread.ofPlatform().daemon().name("helix-slurm-" + srun.pid())
                .start(() -> log.drain(srun.getInputStream()));

        boolean timedOut = false;
        boolean interrupted = false;
        try {
            timedOut = !awaitEnd(srun, jobName, request.timeout());
        } catch (InterruptedException e) {
            interrupted = true; // the flag is cleared; set again before returning
        }
        boolean cancelled = timedOut || interrupted;
        if (cancelled) cancel(srun, jobName);
        Waits.join(pump, Duration.ofSeconds(2));
        String output = log.finish();

        Optional<JobState> job = cancelled ? Optional.empty() : finalState(jobName);
        int exitCode;
        String error = "";
        if (cancelled) {
            exitCode = -1;
        } else {
            exitCode = srun.exitValue();
            String state = job.map(JobState::state).orElse("");
            if (CRASH_STATES.contains(state)) {
                error = "slurm: " + state;
            } else if (output.contains(MEMORY_KILL)) { // jobacct_gather's OverMemoryKill, no cgroups
                error = "slurm: OUT_OF_MEMORY";
            } else if (job.isEmpty() && exitCode != 0) { // never became a job: srun says why
                error = "slurm: " + srunError(output).orElse("srun exited with " + exitCode + " and no job was found");
            }
            if (!error.isEmpty()) exitCode = -1;
        }
        note(request.log(), jobName, job, cancelled, timedOut, error);
        if (interrupted) Thread.currentThread().interrupt();
        return new Result(exitCode, timedOut, interrupted, secondsSince(started), output, log.total(), error);
    }

    /** "helix-TAG-EXPERIMENT-xxxxxxxx" from the evaluation's variables, unique to the evaluation. */
    static String jobName(Map<String, String> env) {
        StringBuilder name = new StringBuilder("helix-");
        for (String key : List.of("HELIX_TAG", "HELIX_EXPERIMENT")) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) name.append(v.replaceAll("[^A-Za-z0-9_.-]", "_")).append('-');
        }
        return name.append(UUID.randomUUID().toString(), 0, 8).toString();
    }

    /** The job comment that marks an evaluation of session {@code id}: {@code helix-session=ID}. */
    public static String marker(String sessionId) {
        return MARKER_PREFIX + sessionId;
    }

    /** The marker of the session the evaluation belongs to, from its HELIX_SESSION variable. */
    static Optional<String> marker(Map<String, String> env) {
        String id = env.get(SESSION_VARIABLE);
        return id == null || id.isBlank() ? Optional.empty() : Optional.of(marker(id.strip()));
    }

    /**
     * Cancels the jobs an earlier run of session {@code sessionId} left behind (Helix killed with
     * -9 while evaluations were running on Slurm): this user's pending and running jobs whose
     * comment is {@link #marker(String) helix-session=ID}. Waits (up to 10 s) until squeue no longer
     * lists them at all (COMPLETING included: their processes are being killed), so the new run
     * does not compete with them for nodes.
     *
     * <p>A no-op that returns 0 at once when Slurm is not installed (no squeue on the PATH) or its
     * configuration file is missing, and within {@link #CANCEL_MARKED_LIMIT} when the controller
     * does not answer; it never throws for Slurm's sake.
     *
     * @return how many jobs were cancelled
     */
    public static int cancelMarked(String sessionId) {
        return cancelMarked(sessionId, System.getenv());
    }

    /** {@link #cancelMarked(String)} with the Slurm clients run in {@code env} (PATH, SLURM_CONF). */
    static int cancelMarked(String sessionId, Map<String, String> env) {
        if (sessionId == null || sessionId.isBlank()) throw new IllegalArgumentException("need a session id");
        if (!slurmClientPresent(env)) return 0;
        List<String> ids = markedJobs(marker(sessionId.strip()), CANCELLABLE, CANCEL_MARKED_LIMIT, env);
        if (ids.isEmpty()) return 0;
        List<String> cancel = new ArrayList<>(List.of("scancel"));
        cancel.addAll(ids);
        command(cancel, COMMAND_LIMIT, env);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long lastCancel = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<String> left = markedJobs(marker(sessionId.strip()), CANCELLABLE + ",COMPLETING", COMMAND_LIMIT, env);
            left.retainAll(ids);
            if (left.isEmpty()) break;
            if (System.nanoTime() - lastCancel > TimeUnit.SECONDS.toNanos(3)) { // a lost request
                List<String> again = new ArrayList<>(List.of("scancel"));
                again.addAll(left);
                command(again, COMMAND_LIMIT, env);
                lastCancel = System.nanoTime();
            }
            Waits.sleep(POLL_MILLIS * 2);
        }
        return ids.size();
    }

    /** Ids of this user's jobs in those states with that comment (none when squeue fails). */
    private static List<String> markedJobs(String marker, String states, Duration limit, Map<String, String> env) {
        Optional<String> out = command(List.of("squeue", "--me", "-h", "-t", states, "-o", "%i|%k"), limit, env);
        List<String> ids = new ArrayList<>();
        if (out.isEmpty()) return ids;
        for (String line : out.get().split("\n")) {
            int bar = line.indexOf('|');
            if (bar <= 0) continue;
            if (line.substring(bar + 1).strip().equals(marker)) ids.add(line.substring(0, bar).strip());
        }
        return ids;
    }

    /** Whether squeue is on the PATH and the configuration SLURM_CONF names (if it names one) exists. */
    private static boolean slurmClientPresent(Map<String, String> env) {
        String conf = env.get("SLURM_CONF");
        if (conf != null && !conf.isBlank() && !Files.isRegularFile(Path.of(conf))) return false;
        String path = env.get("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "squeue"))) return true;
        }
        return false;
    }

    /**
     * Waits for srun to exit, with the timeout counted from when the job starts running.
     *
     * @return false when the timeout passed first
     */
    private boolean awaitEnd(Process srun, String jobName, Duration timeout) throws InterruptedException {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            srun.waitFor();
            return true;
        }
        long submitted = System.nanoTime();
        long deadline = 0; // 0: the job is not running yet
        long nextQuery = 0;
        boolean seen = false;
        while (true) {
            if (deadline == 0 && System.nanoTime() >= nextQuery) {
                Optional<JobState> s = query(jobName, false);
                seen |= s.isPresent();
                if (s.isPresent() && !s.get().state().equals("PENDING") && !s.get().state().equals("CONFIGURING")) {
                    deadline = System.nanoTime() + timeout.toNanos();
                } else if (!seen && System.nanoTime() - submitted > UNSEEN_LIMIT.toNanos()) {
                    deadline = submitted + timeout.toNanos(); // squeue cannot tell: count from submission
                }
                nextQuery = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(QUEUE_POLL_MILLIS);
            }
            long wait = deadline == 0 ? POLL_MILLIS : Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            if (srun.waitFor(Math.min(wait, deadline == 0 ? POLL_MILLIS : 1000), TimeUnit.MILLISECONDS)) return true;
            if (deadline != 0 && System.nanoTime() >= deadline) return false;
        }
    }

    /**
     * scancel, srun's grace, then SIGKILL to srun; returns when squeue no longer shows the job as
     * active (or after a generous limit). Carries on through interrupts and sets the flag again.
     */
    private void cancel(Process srun, String jobName) {
        boolean wasInterrupted = Thread.interrupted();
        scancel(jobName);
        boolean exited = Waits.join(srun, grace.plusSeconds(5));
        if (!exited) srun.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!exited) srun.destroyForcibly();
        long deadline = System.nanoTime() + GONE_LIMIT.toNanos();
        long lastCancel = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Optional<JobState> s = query(jobName, false);
            if (s.isEmpty() || !ACTIVE_STATES.contains(s.get().state())) break;
            if (System.nanoTime() - lastCancel > TimeUnit.SECONDS.toNanos(3)) { // a lost request
                scancel(jobName);
                lastCancel = System.nanoTime();
            }
            Waits.sleep(POLL_MILLIS * 2);
        }
        Waits.join(srun, Duration.ofSeconds(2));
        if (wasInterrupted || Thread.currentThread().isInterrupted()) Thread.currentThread().interrupt();
    }

    private static void scancel(String jobName) {
        command(List.of("scancel", "--name=" + jobName));
    }

    /**
     * The job's state once it has ended (COMPLETING waits a little): squeue while the controller
     * still holds it, else sacct (accounting), else sacct -c (the job completion file).
     */
    private static Optional<JobState> finalState(String jobName) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<JobState> s = Optional.empty();
        while (System.nanoTime() < deadline) {
            s = query(jobName, true);
            if (s.isPresent() && !ACTIVE_STATES.contains(s.get().state())) return s;
            if (s.isEmpty()) break;
            Waits.sleep(POLL_MILLIS * 2);
        }
        for (List<String> sacct : List.of(
                List.of("sacct", "-n", "-X", "-P", "--name=" + jobName, "-o", "JobID,JobName,State,NodeList"),
                List.of("sacct", "-c", "-n", "-X", "-P", "--name=" + jobName, "-o", "JobID,JobName,State,NodeList"))) {
            Optional<JobState> a = parse(command(sacct), jobName);
            if (a.isPresent()) return a;
        }
        return s;
    }

    /** squeue's view of the job (all states with {@code all}), if it lists it. */
    static Optional<JobState> query(String jobName, boolean all) {
        List<String> cmd = new ArrayList<>(List.of("squeue", "-h", "--name=" + jobName, "-o", "%i|%j|%T|%N"));
        if (all) cmd.addAll(List.of("-t", "all"));
        return parse(command(cmd), jobName);
    }

    /** Whether squeue lists a job of that name as pending, running or completing. */
    public static boolean active(String jobName) {
        return query(jobName, false).filter(s -> ACTIVE_STATES.contains(s.state())).isPresent();
    }

    /**
     * The last "id|name|STATE|nodes" line of the job ("CANCELLED by 0" is CANCELLED). The name is
     * checked: sacct -c ignores --name and lists every job.
     */
    static Optional<JobState> parse(Optional<String> out, String jobName) {
        if (out.isEmpty()) return Optional.empty();
        JobState last = null;
        for (String line : out.get().split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 3 || f[0].isBlank() || !f[1].strip().equals(jobName)) continue;
            String state = f[2].strip().split(" ")[0].toUpperCase(Locale.ROOT);
            last = new JobState(f[0].strip(), state, f.length > 3 ? f[3].strip() : "");
        }
        return Optional.ofNullable(last);
    }

    record JobState(String id, String state, String nodes) {}

    private static Optional<String> srunError(String output) {
        String found = null;
        for (String line : output.split("\n")) if (line.startsWith("srun: error:")) found = line.substring(6).strip();
        return Optional.ofNullable(found);
    }

    /** Appends what Slurm did to the log file (not to the output, which metrics are parsed from). */
    private static void note(Path log, String jobName, Optional<JobState> job, boolean cancelled, boolean timedOut,
                             String error) {
        if (log == null) return;
        String what = cancelled ? (timedOut ? "timed out, cancelled" : "interrupted, cancelled")
                : job.map(j -> j.state() + (j.nodes().isEmpty() ? "" : " on " + j.nodes())).orElse("state unknown");
        String line = "[helix] slurm job " + job.map(JobState::id).orElse("?") + " (" + jobName + "): " + what
                + (error.isEmpty() ? "" : " -> " + error) + "\n";
        try {
            Files.writeString(log, line, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException | RuntimeException e) {
            // the log is a convenience; the result carries what matters
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------

    /** Runs a Slurm client command; its stdout, or empty when it failed or took too long. */
    private static Optional<String> command(List<String> cmd) {
        return command(cmd, COMMAND_LIMIT, null);
    }

    /**
     * Runs a Slurm client command for at most {@code limit}: its stdout, or empty when it failed,
     * could not start (Slurm not installed) or took too long (the controller not answering: squeue
     * retries for 9 s, 60 s without its config). Its output is read on another thread, so a client
     * that hangs without closing its stdout cannot hold the caller past the limit. {@code env}, if
     * not null, is the client's whole environment (else Helix's own).
     */
    private static Optional<String> command(List<String> cmd, Duration limit, Map<String, String> env) {
        Process p;
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (env != null) {
                builder.environment().clear();
                builder.environment().putAll(env);
            }
            p = builder.start();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // destroyed on a timeout: the result is empty anyway
            }
        });
        if (!Waits.join(p, limit)) {
            p.destroyForcibly();
            Waits.join(p, Duration.ofSeconds(1));
            return Optional.empty();
        }
        Waits.join(reader, Duration.ofSeconds(2));
        if (reader.isAlive() || p.exitValue() != 0) return Optional.empty(); // a grandchild holds stdout
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    private Result notStarted(CappedLog log, long started, String error) {
        if (log != null) log.finishWith(error);
        return new Result(-1, false, false, secondsSince(started), "", 0, error);
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
