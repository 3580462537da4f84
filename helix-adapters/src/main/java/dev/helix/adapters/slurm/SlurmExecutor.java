package dev.helix.adapters.slurm;

import dev.helix.adapters.process.CappedLog;
import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.Waits;
import dev.helix.core.port.Executor;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
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
 *
 * <p>Its parts: {@link SrunCommand} builds the command line, {@link JobQueue} asks squeue and sacct
 * for a job's {@link JobState}, {@link SessionJobs} finds and cancels a session's jobs, and
 * {@link SlurmClient} runs each Slurm client command bounded in time.
 */
public final class SlurmExecutor implements Executor {

    public static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private static final String MEMORY_KILL = "Exceeded job memory limit";
    private static final long POLL_MILLIS = 50;
    private static final long QUEUE_POLL_MILLIS = 250;
    private static final Duration GONE_LIMIT = Duration.ofSeconds(30);
    private static final Duration UNSEEN_LIMIT = Duration.ofSeconds(10);

    private final SrunCommand srun;
    private final Duration grace;
    private final int headBytes;
    private final int tailBytes;
    private final Secrets secrets;

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
        this.srun = new SrunCommand(options == null ? Spec.SlurmSpec.DEFAULT : options);
        this.grace = grace;
        this.headBytes = headBytes;
        this.tailBytes = tailBytes;
        this.secrets = Secrets.NONE;
    }

    private SlurmExecutor(SlurmExecutor base, Secrets secrets) {
        this.srun = base.srun;
        this.grace = base.grace;
        this.headBytes = base.headBytes;
        this.tailBytes = base.tailBytes;
        this.secrets = secrets;
    }

    /** This executor, its logs with {@code secrets} redacted (the output it returns is not, for metric parsing). */
    public SlurmExecutor redacting(Secrets secrets) {
        return new SlurmExecutor(this, secrets);
    }

    /** Runs the request; a null, zero or negative timeout means no limit (but the partition's). */
    @Override
    public Result run(Request request) {
        long started = System.nanoTime();
        if (Thread.currentThread().isInterrupted()) return new Result(-1, false, true, 0, "", 0, "");
        CappedLog log;
        try {
            log = CappedLog.open(request.log(), headBytes, tailBytes, secrets);
        } catch (IOException | RuntimeException e) {
            return notStarted(null, started, "cannot write the log " + request.log() + ": " + e);
        }
        if (request.workdir() == null || !Files.isDirectory(request.workdir())) {
            return notStarted(log, started, "the working directory does not exist: " + request.workdir());
        }
        String jobName = SrunCommand.jobName(request.env());
        ProcessBuilder builder = new ProcessBuilder(srun.line(request, jobName))
                .directory(request.workdir().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true);
        builder.environment().keySet().removeAll(request.unset());
        builder.environment().putAll(request.env()); // srun exports its environment to the job
        Process process;
        try {
            process = builder.start();
        } catch (IOException | RuntimeException e) {
            return notStarted(log, started, "cannot start srun (is Slurm installed here?): " + e.getMessage());
        }
        Thread pump = Thread.ofPlatform().daemon().name("helix-slurm-" + process.pid())
                .start(() -> log.drain(process.getInputStream()));

        boolean timedOut = false;
        boolean interrupted = false;
        try {
            timedOut = !awaitEnd(process, jobName, request.timeout());
        } catch (InterruptedException e) {
            interrupted = true; // the flag is cleared; set again before returning
        }
        boolean cancelled = timedOut || interrupted;
        if (cancelled) cancel(process, jobName);
        Waits.join(pump, Duration.ofSeconds(2));
        String output = log.finish();

        Optional<JobState> job = cancelled ? Optional.empty() : JobQueue.finalState(jobName);
        int exitCode;
        String error = "";
        if (cancelled) {
            exitCode = -1;
        } else {
            exitCode = process.exitValue();
            String state = job.map(JobState::state).orElse("");
            if (JobState.CRASH_STATES.contains(state)) {
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

    /** The job comment that marks an evaluation of session {@code id}: {@code helix-session=ID}. */
    public static String marker(String sessionId) {
        return SessionJobs.marker(sessionId);
    }

    /**
     * Cancels the jobs an earlier run of session {@code sessionId} left behind (Helix killed with
     * -9 while evaluations were running on Slurm): this user's pending and running jobs whose
     * comment is {@link #marker(String) helix-session=ID}. Waits (up to 10 s) until squeue no longer
     * lists them at all (COMPLETING included: their processes are being killed), so the new run
     * does not compete with them for nodes.
     *
     * <p>A no-op that returns 0 at once when Slurm is not installed (no squeue on the PATH) or its
     * configuration file is missing, and within {@link SessionJobs#CANCEL_MARKED_LIMIT} when the controller
     * does not answer; it never throws for Slurm's sake.
     *
     * @return how many jobs were cancelled
     */
    public static int cancelMarked(String sessionId) {
        return SessionJobs.cancelMarked(sessionId, System.getenv());
    }

    /** Whether squeue lists a job of that name as pending, running or completing. */
    public static boolean active(String jobName) {
        return JobQueue.active(jobName);
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
                Optional<JobState> s = JobQueue.query(jobName, false);
                seen |= s.isPresent();
                if (s.isPresent() && s.get().started()) {
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
        JobQueue.scancel(jobName);
        boolean exited = Waits.join(srun, grace.plusSeconds(5));
        if (!exited) srun.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!exited) srun.destroyForcibly();
        long deadline = System.nanoTime() + GONE_LIMIT.toNanos();
        long lastCancel = System.nanoTime();
        while (System.nanoTime() < deadline) {
            Optional<JobState> s = JobQueue.query(jobName, false);
            if (s.isEmpty() || !s.get().active()) break;
            if (System.nanoTime() - lastCancel > TimeUnit.SECONDS.toNanos(3)) { // a lost request
                JobQueue.scancel(jobName);
                lastCancel = System.nanoTime();
            }
            Waits.sleep(POLL_MILLIS * 2);
        }
        Waits.join(srun, Duration.ofSeconds(2));
        if (wasInterrupted || Thread.currentThread().isInterrupted()) Thread.currentThread().interrupt();
    }

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

    private Result notStarted(CappedLog log, long started, String error) {
        if (log != null) log.finishWith(error);
        return new Result(-1, false, false, secondsSince(started), "", 0, error);
    }

    private static double secondsSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
