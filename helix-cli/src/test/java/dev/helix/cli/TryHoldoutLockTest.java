package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix try measures its hold-out holding the repository's measurement lock whatever its own
 * run.isolation, on real git and real processes: a session under run.isolation: exclusive holds the lock through an evaluation that
 * waits for the test's word, a try in another process reaches its hold-out meanwhile, and the
 * word comes once that hold-out has either started (the lock was not taken: the test fails) or
 * waits on the lock (the kernel lists it as a blocked lock). Every measurement stamps its start
 * and end; no hold-out may overlap the session's evaluations. The session measures its baseline only.
 */
class TryHoldoutLockTest {
    @TempDir
    Path tmp;

    @Test
    void aTrysHoldOutWaitsForASessionsEvaluationAndNeverOverlapsIt() throws Exception {
        Path stamps = tmp.resolve("stamps.txt");
        Path release = tmp.resolve("release");
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "2.0");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  isolation: exclusive\n");
        repo.write("evaluate.sh", "#!/bin/sh\n"
                + "[ \"$HELIX_TAG\" = s ] && echo \"eval start $(date +%s%N)\" >> '" + stamps + "'\n"
                + "if [ \"$HELIX_TAG\" = s ]; then while [ ! -f '" + release + "' ]; do sleep 0.05; done; fi\n"
                + "x=$(sed -n 's/^x = //p' params.txt)\n"
                + "awk -v x=\"$x\" 'BEGIN { printf \"loss: %.6f\\n\", (x - 1.7) * (x - 1.7) }'\n"
                + "[ \"$HELIX_TAG\" = s ] && echo \"eval end $(date +%s%N)\" >> '" + stamps + "'\n"
                + "exit 0\n");
        repo.withHoldout("#!/bin/sh\n"
                + "echo \"$WHO holdout start $(date +%s%N)\" >> '" + stamps + "'\n"
                + "x=$(sed -n 's/^x = //p' params.txt)\n"
                + "t=$(cat data/test.txt)\n"
                + "awk -v x=\"$x\" -v t=\"$t\" 'BEGIN { printf \"loss: %.6f\\n\", (x - t) * (x - t) }'\n"
                + "echo \"$WHO holdout end $(date +%s%N)\" >> '" + stamps + "'\n", "    from_dir: " + heldout + "\n");
        // the session's evaluation waits for the test's word: far longer than evaluate.timeout_seconds' 20 s on a busy machine
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  timeout_seconds: 20\n", "  timeout_seconds: 600\n"));
        repo.commitAll("a session's evaluation that waits for the test's word");

        ProcessBuilder session = repo.helixProcess(tmp.resolve("run.out"), "run", "--tag", "s", "--max-experiments", "0");
        session.environment().put("WHO", "run");
        Process run = session.start();
        try {
            await(() -> read(stamps).contains("eval start"), "the session's first evaluation to start", tmp.resolve("run.out"));
            // the try's own isolation settles to none (one worker, a metric without noise): only the hold-out's lock keeps it apart
            repo.write("helix.yaml", repo.read("helix.yaml").replace("run:\n  isolation: exclusive\n", ""));
            repo.commitAll("the try's spec leaves run.isolation to auto");
            repo.write("params.txt", "x = 3.0\nwidth = 3\n");
            ProcessBuilder agent = repo.helixProcess(tmp.resolve("try.out"), "try", "--tag", "t", "-m", "x = 3.0");
            agent.environment().put("WHO", "try");
            Process attempt = agent.start();
            Path lock = repo.dir.resolve(".git/helix/measure.lock");
            await(() -> read(stamps).contains("try holdout start") || waiterOn(lock),
                    "the try's hold-out to start or to wait for the measurement lock", tmp.resolve("try.out"));
            Files.writeString(release, "go\n");

            assertThat(attempt.waitFor(300, TimeUnit.SECONDS)).as(read(tmp.resolve("try.out"))).isTrue();
            // Its exit code is not asserted: the running session's guard of the ledger undoes records another
            // process appends meanwhile, and the try may then miss its own baseline. The stamps are what count here.
            assertThat(run.waitFor(300, TimeUnit.SECONDS)).as(read(tmp.resolve("run.out"))).isTrue();
            assertThat(run.exitValue()).as(read(tmp.resolve("run.out"))).isZero();
        } finally {
            Files.writeString(release, "go\n");
            run.destroy();
        }

        List<long[]> evaluations = intervals(read(stamps), "eval");
        List<long[]> holdouts = intervals(read(stamps), "try holdout");
        assertThat(evaluations).isNotEmpty();
        assertThat(holdouts).as("the try's baseline measures the hold-out\n" + read(stamps)).isNotEmpty();
        for (long[] h : holdouts) {
            for (long[] e : evaluations) {
                assertThat(h[1] <= e[0] || e[1] <= h[0]).as("hold-out %s..%s overlaps evaluation %s..%s\n%s", h[0], h[1], e[0], e[1], read(stamps))
                        .isTrue();
            }
        }
    }

    /** The [start, end] stamps of the lines "WHAT start N" and "WHAT end N", in order. */
    private static List<long[]> intervals(String stamps, String what) {
        List<long[]> out = new ArrayList<>();
        Long start = null;
        for (String line : stamps.split("\n")) {
            if (line.startsWith(what + " start ")) start = Long.parseLong(line.substring(what.length() + 7).strip());
            if (line.startsWith(what + " end ") && start != null) {
                out.add(new long[] {start, Long.parseLong(line.substring(what.length() + 5).strip())});
                start = null;
            }
        }
        return out;
    }

    /** Whether a process waits for a POSIX lock on {@code file}: the kernel lists such a waiter with "->" in /proc/locks. */
    private static boolean waiterOn(Path file) {
        try {
            if (!Files.exists(file)) return false;
            String inode = ":" + Files.getAttribute(file, "unix:ino") + " ";
            return Files.readAllLines(Path.of("/proc/locks")).stream().anyMatch(l -> l.contains("->") && l.contains(inode));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static void await(BooleanSupplier condition, String what, Path output) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) throw new AssertionError("waited in vain for " + what + "\n" + read(output));
            Thread.sleep(50);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
