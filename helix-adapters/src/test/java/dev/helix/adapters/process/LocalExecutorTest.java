package dev.helix.adapters.process;

import dev.helix.core.port.Executor.Request;
import dev.helix.core.port.Executor.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class LocalExecutorTest {

    @TempDir
    Path dir;

    /** Every test marks its processes, so that /proc shows whether any of them survived. */
    final String mark = UUID.randomUUID().toString();

    final LocalExecutor executor = new LocalExecutor(Duration.ofSeconds(1), 64 * 1024, 64 * 1024);

    /**
     * A grace far longer than any test: a run that ends well before it proves that SIGTERM ended
     * the processes, however slow the machine, where a bound of a few seconds would only measure
     * how busy it is.
     */
    static final Duration LONG_GRACE = Duration.ofSeconds(60);

    /** Well under {@link #LONG_GRACE} and the sleeps of the commands, far over any scheduling delay. */
    static final double WELL_BEFORE = 30;

    final LocalExecutor patient = new LocalExecutor(LONG_GRACE, 64 * 1024, 64 * 1024);

    @AfterEach
    void sweepWhatAFailedTestLeftBehind() {
        LocalExecutor.killMarked("HELIX_TEST_MARK", mark);
    }

    private Request request(String command, Duration timeout) {
        return new Request(command, dir, timeout, Map.of("HELIX_TEST_MARK", mark), dir.resolve("logs/deep/eval.log"));
    }

    private Result run(String command) {
        return executor.run(request(command, Duration.ofSeconds(120)));
    }

    private Set<Long> survivors() {
        return Proc.liveWith("HELIX_TEST_MARK", mark);
    }

    @Test
    void reports_the_exit_code_and_the_output_with_stderr_merged_and_writes_the_log() throws Exception {
        Result r = run("pwd; echo out; echo err >&2; exit 3");

        String expected = dir.toRealPath() + "\nout\nerr\n";
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).isEqualTo(expected);
        assertThat(r.bytes()).isEqualTo(expected.length());
        assertThat(r.timedOut()).isFalse();
        assertThat(r.interrupted()).isFalse();
        assertThat(r.error()).isEmpty();
        assertThat(dir.resolve("logs/deep/eval.log")).hasContent(expected);
    }

    @Test
    void a_secret_the_evaluation_prints_is_redacted_in_the_log_but_the_metric_still_parses() throws Exception {
        var secrets = dev.helix.core.secret.Secrets.of(Map.of("EVAL_API_KEY", "sk-eval-0123456789abcdef"), java.util.List.of());
        LocalExecutor redacting = executor.redacting(secrets);
        Path log = dir.resolve("logs/secret.log");
        Result r = redacting.run(new Request("printf 'using sk-eval-01234'; sleep 0.2; printf '56789abcdef\\nloss: 0.125\\n'",
                dir, Duration.ofSeconds(10), Map.of("HELIX_TEST_MARK", mark), log));
        assertThat(r.output()).isEqualTo("using sk-eval-0123456789abcdef\nloss: 0.125\n");
        assertThat(log).hasContent("using [REDACTED:EVAL_API_KEY]\nloss: 0.125\n");
    }

    @Test
    void stdin_is_dev_null_so_a_reader_does_not_hang() {
        Result r = executor.run(request("cat; echo eof", Duration.ofSeconds(60)));

        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).isEqualTo("eof\n");
    }

    @Test
    void the_command_gets_the_inherited_env_the_request_env_and_a_unique_evaluation_id() {
        Request req = new Request("echo \"$FOO|${PATH:+path}|$HELIX_EVAL_ID\"", dir, Duration.ofSeconds(60),
                Map.of("FOO", "bar baz"), dir.resolve("env.log"));

        String first = executor.run(req).output().strip();
        String second = executor.run(req).output().strip();

        assertThat(first).startsWith("bar baz|path|").hasSizeGreaterThan("bar baz|path|".length() + 8);
        assertThat(second).startsWith("bar baz|path|").isNotEqualTo(first);
    }

    @Test
    void the_command_leads_no_group_of_its_own_but_shares_the_one_java_signals() {
        // setsid does not fork when its caller is not a group leader (Java's child never is), so
        // the pid Java knows is the group id: kill -- -pid reaches the whole group. With the
        // reaper, Java's child is the reaper and the shell its child, in the reaper's group.
        Result r = run("cat /proc/$$/stat; echo $$");

        String[] lines = r.output().split("\n");
        String[] stat = lines[0].substring(lines[0].lastIndexOf(')') + 2).split(" ");
        long pid = Long.parseLong(lines[1].trim());
        long parent = Long.parseLong(stat[1]);
        if (LocalExecutor.containment().equals("subreaper")) {
            assertThat(parent).as("ppid").isNotEqualTo(ProcessHandle.current().pid());
            assertThat(Long.parseLong(stat[2])).as("pgrp").isEqualTo(parent);
            assertThat(Long.parseLong(stat[3])).as("session").isEqualTo(parent);
        } else {
            assertThat(parent).as("ppid").isEqualTo(ProcessHandle.current().pid());
            assertThat(Long.parseLong(stat[2])).as("pgrp").isEqualTo(pid);
            assertThat(Long.parseLong(stat[3])).as("session").isEqualTo(pid);
        }
    }

    @Test
    void this_linux_machine_has_the_subreaper() {
        // Perl is part of every Debian; a machine without it runs the marker sweep, tested above.
        org.junit.jupiter.api.Assumptions.assumeTrue(new java.io.File("/usr/bin/perl").canExecute());
        assertThat(LocalExecutor.containment()).isEqualTo("subreaper");
    }

    @Test
    void a_daemon_that_leaves_the_session_and_scrubs_its_environment_is_ended_with_the_evaluation() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalExecutor.containment().equals("subreaper"));
        Path pidFile = dir.resolve("daemon.pid");
        // The attack: a new session (the group signal misses it) and an empty environment (the
        // marker sweep misses it); its output goes elsewhere, so nothing holds the pipe.
        String command = "setsid env -i sh -c 'echo $$ > " + pidFile + "; exec sleep 9999' >/dev/null 2>&1 &"
                + " while [ ! -s " + pidFile + " ]; do sleep 0.01; done; echo metric: 1";
        Result r = patient.run(request(command, Duration.ofSeconds(600)));

        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("metric: 1");
        long daemon = Long.parseLong(Files.readString(pidFile).strip());
        // Gone by the time run returns: no waiting in the test.
        assertThat(Proc.alive(daemon)).as("the escaped daemon " + daemon).isFalse();
    }

    @Test
    void a_daemon_that_escaped_is_ended_when_the_evaluation_times_out_too() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LocalExecutor.containment().equals("subreaper"));
        Path pidFile = dir.resolve("daemon.pid");
        String command = "setsid env -i sh -c 'echo $$ > " + pidFile + "; exec sleep 9999' >/dev/null 2>&1 &"
                + " while [ ! -s " + pidFile + " ]; do sleep 0.01; done; sleep 300";
        // The timeout leaves a slow machine ample time to start the daemon before it strikes.
        CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                () -> patient.run(request(command, Duration.ofSeconds(15))));
        Result r = running.get(120, TimeUnit.SECONDS);

        assertThat(r.timedOut()).isTrue();
        long daemon = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(Proc.alive(daemon)).as("the escaped daemon " + daemon).isFalse();
    }

    @Test
    void a_timeout_kills_the_command_promptly() {
        long t0 = System.nanoTime();
        Result r = patient.run(request("sleep 300", Duration.ofSeconds(1)));
        double elapsed = (System.nanoTime() - t0) / 1e9;

        assertThat(r.timedOut()).isTrue();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.interrupted()).isFalse();
        assertThat(elapsed).isLessThan(WELL_BEFORE); // sleep dies on SIGTERM: the 60 s grace is not waited out
        assertThat(survivors()).isEmpty();
    }

    @Test
    void a_timeout_kills_double_forked_grandchildren_that_left_the_group() throws Exception {
        String command = "(setsid sh -c 'sleep 300' &) ; (sleep 300 &) ; sleep 300";
        long t0 = System.nanoTime();
        // The timeout leaves a slow machine ample time to start the four processes before it strikes.
        CompletableFuture<Result> running = CompletableFuture.supplyAsync(
                () -> patient.run(request(command, Duration.ofSeconds(5))));

        // Both sleeps in the background and the one in front are running, one in its own session.
        Set<Proc.Seen> started = Proc.awaitLive("HELIX_TEST_MARK", mark, live -> live.size() >= 4 && Proc.sessions(live) >= 2);

        Result r = running.get(120, TimeUnit.SECONDS);
        double elapsed = (System.nanoTime() - t0) / 1e9;

        assertThat(r.timedOut()).isTrue();
        assertThat(elapsed).isLessThan(5 + WELL_BEFORE); // SIGTERM reached them all: the 60 s grace is not waited out
        assertThat(started).noneMatch(Proc::alive);
        assertThat(survivors()).isEmpty();
    }

    @Test
    void a_process_ignoring_sigterm_is_sigkilled_after_the_grace_period() {
        long t0 = System.nanoTime();
        Result r = executor.run(request("trap '' TERM; sleep 300", Duration.ofSeconds(1)));
        double elapsed = (System.nanoTime() - t0) / 1e9;

        assertThat(r.timedOut()).isTrue();
        // The timeout and the whole grace are waited out (lower bounds hold on any machine), then
        // SIGKILL ends what would have slept for 300 s.
        assertThat(elapsed).isGreaterThanOrEqualTo(1 + 1).isLessThan(WELL_BEFORE);
        assertThat(survivors()).isEmpty();
    }

    @Test
    void a_gigabyte_of_output_is_streamed_into_a_capped_log_keeping_head_and_tail() throws Exception {
        // A gigabyte takes a busy machine a while: the timeout only guards against a hang.
        Result r = executor.run(request("yes 0123456789 | head -c 1000000000", Duration.ofSeconds(600)));

        assertThat(r.exitCode()).isZero();
        assertThat(r.bytes()).isEqualTo(1_000_000_000L);
        assertThat(Files.size(dir.resolve("logs/deep/eval.log"))).isLessThanOrEqualTo(2 * 64 * 1024 + 100);
        assertThat(r.output()).startsWith("0123456789\n").endsWith("0123456789\n0123456789")
                .containsPattern("\n\\[\\.\\.\\. \\d+ bytes omitted \\.\\.\\.]\n");
        assertThat(r.output().split("\n")).allMatch(l -> l.equals("0123456789") || l.contains("bytes omitted"));
        assertThat(dir.resolve("logs/deep/eval.log")).hasContent(r.output());
    }

    @Test
    void interrupting_the_caller_kills_the_command_and_keeps_the_interrupt() throws Exception {
        AtomicBoolean flagAfter = new AtomicBoolean();
        CompletableFuture<Result> result = new CompletableFuture<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            result.complete(patient.run(request("sleep 300 & sleep 300", Duration.ofSeconds(600))));
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        Proc.awaitLive("HELIX_TEST_MARK", mark, 2);

        long t0 = System.nanoTime();
        caller.interrupt();
        caller.join(Duration.ofSeconds(120));

        Result r = result.getNow(null);
        assertThat(r).isNotNull();
        assertThat(r.interrupted()).isTrue();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(flagAfter).isTrue();
        // SIGTERM ended them: neither the 600 s timeout nor the 60 s grace is waited out
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(WELL_BEFORE);
        assertThat(survivors()).isEmpty();
    }

    @Test
    void an_already_interrupted_caller_does_not_start_anything() {
        Thread.currentThread().interrupt();
        try {
            Result r = run("touch started");
            assertThat(r.interrupted()).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            assertThat(dir.resolve("started")).doesNotExist();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void background_processes_left_after_a_normal_exit_are_swept() {
        long t0 = System.nanoTime();
        // The first holds the output pipe open: without the sweep, the run would hang on it.
        Result r = patient.run(request("(sleep 300 &) ; setsid sh -c 'sleep 300' >/dev/null 2>&1 & echo started $$",
                Duration.ofSeconds(600)));

        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).matches("started \\d+\n");
        assertThat((System.nanoTime() - t0) / 1e9).isLessThan(WELL_BEFORE);
        // The sweep came first, so the output was read to its end rather than given up on when
        // the pipe stayed open: the reader of the command's output (named after its pid) is done.
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("helix-output-"));
        assertThat(survivors()).isEmpty();
    }

    @Test
    void a_command_that_cannot_start_is_a_result_with_the_reason_not_an_exception() {
        Path missing = dir.resolve("no-such-dir");
        Result r = executor.run(new Request("true", missing, Duration.ofSeconds(5), Map.of(), dir.resolve("x.log")));

        assertThat(r.exitCode()).isEqualTo(-1);
        assertThat(r.error()).contains("working directory does not exist", missing.toString());
        assertThat(r.timedOut()).isFalse();
        assertThat(r.output()).isEmpty();
        assertThat(dir.resolve("x.log")).content().contains(missing.toString());
    }

    @Test
    void kill_marked_sweeps_the_processes_of_a_dead_session() throws Exception {
        String session = UUID.randomUUID().toString();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "sleep 300 & sleep 300 & wait");
        pb.environment().put("HELIX_SESSION", session);
        Process orphan = pb.start();
        Set<Proc.Seen> started = Proc.awaitLive("HELIX_SESSION", session, 3);

        int killed = LocalExecutor.killMarked("HELIX_SESSION", session);

        assertThat(killed).isEqualTo(3);
        assertThat(orphan.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(started).noneMatch(Proc::alive);
        assertThat(LocalExecutor.killMarked("HELIX_SESSION", session)).isZero();
    }

    @Test
    void environment_entries_match_whole_entries_only() {
        byte[] env = "A=1\0HELIX_SESSION=abc\0B=abcd\0".getBytes();

        assertThat(LocalExecutor.hasEntry(env, "HELIX_SESSION=abc".getBytes())).isTrue();
        assertThat(LocalExecutor.hasEntry(env, "HELIX_SESSION=ab".getBytes())).isFalse();
        assertThat(LocalExecutor.hasEntry(env, "SESSION=abc".getBytes())).isFalse();
        assertThat(LocalExecutor.hasEntry("A=1".getBytes(), "A=1".getBytes())).isTrue();
    }
}
