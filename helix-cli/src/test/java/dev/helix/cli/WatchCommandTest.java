package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix watch while a real session grows: plain lines in-process, and the JLine dashboard in a
 * real terminal (a tmux pane) read back with capture-pane.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WatchCommandTest {
    @TempDir
    Path tmp;

    private final String socket = "helix-watch-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    @AfterEach
    void stopTmux() {
        tmux(List.of("kill-server"));
    }

    /** The quadratic project with an evaluation slow enough to watch (about half a second). */
    private TestRepo slowRepo() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write("evaluate.sh", """
                #!/bin/sh
                sleep 0.5
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("a slower evaluation");
        return repo;
    }

    @Test
    void withoutATerminalItFollowsARunningLoopLinePerChangeAndEndsWhenItStops() throws Exception {
        TestRepo repo = slowRepo();
        assertThat(repo.helix("run", "--tag", "w", "--max-experiments", "2").code()).isZero();
        // No loop runs: one line and done, so a program calling it never hangs; --once likewise.
        for (String[] args : List.of(new String[] {"watch", "-i", "0.2", "--tag", "w"}, new String[] {"watch", "--once", "--tag", "w"})) {
            TestRepo.Run idle = repo.helix(args);
            assertThat(idle.code()).as(idle.toString()).isZero();
            assertThat(idle.out()).matches("\\d\\d:\\d\\d:\\d\\d w: not running \\| 2 experiments: .* \\| loss baseline 5\\.29 → best .*\\n");
        }

        // The resumed loop's evaluations wait while the hold file exists: the watcher surely sees it running.
        Path hold = Files.writeString(tmp.resolve("hold"), "");
        repo.write("evaluate.sh", "#!/bin/sh\nwhile [ -e " + hold + " ]; do sleep 0.1; done\n" + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.commitAll("evaluations wait for the test");
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> repo.helix("run", "--tag", "w", "--resume", "--max-experiments", "4").code());
        waitFor(() -> repo.helix("--text", "status", "--tag", "w").out(), s -> s.contains("running, pid"), Duration.ofSeconds(90));
        StringWriter out = new StringWriter();
        CompletableFuture<Integer> watched = CompletableFuture.supplyAsync(() -> Main.run(new String[] {"-C", repo.dir.toString(), "watch", "-i", "0.2", "--tag", "w"},
                new PrintWriter(out), new PrintWriter(new StringWriter())));
        waitFor(() -> out.toString(), s -> s.contains("w: running, #"), Duration.ofSeconds(90));
        Files.delete(hold);
        assertThat(run.get(120, TimeUnit.SECONDS)).isZero();
        assertThat(watched.get(60, TimeUnit.SECONDS)).as(out.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).as("it saw the resumed loop running").anyMatch(l -> l.contains("w: running, #"));
        assertThat(lines.getLast()).as("and ended once it stopped").contains("not running").contains("4 experiments");
        assertThat(lines).as("no line repeats the one before it")
                .allSatisfy(l -> assertThat(lines.indexOf(l)).isEqualTo(lines.lastIndexOf(l)));
    }

    @Test
    void onATerminalTheDashboardFollowsARunningSessionAndQQuits() throws Exception {
        TestRepo repo = slowRepo();
        CompletableFuture<TestRepo.Run> run = CompletableFuture.supplyAsync(
                () -> repo.helix("run", "--tag", "live", "--max-experiments", "12"));
        Path exit = tmp.resolve("exit-code");
        startWatch(repo, "watch -i 1", exit);

        String first = waitForScreen(s -> s.contains("Experiments: ") && !s.contains("Experiments: 0 "), Duration.ofSeconds(90));
        assertThat(first).contains("helix watch · session live (branch helix/live) · running, pid " + ProcessHandle.current().pid());
        assertThat(first).containsPattern("Now: {2}#\\d+ (proposing|evaluating) for [\\d:]+s? of its [\\d:]+s? budget");
        assertThat(first).contains("loss: baseline 5.29");
        assertThat(first).containsPattern("Best so far: [▁▂▃▄▅▆▇█]+");
        assertThat(first).containsPattern("#0 +baseline +5.29");
        int seen = experiments(first);

        String later = waitForScreen(s -> experiments(s) >= seen + 2, Duration.ofSeconds(90));
        assertThat(later).containsPattern("#" + (seen + 1) + " +(keep|discard)");
        assertThat(later).containsPattern("kept \\d+ · discarded \\d+ · crashed 0 · rejected 0");

        assertThat(run.get(180, TimeUnit.SECONDS).code()).isZero();
        String done = waitForScreen(s -> s.contains("not running") && s.contains("Experiments: 12 "), Duration.ofSeconds(90));
        assertThat(done).contains("Now:  -").contains("Last 13:").containsPattern("#12 +(keep|discard)");

        tmux(List.of("send-keys", "-t", "watch", "q"));
        waitFor(() -> read(exit), s -> !s.isBlank(), Duration.ofSeconds(90));
        assertThat(read(exit).strip()).isEqualTo("0");
        assertThat(read(tmp.resolve("watch.err"))).as("nothing on stderr").isEmpty();
    }

    @Test
    void onATerminalTheDashboardShowsALinePerWorkerOfAParallelSession() throws Exception {
        TestRepo repo = slowRepo();
        // The experiments' evaluations (not the baseline's) wait while the hold file exists, so both workers
        // are surely evaluating at once however busy the machine is; the test lets them go once it saw that.
        Path hold = Files.writeString(tmp.resolve("hold"), "");
        repo.write("evaluate.sh", "#!/bin/sh\nif [ \"$HELIX_EXPERIMENT\" != 0 ]; then while [ -e " + hold + " ]; do sleep 0.1; done; fi\n"
                + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.commitAll("evaluations wait for the test");
        CompletableFuture<TestRepo.Run> run = CompletableFuture.supplyAsync(
                () -> repo.helix("run", "--tag", "par", "--workers", "2", "--max-experiments", "8"));
        Path exit = tmp.resolve("exit-code");
        startWatch(repo, "watch -i 0.5", exit);

        String both = waitForScreen(s -> s.matches("(?s).*\n {2}w1 +#\\d+ +evaluating .*\n {2}w2 +#\\d+ +evaluating .*"),
                Duration.ofSeconds(120));
        Files.delete(hold);
        assertThat(both).contains("Now:  2 of 2 workers busy");
        assertThat(both).containsPattern("\n {2}w1 +#\\d+ +evaluating +\\d+s of 20s +slot \\d");
        assertThat(both).containsPattern("\n {2}w2 +#\\d+ +evaluating +\\d+s of 20s +slot \\d");

        assertThat(run.get(180, TimeUnit.SECONDS).code()).isZero();
        String done = waitForScreen(s -> s.contains("not running"), Duration.ofSeconds(90));
        assertThat(done).contains("Now:  -").doesNotContainPattern("\n {2}w\\d");
        tmux(List.of("send-keys", "-t", "watch", "q"));
        waitFor(() -> read(exit), s -> !s.isBlank(), Duration.ofSeconds(90));
        assertThat(read(exit).strip()).isEqualTo("0");
    }

    @Test
    void ctrlCQuitsTheDashboardWithExitCode130() throws Exception {
        TestRepo repo = slowRepo();
        assertThat(repo.helix("run", "--tag", "c", "--max-experiments", "1").code()).isZero();
        Path exit = tmp.resolve("exit-code");
        startWatch(repo, "watch --tag c", exit);
        waitForScreen(s -> s.contains("Experiments: 1 "), Duration.ofSeconds(90));
        tmux(List.of("send-keys", "-t", "watch", "C-c"));
        waitFor(() -> read(exit), s -> !s.isBlank(), Duration.ofSeconds(90));
        assertThat(read(exit).strip()).isEqualTo("130");
    }

    /** Runs {@code helix -C repo <args>} from the test classpath in a 110x40 tmux pane; its exit code goes to {@code exit}. */
    private void startWatch(TestRepo repo, String args, Path exit) throws IOException {
        Path argfile = tmp.resolve("java-args");
        // As the launcher's jar does (its manifest enables native access for JLine).
        Files.writeString(argfile, "--enable-native-access=ALL-UNNAMED\n-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        // The trap keeps the shell alive through Ctrl-C so that it records the exit code of helix.
        String command = "trap true INT; '" + java + "' @'" + argfile + "' dev.helix.cli.Main -C '" + repo.dir + "' " + args
                + " 2>'" + tmp.resolve("watch.err") + "'; echo $? > '" + exit + "'; sleep 60";
        tmux(List.of("new-session", "-d", "-s", "watch", "-x", "110", "-y", "40", "bash", "-c", command));
    }

    private String waitForScreen(Predicate<String> ready, Duration timeout) throws Exception {
        return waitFor(() -> tmux(List.of("capture-pane", "-p", "-t", "watch")), ready, timeout);
    }

    private static int experiments(String screen) {
        var m = java.util.regex.Pattern.compile("Experiments: (\\d+) ").matcher(screen);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    /** Polls until {@code ready}; the timeout only turns a hang into a failure, a busy machine must not reach it. */
    private String waitFor(java.util.function.Supplier<String> probe, Predicate<String> ready, Duration timeout)
            throws InterruptedException {
        Instant end = Instant.now().plus(timeout);
        String last = probe.get();
        while (!ready.test(last)) {
            if (Instant.now().isAfter(end)) {
                throw new AssertionError("timed out after " + timeout + "; last seen:\n" + last + "\nwatch stderr:\n"
                        + read(tmp.resolve("watch.err")));
            }
            Thread.sleep(200);
            last = probe.get();
        }
        return last;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Runs tmux on this test's own server socket; returns its stdout. */
    private String tmux(List<String> args) {
        List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
        command.addAll(args);
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().remove("TMUX");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
