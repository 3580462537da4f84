package dev.helix.adapters.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Confinement;
import dev.helix.core.port.Executor.Request;
import dev.helix.core.port.Executor.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local executor with its commands in bubblewrap, on a real repository with a worktree under
 * .helix/worktrees: the command writes its worktree and nothing else of the repository, sees an
 * empty .helix/ and hidden directories, reaches the files Helix names to it, and every process it
 * starts (an escaped daemon too) is still found and ended, on exit, timeout and interruption.
 */
class ConfinedExecutorTest {
    @TempDir
    Path tmp;

    final String mark = UUID.randomUUID().toString();
    final LocalExecutor patient = new LocalExecutor(LocalExecutorTest.LONG_GRACE, 64 * 1024, 64 * 1024);
    Path repo;
    Path worktree;
    Path hidden;
    LocalExecutor confined;

    @BeforeEach
    void aRepositoryWithAWorktreeInItsHelixDirectory() throws Exception {
        Sandbox.Finding found = Sandbox.find(System.getenv());
        assumeThat(found.usable()).as(found.words()).isTrue();
        repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("a.txt"), "a\n");
        git(repo, "add", "a.txt");
        git(repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "a");
        worktree = repo.resolve(".helix/worktrees/t");
        git(repo, "worktree", "add", "-q", worktree.toString());
        Files.writeString(repo.resolve(".helix/experiments.jsonl"), "{\"run\":0}\n");
        hidden = tmp.resolve("heldout");
        Files.createDirectories(hidden);
        Files.writeString(hidden.resolve("data.txt"), "4.2\n");
        Bubblewrap bwrap = new Bubblewrap(found.bwrap().orElseThrow(), repo, repo.resolve(".git"), repo.resolve(".helix"),
                List.of(hidden));
        confined = patient.confined(bwrap);
    }

    @AfterEach
    void sweep() {
        LocalExecutor.killMarked("HELIX_TEST_MARK", mark);
    }

    private Request request(String command, Duration timeout, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("HELIX_TEST_MARK", mark);
        return new Request(command, worktree, timeout, all, repo.resolve(".helix/runs/t/1.log"));
    }

    private Result run(String command) {
        return confined.run(request(command, Duration.ofSeconds(120), Map.of()));
    }

    @Test
    void theCommandWritesItsWorktreeOnlyAndSeesNeitherTheLedgerNorTheHiddenData() throws Exception {
        Result r = run("echo b > a.txt && echo wrote-worktree; echo x > " + repo.resolve("planted.txt") + " || echo denied-repo;"
                + " echo x > " + repo.resolve(".git/hooks/pre-commit") + " || echo denied-hooks;"
                + " cat " + repo.resolve(".helix/experiments.jsonl") + " || echo denied-ledger;"
                + " cat " + hidden.resolve("data.txt") + " || echo denied-hidden;"
                + " echo x > .git || echo denied-dotgit; git status --short; echo status=$?");

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("wrote-worktree", "denied-repo", "denied-hooks", "denied-ledger", "denied-hidden",
                "denied-dotgit", " M a.txt", "status=0");
        assertThat(worktree.resolve("a.txt")).hasContent("b");
        assertThat(repo.resolve("planted.txt")).doesNotExist();
        assertThat(repo.resolve(".git/hooks/pre-commit")).doesNotExist();
        assertThat(hidden.resolve("data.txt")).hasContent("4.2"); // hidden from it, not touched
    }

    @Test
    void theCommandCanNeitherUndoItsMountsNorReachTheFilesThroughAnotherProcessOfItsUser() throws Exception {
        // run as root, bubblewrap keeps every capability and shares the user namespace: umount and
        // remount undo the sandbox, and /proc/<pid>/root of a process outside it is the whole machine
        long outside = ProcessHandle.current().pid();
        Path ledger = repo.resolve(".helix/experiments.jsonl");
        Result r = run("umount -l " + hidden + " 2>/dev/null; cat " + hidden.resolve("data.txt") + " 2>/dev/null || echo denied-umount;"
                + " mount -o remount,bind,rw " + repo + " 2>/dev/null; echo x > " + repo.resolve("planted.txt")
                + " 2>/dev/null || echo denied-remount;"
                + " cat /proc/" + outside + "/root" + ledger + " 2>/dev/null || echo denied-proc-root;"
                + " cat /proc/$PPID/root" + ledger + " 2>/dev/null || echo denied-parent-root;"
                + " echo x > /proc/" + outside + "/root" + repo.resolve("planted2.txt") + " 2>/dev/null || echo denied-proc-write");

        assertThat(r.output()).contains("denied-umount", "denied-remount", "denied-proc-root", "denied-parent-root",
                "denied-proc-write").doesNotContain("4.2", "{\"run\":0}");
        assertThat(repo.resolve("planted.txt")).doesNotExist();
        assertThat(repo.resolve("planted2.txt")).doesNotExist();
    }

    @Test
    void heldOutDataLinkedIntoTheHiddenDirectoryIsHiddenWhereItLies() throws Exception {
        // held-out data often lives on another disk, linked from from_dir: hiding from_dir alone left it in reach
        Path disk = tmp.resolve("disk");
        Files.createDirectories(disk.resolve("test"));
        Files.writeString(disk.resolve("test/labels.csv"), "7.5\n");
        Files.writeString(disk.resolve("answers.txt"), "9.25\n");
        Files.createSymbolicLink(hidden.resolve("test"), disk.resolve("test"));
        Files.createSymbolicLink(hidden.resolve("answers.txt"), disk.resolve("answers.txt"));
        Sandbox.Finding found = Sandbox.find(System.getenv());
        LocalExecutor linked = patient.confined(new Bubblewrap(found.bwrap().orElseThrow(), repo, repo.resolve(".git"),
                repo.resolve(".helix"), List.of(hidden)));

        Result r = linked.run(request("cat " + disk.resolve("test/labels.csv") + " || echo denied-linked-dir;"
                + " cat " + disk.resolve("answers.txt") + " || echo denied-linked-file", Duration.ofSeconds(120), Map.of()));

        assertThat(r.output()).contains("denied-linked-dir", "denied-linked-file").doesNotContain("7.5", "9.25");
        assertThat(disk.resolve("test/labels.csv")).hasContent("7.5");
    }

    @Test
    void aHiddenDirectoryInsideTheRepositoryStaysHiddenUnderItsReadOnlyBind() throws Exception {
        // the signing keys under ~/.local/state when the repository is the home directory itself
        Path keys = repo.resolve("state/keys");
        Files.createDirectories(keys);
        Files.writeString(keys.resolve("k"), "secret-key\n");
        Sandbox.Finding found = Sandbox.find(System.getenv());
        LocalExecutor inside = patient.confined(new Bubblewrap(found.bwrap().orElseThrow(), repo, repo.resolve(".git"),
                repo.resolve(".helix"), List.of(keys)));

        Result r = inside.run(request("cat " + keys.resolve("k") + " || echo denied-keys", Duration.ofSeconds(120), Map.of()));

        assertThat(r.output()).contains("denied-keys").doesNotContain("secret-key");
    }

    @Test
    void theCommandCannotPointTheWorktreesHeadAtABranchOfTheUsers() throws Exception {
        // Helix commits and resets in the worktree through HEAD: pointed at refs/heads/main, its
        // next commit or reset would move the user's branch
        Path head = repo.resolve(".git/worktrees/t/HEAD");
        String before = Files.readString(head);

        Result r = run("git symbolic-ref HEAD refs/heads/main 2>/dev/null || echo denied-symref;"
                + " echo 'ref: refs/heads/main' > \"$(git rev-parse --git-dir)/HEAD\" 2>/dev/null || echo denied-head;"
                + " git status --short >/dev/null && echo status-ok");

        assertThat(r.output()).contains("denied-symref", "denied-head", "status-ok");
        assertThat(head).hasContent(before.strip());
    }

    @Test
    void theOtherCheckoutsOfARepositoryRunInALinkedWorktreeAreReadOnly() throws Exception {
        // helix run in a linked worktree of the user's: the main checkout and the user's other
        // worktrees share its git directory, and are the user's files as much as the one Helix runs in
        Path mine = tmp.resolve("feature");
        git(repo, "worktree", "add", "-q", "-b", "feature", mine.toString());
        Path session = mine.resolve(".helix/worktrees/s");
        git(mine, "worktree", "add", "-q", "--detach", session.toString());
        Sandbox.Finding found = Sandbox.find(System.getenv());
        LocalExecutor inLinked = patient.confined(new Bubblewrap(found.bwrap().orElseThrow(), mine, repo.resolve(".git"),
                mine.resolve(".helix"), List.of()));

        Result r = inLinked.run(new Request("echo b > a.txt && echo wrote-worktree; echo x > " + repo.resolve("a.txt")
                + " || echo denied-main; echo x > " + mine.resolve("a.txt") + " || echo denied-mine",
                session, Duration.ofSeconds(120), Map.of("HELIX_TEST_MARK", mark), mine.resolve(".helix/runs/s/1.log")));

        assertThat(r.output()).contains("wrote-worktree", "denied-main", "denied-mine");
        assertThat(repo.resolve("a.txt")).hasContent("a");
        assertThat(mine.resolve("a.txt")).hasContent("a");
    }

    @Test
    void theMetricFileItIsNamedIsWritableAndOneItDoesNotWriteIsNotLeftBehind() throws Exception {
        Path metric = repo.resolve(".helix/runs/t/1.metric");
        Result wrote = confined.run(request("echo '{\"loss\": 1.5}' > \"$" + MetricFile.VARIABLE + "\"", Duration.ofSeconds(120),
                Map.of(MetricFile.VARIABLE, metric.toString())));
        assertThat(wrote.exitCode()).as(wrote.output()).isZero();
        assertThat(metric).hasContent("{\"loss\": 1.5}");

        Files.delete(metric);
        Result silent = confined.run(request("echo no file", Duration.ofSeconds(120), Map.of(MetricFile.VARIABLE, metric.toString())));
        assertThat(silent.exitCode()).isZero();
        assertThat(metric).doesNotExist();
    }

    @Test
    void anEscapedDaemonIsEndedWithTheEvaluation() throws Exception {
        assumeThat(LocalExecutor.containment()).isEqualTo("subreaper");
        Path pidFile = tmp.resolve("daemon.pid");
        Result r = run("setsid env -i sh -c 'echo $$ > " + pidFile + "; exec sleep 9999' >/dev/null 2>&1 &"
                + " while [ ! -s " + pidFile + " ]; do sleep 0.01; done; echo metric: 1");

        assertThat(r.exitCode()).isZero();
        assertThat(r.output()).contains("metric: 1");
        long daemon = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(Proc.alive(daemon)).as("the escaped daemon " + daemon).isFalse();
    }

    @Test
    void anEscapedDaemonIsEndedWhenTheEvaluationTimesOut() throws Exception {
        assumeThat(LocalExecutor.containment()).isEqualTo("subreaper");
        Path pidFile = tmp.resolve("daemon.pid");
        String command = "setsid env -i sh -c 'echo $$ > " + pidFile + "; exec sleep 9999' >/dev/null 2>&1 &"
                + " while [ ! -s " + pidFile + " ]; do sleep 0.01; done; sleep 300";
        Result r = CompletableFuture.supplyAsync(() -> confined.run(request(command, Duration.ofSeconds(15), Map.of())))
                .get(180, TimeUnit.SECONDS);

        assertThat(r.timedOut()).isTrue();
        long daemon = Long.parseLong(Files.readString(pidFile).strip());
        assertThat(Proc.alive(daemon)).as("the escaped daemon " + daemon).isFalse();
        assertThat(survivors()).isEmpty();
    }

    @Test
    void anInterruptedEvaluationLeavesNoProcess() throws Exception {
        Path started = tmp.resolve("started");
        Thread[] runner = new Thread[1];
        CompletableFuture<Result> running = new CompletableFuture<>();
        runner[0] = Thread.ofPlatform().start(() -> running.complete(
                confined.run(request("touch " + started + "; sleep 300 & sleep 300", Duration.ofSeconds(600), Map.of()))));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(started) && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(started).exists();
        runner[0].interrupt();
        Result r = running.get(180, TimeUnit.SECONDS);

        assertThat(r.interrupted()).isTrue();
        assertThat(survivors()).isEmpty();
    }

    private Set<Long> survivors() {
        return Proc.liveWith("HELIX_TEST_MARK", mark);
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(command + "\n" + out).isZero();
    }

    /** The command line itself: bubblewrap around the command, inside nothing but the reaper. */
    @Test
    void theSandboxKeepsTheRepositoryReadOnlyAndBindsTheWorktreeBackIntoTheEmptyHelixDirectory() throws Exception {
        Bubblewrap bwrap = new Bubblewrap(Path.of("/usr/bin/bwrap"), repo, repo.resolve(".git"), repo.resolve(".helix"), List.of(hidden));
        List<String> argv = bwrap.wrap(List.of("sh", "-c", "true"), worktree, Confinement.Reach.NONE);
        String line = String.join(" ", argv);
        Path real = repo.toRealPath();
        Path wt = worktree.toRealPath();

        assertThat(argv.subList(0, 8)).containsExactly("/usr/bin/bwrap", "--die-with-parent", "--unshare-user", "--cap-drop", "ALL",
                "--dev-bind", "/", "/");
        assertThat(line).contains("--tmpfs " + hidden.toRealPath(), "--ro-bind " + real + " " + real,
                "--tmpfs " + real.resolve(".helix"), "--bind " + wt + " " + wt,
                "--ro-bind " + wt.resolve(".git") + " " + wt.resolve(".git"),
                "--ro-bind " + real.resolve(".git/worktrees/t/commondir"), "--chdir " + wt + " -- sh -c true");
        assertThat(line.indexOf("--tmpfs " + real.resolve(".helix"))).isLessThan(line.lastIndexOf("--bind " + wt + " " + wt));
        assertThat(argv).doesNotContain("--unshare-pid", "--unshare-all", "--unshare-net");
    }
}
