package dev.helix.adapters.slurm;

import dev.helix.adapters.testing.SlurmCluster;
import dev.helix.core.port.Executor.Request;
import dev.helix.core.port.Executor.Result;
import dev.helix.core.spec.Spec.SlurmSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** Against the real two-node test cluster of scripts/slurm-up (see {@link SlurmCluster}). */
class SlurmExecutorTest {

    @TempDir
    Path dir;

    /** Every job of a test is named helix-TAG-...: squeue then tells whether one was left. */
    final String tag = "t" + UUID.randomUUID().toString().substring(0, 8);

    final SlurmExecutor executor = new SlurmExecutor(SlurmSpec.DEFAULT, Duration.ofSeconds(2), 64 * 1024, 64 * 1024);

    @BeforeEach
    void cluster() {
        SlurmCluster.require();
    }

    @AfterEach
    void cancelWhatAFailedTestLeftBehind() {
        for (String job : ours()) SlurmCluster.run("scancel", "--name=" + job);
    }

    private List<String> ours() {
        return SlurmCluster.activeJobNames().stream().filter(n -> n.startsWith("helix-" + tag + "-")).toList();
    }

    private Request request(String command, Duration timeout) {
        return new Request(command, dir, timeout, Map.of("HELIX_TAG", tag, "HELIX_EXPERIMENT", "1", "FOO", "bar baz"),
                dir.resolve("logs/eval.log"));
    }

    @Test
    void a_job_gives_its_output_with_stderr_and_its_exit_code_and_the_log_names_the_job() throws Exception {
        Result failed = executor.run(request("echo out; echo err >&2; exit 3", Duration.ofSeconds(20)));

        assertThat(failed.exitCode()).isEqualTo(3);
        assertThat(failed.output()).contains("out\n", "err\n");
        assertThat(failed.error()).isEmpty();
        assertThat(failed.timedOut()).isFalse();
        assertThat(dir.resolve("logs/eval.log")).content()
                .contains("out\n").containsPattern("\\[helix\\] slurm job [0-9]+ \\(helix-" + tag + "-1-[0-9a-f]{8}\\): FAILED on n[12]");

        Result ok = executor.run(request("echo 'score: 0.5'", Duration.ofSeconds(20)));

        assertThat(ok.exitCode()).isZero();
        assertThat(ok.output()).isEqualTo("score: 0.5\n");
        assertThat(ok.error()).isEmpty();
        assertThat(SlurmCluster.finishedJobs()).anyMatch(row -> row.startsWith("helix-" + tag + "-1-")
                && row.contains("|COMPLETED|"));
    }

    @Test
    void the_job_runs_in_the_worktree_with_the_request_env_and_its_own_slurm_variables() throws Exception {
        Result r = executor.run(request("echo \"$(pwd)|$FOO|$HELIX_TAG|$SLURM_JOB_ID|$SLURMD_NODENAME\"",
                Duration.ofSeconds(20)));

        assertThat(r.exitCode()).isZero();
        assertThat(r.output().strip()).matches(java.util.regex.Pattern.quote(dir.toRealPath() + "|bar baz|" + tag + "|")
                + "[0-9]+\\|n[12]");
    }

    @Test
    void a_helix_timeout_cancels_the_job_and_leaves_none() {
        long started = System.nanoTime();
        Result r = executor.run(request("echo started; sleep 120", Duration.ofSeconds(2)));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.output()).contains("started");
        // the 2 s and the 2 s grace, then the job is cancelled: far less than its 120 s sleep
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(2 + 2 + 30);
        assertThat(ours()).isEmpty();
    }

    @Test
    void a_job_killed_for_memory_is_a_crash_saying_out_of_memory() {
        SlurmExecutor small = new SlurmExecutor(new SlurmSpec(Optional.empty(), 1, Optional.of("20M"), Optional.empty(),
                List.of()), Duration.ofSeconds(2), 64 * 1024, 64 * 1024);

        Result r = small.run(request("python3 -c 'a = b\"x\" * (300 * 1024 * 1024); import time; time.sleep(10)'; echo survived",
                Duration.ofSeconds(30)));

        assertThat(r.error()).isEqualTo("slurm: OUT_OF_MEMORY");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).doesNotContain("survived");
        assertThat(ours()).isEmpty();
    }

    /** TIMEOUT, NODE_FAIL and PREEMPTED take the same path; Slurm's shortest time limit is a minute. */
    @Test
    void a_job_slurm_cancelled_is_a_crash_with_the_state_as_reason() {
        Result r = executor.run(request("scancel $SLURM_JOB_ID; sleep 30", Duration.ofSeconds(30)));

        assertThat(r.error()).isEqualTo("slurm: CANCELLED");
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.timedOut()).isFalse();
        assertThat(ours()).isEmpty();
    }

    @Test
    void a_job_slurm_refuses_says_why() {
        SlurmExecutor nowhere = new SlurmExecutor(new SlurmSpec(Optional.of("nosuchpartition"), 0, Optional.empty(),
                Optional.empty(), List.of()));

        Result r = nowhere.run(request("true", Duration.ofSeconds(20)));

        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.error()).startsWith("slurm: ").containsIgnoringCase("partition");
    }

    @Test
    void an_interrupt_cancels_the_running_job_and_sets_the_flag_again() throws Exception {
        AtomicBoolean flagSetAgain = new AtomicBoolean();
        Thread[] runner = new Thread[1];
        CompletableFuture<Result> result = new CompletableFuture<>();
        runner[0] = Thread.ofPlatform().start(() -> {
            result.complete(executor.run(request("sleep 120", Duration.ofSeconds(60))));
            flagSetAgain.set(Thread.currentThread().isInterrupted());
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (ours().isEmpty() && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(ours()).as("the job is running").hasSize(1);

        runner[0].interrupt();
        Result r = result.get(60, TimeUnit.SECONDS); // far less than the 120 s sleep
        runner[0].join(30_000);

        assertThat(r.interrupted()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(flagSetAgain).isTrue();
        assertThat(ours()).isEmpty();
    }

    @Test
    void two_evaluations_at_once_from_two_threads_each_get_their_own_output_and_run_side_by_side() throws Exception {
        Path a = Files.createDirectories(dir.resolve("wt-a"));
        Path b = Files.createDirectories(dir.resolve("wt-b"));
        // Each job waits until both have started: if they did not run side by side, the first would
        // wait until its timeout. That proves the overlap on any machine, a wall-clock ratio does not.
        String command = "touch ../started-$WORKER; while [ ! -e ../started-one ] || [ ! -e ../started-two ]; do sleep 0.1; done; "
                + "sleep 2; echo \"metric: $(basename \"$(pwd)\") $WORKER\"";
        Request first = new Request(command, a, Duration.ofSeconds(60), Map.of("HELIX_TAG", tag, "HELIX_EXPERIMENT", "1",
                "WORKER", "one"), dir.resolve("logs/1.log"));
        Request second = new Request(command, b, Duration.ofSeconds(60), Map.of("HELIX_TAG", tag, "HELIX_EXPERIMENT", "2",
                "WORKER", "two"), dir.resolve("logs/2.log"));

        long started = System.nanoTime();
        CompletableFuture<Result> one = new CompletableFuture<>();
        CompletableFuture<Result> two = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> one.complete(executor.run(first)));
        Thread.ofVirtual().start(() -> two.complete(executor.run(second)));
        Result r1 = one.get(120, TimeUnit.SECONDS);
        Result r2 = two.get(120, TimeUnit.SECONDS);
        double wall = (System.nanoTime() - started) / 1e9;

        System.out.printf("two slurm evaluations at once: %.2f s and %.2f s, %.2f s wall in all%n", r1.seconds(), r2.seconds(), wall);
        assertThat(r1.timedOut()).as("they ran side by side: each saw the other start").isFalse();
        assertThat(r2.timedOut()).as("they ran side by side: each saw the other start").isFalse();
        assertThat(r1.exitCode()).as(r1.toString()).isZero();
        assertThat(r2.exitCode()).as(r2.toString()).isZero();
        assertThat(r1.output()).isEqualTo("metric: wt-a one\n");
        assertThat(r2.output()).isEqualTo("metric: wt-b two\n");
        assertThat(dir.resolve("logs/1.log")).content().contains("metric: wt-a one").doesNotContain("wt-b");
        assertThat(dir.resolve("logs/2.log")).content().contains("metric: wt-b two").doesNotContain("wt-a");
        assertThat(r1.seconds()).isGreaterThanOrEqualTo(2);
        assertThat(r2.seconds()).isGreaterThanOrEqualTo(2);
        assertThat(ours()).isEmpty();
    }

    @Test
    void the_jobs_of_a_session_carry_its_marker_and_cancel_marked_cancels_those_and_no_others() throws Exception {
        String session = "helix-" + tag + "-s1";
        String other = "helix-" + tag + "-s2";
        // A stray of the executor's own: the thread that ran it is left behind as Helix would be.
        CompletableFuture<Result> left = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> left.complete(executor.run(new Request("sleep 120", dir, Duration.ofSeconds(90),
                Map.of("HELIX_TAG", tag, "HELIX_EXPERIMENT", "1", "HELIX_SESSION", session), dir.resolve("logs/left.log")))));
        awaitMarked(session, 1);
        // Another session's job, and a second one of ours that may still be pending (two nodes).
        sbatch("helix-" + tag + "-other", other);
        sbatch("helix-" + tag + "-2", session);
        awaitMarked(other, 1);
        awaitMarked(session, 2);

        long started = System.nanoTime();
        int cancelled = SlurmExecutor.cancelMarked(session);
        double seconds = (System.nanoTime() - started) / 1e9;

        System.out.printf("cancelMarked: %d job(s) in %.2f s%n", cancelled, seconds);
        assertThat(cancelled).isEqualTo(2);
        assertThat(marked(session)).as("none of the session's jobs is left").isEmpty();
        assertThat(marked(other)).as("the other session's job runs on").hasSize(1);
        assertThat(seconds).as("the jobs are not waited for (they sleep 120 s)").isLessThan(60);
        Result r = left.get(60, TimeUnit.SECONDS);
        assertThat(r.error()).isEqualTo("slurm: CANCELLED");
        assertThat(SlurmExecutor.cancelMarked(session)).as("nothing left the second time").isZero();
    }

    /** Ids of the active jobs with comment helix-session=SESSION. */
    private static List<String> marked(String session) {
        // COMPLETING: cancelled, and slurmd is still cleaning up after it (seconds on a busy machine)
        String out = SlurmCluster.run("squeue", "-h", "-o", "%T|%i|%k");
        return out == null ? List.of() : out.lines().filter(l -> l.endsWith("|" + SlurmExecutor.marker(session)))
                .filter(l -> !l.startsWith("COMPLETING|"))
                .map(l -> l.substring(l.indexOf('|') + 1, l.indexOf('|', l.indexOf('|') + 1))).toList();
    }

    private static void awaitMarked(String session, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (marked(session).size() < count && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(marked(session)).as("jobs marked " + session).hasSize(count);
    }

    private void sbatch(String name, String session) {
        String out = SlurmCluster.run("sbatch", "--job-name=" + name, "--comment=" + SlurmExecutor.marker(session),
                "--chdir=" + dir, "--output=/dev/null", "--time=5", "--wrap=sleep 120");
        assertThat(out).as("sbatch").startsWith("Submitted batch job");
    }
}
