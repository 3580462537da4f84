import dev.helix.adapters.process.Bubblewrap;
import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.Sandbox;
import dev.helix.core.port.Executor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What run.sandbox costs per evaluation: the wall time of an evaluation that does nothing
 * (`true`) through Helix's LocalExecutor (setsid, the subreaper launcher, the log), unconfined and
 * in bubblewrap with a session's layout (a worktree under .helix/worktrees, .helix/ and a hold-out
 * directory hidden), the two interleaved run by run. Prints a markdown section; medians of N.
 */
public class SandboxBenchmark {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        Sandbox.Finding found = Sandbox.find(System.getenv());
        if (!found.usable()) {
            System.err.println("bench/sandbox: " + found.words() + "; " + found.fix());
            System.exit(2);
        }
        Path tmp = Files.createTempDirectory("helix-sandbox-bench-");
        Path repo = tmp.resolve("repo");
        Files.createDirectories(repo);
        git(repo, "init", "-q");
        Files.writeString(repo.resolve("a.txt"), "a\n");
        git(repo, "add", "a.txt");
        git(repo, "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "a");
        Path worktree = repo.resolve(".helix/worktrees/bench");
        git(repo, "worktree", "add", "-q", worktree.toString());
        Path hidden = Files.createDirectories(tmp.resolve("heldout"));
        LocalExecutor plain = new LocalExecutor();
        LocalExecutor confined = plain.confined(new Bubblewrap(found.bwrap().orElseThrow(), repo, repo.resolve(".git"),
                repo.resolve(".helix"), List.of(hidden)));
        Executor.Request request = new Executor.Request("true", worktree, Duration.ofSeconds(60), Map.of(),
                repo.resolve(".helix/runs/bench/1.log"));
        List<Double> a = new ArrayList<>();
        List<Double> b = new ArrayList<>();
        for (int i = 0; i < n + 3; i++) {
            double p = time(plain, request);
            double c = time(confined, request);
            if (i >= 3) { a.add(p); b.add(c); } // the first runs warm the JVM and the page cache
        }
        double mp = median(a);
        double mc = median(b);
        String load = Files.readString(Path.of("/proc/loadavg")).split(" ", 4)[0];
        System.out.printf("""
                ## Sandbox (run.sandbox)

                Measured by `bench/sandbox %d` on %s: %s %s, %d cores, Java %s, bubblewrap at %s; load average %s.
                An evaluation that does nothing (`true`) through Helix's executor (setsid, the subreaper
                launcher, the log), plain and in bubblewrap with a session's layout, interleaved run by run;
                medians of %d.

                | evaluation | ms |
                |---|---:|
                | plain | %.1f |
                | in bubblewrap | %.1f |
                | what the sandbox adds | %.1f |
                """, n, LocalDate.now(), System.getProperty("os.name"), System.getProperty("os.version"),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), found.bwrap().get(), load, n,
                mp, mc, mc - mp);
        try (var all = Files.walk(tmp)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static double time(LocalExecutor executor, Executor.Request request) {
        long t0 = System.nanoTime();
        Executor.Result r = executor.run(request);
        if (r.exitCode() != 0) throw new IllegalStateException("the evaluation failed: " + r.output() + r.error());
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int m = s.size() / 2;
        return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
    }

    private static void git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IllegalStateException(command + ": " + out);
    }
}
