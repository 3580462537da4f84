package dev.helix.adapters.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The test Slurm cluster scripts/slurm-up brings up (./run-tests does, exports SLURM_CONF and sets
 * HELIX_REQUIRE_SLURM=1, so there a missing cluster fails the test; elsewhere it is skipped with
 * the fix).
 */
public final class SlurmCluster {

    private SlurmCluster() {}

    /** Returns when the controller answers; otherwise skips (or fails) the test with the fix. */
    public static void require() {
        String problem = problem();
        if (problem == null) return;
        String message = "no Slurm test cluster: " + problem
                + "; bring one up with `eval \"$(scripts/slurm-up)\"` (as root; ./run-tests does it) and run the tests again";
        if ("1".equals(System.getenv("HELIX_REQUIRE_SLURM"))) throw new AssertionError(message);
        Assumptions.abort(message);
    }

    private static String problem() {
        if (System.getenv("SLURM_CONF") == null) return "SLURM_CONF is not set";
        String ping = run("scontrol", "ping");
        if (ping == null || !ping.contains("UP")) return "`scontrol ping` does not say UP (" + ping + ")";
        return null;
    }

    /** Job names (squeue's %j) of the jobs squeue lists as active. */
    public static List<String> activeJobNames() {
        // A job that ended stays listed while slurmd cleans up after it (COMPLETING), which on a busy
        // machine takes seconds: it is no longer running, so it is not counted as left behind.
        String out = run("squeue", "-h", "-o", "%T|%j");
        List<String> names = new ArrayList<>();
        if (out != null) {
            for (String l : out.split("\n")) {
                int bar = l.indexOf('|');
                if (bar < 0 || l.startsWith("COMPLETING|")) continue;
                names.add(l.substring(bar + 1).strip());
            }
        }
        return names;
    }

    /** "name|state|exitcode" per finished job, from the job completion file (sacct -c). */
    public static List<String> finishedJobs() {
        String out = run("sacct", "-c", "-n", "-X", "-P", "-o", "JobName,State,ExitCode");
        List<String> rows = new ArrayList<>();
        if (out != null) for (String l : out.split("\n")) if (!l.isBlank()) rows.add(l.strip());
        return rows;
    }

    /** Runs a Slurm client command: its output, or null when it could not run. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return out;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
