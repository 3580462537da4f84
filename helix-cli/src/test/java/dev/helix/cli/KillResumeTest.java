package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run as a real process, killed with SIGKILL at random points and resumed each time, and
 * stopped with SIGINT: no experiment is lost or recorded twice, and no evaluation survives.
 */
class KillResumeTest {
    private static final int EXPERIMENTS = 40;
    /** More experiments than a run can reach before it is killed. */
    private static final int UNENDING = 100_000;

    @TempDir
    Path tmp;

    @Test
    void killNineAtTwentyRandomPointsThenResumeLosesAndDuplicatesNothing() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        // A slower evaluation, so that kills land in every phase: proposing, committing, evaluating, recording.
        repo.write("evaluate.sh", "#!/bin/sh\nsleep 0.05\n" + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.commitAll("slower evaluation");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int kills = 0;
        // The killed runs may go on for ever, so every one of the 20 kills lands, however fast the machine.
        for (int attempt = 0; kills < 20 && attempt < 60; attempt++) {
            Process helix = start(repo, kills == 0 && attempt == 0 ? List.of() : List.of("--resume"), UNENDING);
            boolean ended = helix.waitFor(150 + random.nextInt(1500), TimeUnit.MILLISECONDS);
            if (ended) break; // it failed on its own: the checks below say how
            helix.destroyForcibly();
            assertThat(helix.waitFor(120, TimeUnit.SECONDS)).as("a killed Helix has ended before the next one starts").isTrue();
            kills++;
        }
        assertThat(kills).as("seed %d", seed).isEqualTo(20);
        // The last run resumes and stops a few experiments after the last one recorded.
        int last = repo.ledger().stream().mapToInt(r -> r.get("run").asInt()).max().orElse(0) + 3;
        Process finish = start(repo, List.of("--resume"), last);
        assertThat(finish.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(tmp.resolve("helix-output.log"));
        assertThat(finish.exitValue()).as("seed %d, %d kills\n%s", seed, kills, output).isZero();

        List<JsonNode> ledger = repo.ledger();
        List<Integer> runs = ledger.stream().map(r -> r.get("run").asInt()).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i <= last; i++) expected.add(i);
        assertThat(runs).as("seed %d: every experiment exactly once, in order", seed).isEqualTo(expected);
        for (JsonNode r : ledger) {
            String status = r.get("status").asText();
            assertThat(status).isIn("baseline", "keep", "discard");
            assertThat(repo.git("rev-parse", "refs/helix/k/" + r.get("run").asInt())).isEqualTo(r.get("commit").asText());
        }
        JsonNode best = null;
        for (JsonNode r : ledger) if (r.get("status").asText().matches("baseline|keep")) best = r;
        assertThat(repo.git("rev-parse", "helix/k^")).isEqualTo(best.get("commit").asText());
        assertNoEvaluationSurvives();
    }

    @Test
    void ctrlCKillsTheRunningEvaluationAndRecordsItInterrupted() throws Exception {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        repo.write("evaluate.sh", "#!/bin/sh\nif [ \"$HELIX_EXPERIMENT\" = 1 ]; then sleep 300; fi\n"
                + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.commitAll("experiment 1 hangs");
        Process helix = start(repo, List.of("--json"));
        Path log = repo.dir.resolve(".helix/runs/k/1.log");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.exists(log) && System.nanoTime() < deadline) Thread.sleep(50);
        awaitSleeping(tmp, "k", 1); // the evaluation runs: Ctrl-C comes while it does, not before
        new ProcessBuilder("kill", "-INT", Long.toString(helix.pid())).start().waitFor();
        assertThat(helix.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(helix.exitValue()).isEqualTo(130);
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "interrupted");
        assertNoEvaluationSurvives();
        // The envelope (stdout) says the run was interrupted, counts the interrupted experiment and says how to go on.
        String envelope = Files.readAllLines(tmp.resolve("helix-output.log")).stream().filter(l -> l.startsWith("{\"status\""))
                .findFirst().orElseThrow();
        JsonNode summary = Output.JSON.readTree(envelope);
        assertThat(summary.get("status").asText()).isEqualTo("interrupted");
        assertThat(summary.at("/data/interrupted").asInt()).isEqualTo(1);
        assertThat(summary.get("hints").toString()).contains("helix run --resume --tag k");
        TestRepo.Run resumed = repo.helix("run", "--resume", "--max-experiments", "2");
        assertThat(repo.ledger()).as(resumed.toString()).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2);
    }

    private Process start(TestRepo repo, List<String> extra) throws IOException {
        return start(repo, extra, EXPERIMENTS);
    }

    private Process start(TestRepo repo, List<String> extra, int maxExperiments) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.helix.cli.Main", "-C", repo.dir.toString(), "--text", "run", "--tag", "k",
                "--max-experiments", Integer.toString(maxExperiments)));
        command.addAll(extra);
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("helix-output.log").toFile())).start();
    }

    /** No process carrying this test's session marker is left (evaluations of every killed run). */
    private void assertNoEvaluationSurvives() throws IOException {
        assertThat(survivors(tmp, "k")).isEmpty();
    }

    /**
     * Waits until {@code n} evaluations of session {@code tag} are in their {@code sleep}: then
     * they surely run. Fails after a minute, far more than starting them takes on a busy machine.
     */
    static void awaitSleeping(Path dir, String tag, int n) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        long sleeping;
        while ((sleeping = sleeping(dir, tag)) < n) {
            if (System.nanoTime() > deadline) throw new AssertionError(sleeping + " of " + n + " evaluations are running");
            Thread.sleep(50);
        }
    }

    private static long sleeping(Path dir, String tag) throws IOException {
        long n = 0;
        for (long pid : survivors(dir, tag)) {
            try {
                if (Files.readString(Path.of("/proc", Long.toString(pid), "comm")).strip().equals("sleep")) n++;
            } catch (IOException gone) {
                // ended meanwhile
            }
        }
        return n;
    }

    /** Live processes of session {@code tag} (their environment says so) working under {@code dir}. */
    static Set<Long> survivors(Path dir, String tag) throws IOException {
        Set<Long> survivors = new HashSet<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String env = new String(Files.readAllBytes(p.resolve("environ")));
                    String stat = Files.readString(p.resolve("stat"));
                    boolean zombie = stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
                    Path cwd = Files.readSymbolicLink(p.resolve("cwd"));
                    if (!zombie && env.contains("HELIX_TAG=" + tag + "\0") && cwd.startsWith(dir.toRealPath())) {
                        survivors.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException ignored) {
                    // gone, or not ours to read
                }
            }
        }
        return survivors;
    }
}
