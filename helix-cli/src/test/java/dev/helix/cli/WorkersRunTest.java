package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run --workers W on real git and real processes: experiments run at the same time, each
 * in its own worktree, and the session branch stays a linear ratchet whatever order they end in.
 */
class WorkersRunTest {
    @TempDir
    Path tmp;

    @Test
    void fourWorkersRunAtOnceAndTheBranchStaysALinearRatchet() {
        TestRepo repo = slowQuadratic("");
        // the first four experiments' evaluations wait for each other: all four workers at once, however slow the machine
        repo.write("evaluate.sh", repo.read("evaluate.sh").replace("#!/bin/sh\n", "#!/bin/sh\n" + together(4)));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: 300"));
        repo.commitAll("experiments that start together");

        TestRepo.Run run = repo.helix("run", "--tag", "w", "--workers", "4", "--max-experiments", "12");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        List<JsonNode> first = ledger.stream().filter(r -> r.get("attempt").asInt() == 0).toList();
        assertThat(first).extracting(r -> r.get("run").asInt()).as(run.toString())
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(ledger.stream().filter(r -> r.get("run").asInt() > 0).map(r -> r.get("worker").asInt()).distinct())
                .containsExactlyInAnyOrder(1, 2, 3, 4);
        assertThat(ledger.stream().filter(r -> r.get("run").asInt() > 0)).allSatisfy(r ->
                assertThat(r.path("slot").asText()).isEqualTo("slot " + r.get("worker").asInt()));
        assertThat(maxOverlap(ledger)).as("experiments in progress at once").isGreaterThanOrEqualTo(4);
        assertLinearRatchet(repo, "w", ledger);
        // a tuner's values mean the same on a newer best: a stale one is re-applied, never lost to a conflict
        assertThat(ledger).noneMatch(r -> r.get("reason").asText().contains("(a conflict)"));
        assertThat(repo.git("worktree", "list")).doesNotContain(".helix/workers");
        assertThat(repo.dir.resolve(".helix/runs/w/workers.json")).doesNotExist();
    }

    @Test
    void aStaleCandidateIsReappliedOnTheNewBestAndJudgedAgain() {
        TestRepo repo = twoSwitches("", "b.txt");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        JsonNode stale = only(ledger, "stale");
        assertThat(stale.get("attempt").asInt()).isZero();
        assertThat(stale.get("reason").asText()).contains("was kept while it ran").contains("re-applied on it")
                .endsWith("judged again as attempt 1");
        List<JsonNode> keeps = ledger.stream().filter(r -> r.get("status").asText().equals("keep")).toList();
        assertThat(keeps).hasSize(2);
        JsonNode rebased = keeps.get(1);
        assertThat(rebased.get("run").asInt()).isEqualTo(stale.get("run").asInt());
        assertThat(rebased.get("attempt").asInt()).isEqualTo(1);
        assertThat(rebased.get("rebased_from").asText()).isEqualTo(stale.get("commit").asText());
        assertThat(rebased.get("parent").asText()).isEqualTo(keeps.get(0).get("commit").asText());
        assertThat(rebased.get("primary").asDouble()).isZero(); // both switches on: both changes are in
        assertThat(repo.git("rev-parse", "refs/helix/s/" + rebased.get("run").asInt() + "-rebase1"))
                .isEqualTo(rebased.get("commit").asText());
        assertLinearRatchet(repo, "s", ledger);
        assertThat(repo.git("show", "helix/s:a.txt")).isEqualTo("1");
        assertThat(repo.git("show", "helix/s:b.txt")).isEqualTo("1");
        // it ended kept: the summary counts no stale experiment
        assertThat(run.json().at("/data/kept").asInt()).isEqualTo(2);
        assertThat(run.json().at("/data/stale").asInt()).isZero();
    }

    @Test
    void withOnStaleDiscardAStaleCandidateIsRecordedAndDropped() {
        TestRepo repo = twoSwitches("run:\n  on_stale: discard\n", "b.txt");

        TestRepo.Run run = repo.helix("run", "--tag", "d", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(only(ledger, "stale").get("reason").asText()).contains("run.on_stale: discard");
        assertThat(only(ledger, "keep").get("primary").asDouble()).isEqualTo(1.0);
        assertThat(ledger).hasSize(3);
        assertLinearRatchet(repo, "d", ledger);
    }

    @Test
    void aStaleCandidateWhoseChangeConflictsWithTheNewBestIsStale() {
        TestRepo repo = twoSwitches("", "a.txt"); // both workers switch a.txt: 1 and 2, the same line

        TestRepo.Run run = repo.helix("run", "--tag", "c", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(only(ledger, "stale").get("reason").asText()).contains("does not apply on that one (a conflict)");
        assertThat(ledger).hasSize(3);
        assertLinearRatchet(repo, "c", ledger);
        assertThat(repo.git("status", "--porcelain")).isEmpty();
    }

    @Test
    void aStaleFixUpIsReappliedWithTheIdeaItFixedNotOnlyTheFix() {
        TestRepo repo = twoSwitches("", "b.txt");
        repo.write("c.txt", "ok\n");
        // c.txt saying "bug" crashes the evaluation
        repo.write("evaluate.sh", repo.read("evaluate.sh").replace("sleep 1\n", "sleep 1\ngrep -q bug c.txt && exit 1\n"));
        // worker 1: an idea with a bug (a on, c broken), then, shown the crash, the fix (c mended)
        repo.write("agent.sh", repo.read("agent.sh").replace(
                "*'\"worker\":1'*) echo 1 > a.txt; echo '{\"description\": \"switch a on\"}' ;;",
                "*'\"crash_log_tail\":null'*'\"worker\":1'*) echo 1 > a.txt; echo bug > c.txt; echo '{\"description\": \"switch a on\"}' ;;\n"
                        + "  *'\"worker\":1'*) echo ok > c.txt; echo '{\"description\": \"mend c\"}' ;;"));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("[a.txt, b.txt]", "[a.txt, b.txt, c.txt]"));
        repo.commitAll("a crash to fix");

        TestRepo.Run run = repo.helix("run", "--tag", "f", "--workers", "2", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        JsonNode stale = only(ledger, "stale");
        assertThat(stale.get("attempt").asInt()).as(ledger.toString()).isEqualTo(1); // the fix-up, after the crash
        JsonNode rebased = ledger.stream().filter(r -> r.path("rebased_from").asText().equals(stale.get("commit").asText()))
                .findFirst().orElseThrow();
        assertThat(rebased.get("status").asText()).isEqualTo("keep");
        assertThat(rebased.get("primary").asDouble()).isZero();
        assertThat(repo.git("show", "helix/f:a.txt")).isEqualTo("1"); // the idea came along with its fix
        assertThat(repo.git("show", "helix/f:b.txt")).isEqualTo("1");
        assertThat(repo.git("show", "helix/f:c.txt")).isEqualTo("ok");
        assertLinearRatchet(repo, "f", ledger);
    }

    @Test
    void eachWorkerExploresItsDirectionASectionOfProgramMdOrALineOfText() throws IOException {
        TestRepo repo = twoSwitches("", "b.txt");
        repo.write("program.md", "# Program\n\nGeneral advice.\n\n## Optimizer\nUse Adam with warmup.\n\n## Data\nShuffle more.\n");
        repo.commitAll("a program with sections");

        TestRepo.Run run = repo.helix("run", "--tag", "dir", "--workers", "2", "--max-experiments", "2",
                "--directions", "optimizer,try a smaller batch");

        assertThat(run.code()).as(run.toString()).isZero();
        for (JsonNode r : repo.ledger()) {
            if (r.get("run").asInt() == 0) continue;
            assertThat(r.get("direction").asText()).isEqualTo(r.get("worker").asInt() == 1 ? "optimizer" : "try a smaller batch");
        }
        // beside the repository, where a sandboxed proposer can write (the repository is read-only to it)
        String requests = Files.readString(repo.dir.getParent().resolve("requests.log"));
        assertThat(requests).contains("\"direction\":\"## Optimizer\\nUse Adam with warmup.\"")
                .contains("\"direction\":\"try a smaller batch\"");

        TestRepo.Run tooMany = repo.helix("run", "--tag", "dir2", "--workers", "2", "--directions", "a,b,c");
        assertThat(tooMany.code()).as(tooMany.toString()).isEqualTo(2);
        assertThat(tooMany.json().at("/error/message").asText()).contains("3 directions for 2 workers");
    }

    @Test
    void slotsPinEvaluationsToGpusOrCpusOneEvaluationPerSlotAtATime() throws IOException {
        TestRepo repo = slowQuadratic("run:\n  slots: [\"cpu:0\", 1]\n");
        // An evaluation that finds another in its slot fails: slots are never shared.
        repo.write("evaluate.sh", """
                #!/bin/sh
                mkdir "$SLOTS/$HELIX_SLOT" 2>/dev/null || { echo "slot $HELIX_SLOT is taken"; exit 3; }
                echo "worker $HELIX_WORKER slot $HELIX_SLOT gpus ${CUDA_VISIBLE_DEVICES:-none} $(grep Cpus_allowed_list /proc/self/status)"
                sleep 0.4
                rmdir "$SLOTS/$HELIX_SLOT"
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """.replace("$SLOTS", tmp.resolve("slots").toString()));
        Files.createDirectories(tmp.resolve("slots"));
        repo.commitAll("an evaluation that reports its slot");

        TestRepo.Run run = repo.helix("run", "--tag", "p", "--workers", "3", "--max-experiments", "6");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).noneMatch(r -> r.get("status").asText().equals("crash"));
        Set<String> slots = new HashSet<>();
        for (JsonNode r : ledger) {
            if (r.get("run").asInt() == 0) continue;
            String slot = r.get("slot").asText();
            slots.add(slot);
            String log = Files.readString(repo.dir.resolve(r.get("log").asText()));
            if (slot.equals("cpu 0")) {
                assertThat(log).contains("slot 1 gpus none").containsPattern("Cpus_allowed_list:\\s+0\\n");
            } else {
                assertThat(slot).isEqualTo("gpu 1");
                assertThat(log).contains("slot 2 gpus 1");
            }
        }
        assertThat(slots).containsExactlyInAnyOrder("cpu 0", "gpu 1");
        assertLinearRatchet(repo, "p", ledger);
    }

    @Test
    void badWorkerOptionsAreUsageErrors() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        assertThat(repo.helix("run", "--workers", "0").code()).isEqualTo(2);
        TestRepo.Run executor = repo.helix("run", "--executor", "kubernetes");
        assertThat(executor.code()).isEqualTo(2);
        assertThat(executor.json().at("/error/message").asText()).contains("local or slurm");
        repo.write("helix.yaml", repo.read("helix.yaml") + "run:\n  slots: [\"cpu:zero\"]\n  on_stale: merge\n");
        repo.commitAll("bad slots");
        TestRepo.Run spec = repo.helix("run");
        assertThat(spec.code()).isEqualTo(2);
        assertThat(spec.json().at("/error/message").asText()).contains("run.slots").contains("run.on_stale");
        assertThat(repo.dir.resolve(".helix/experiments.jsonl")).doesNotExist();
    }

    @Test
    void killNineWithThreeWorkersThenResumeLosesAndDuplicatesNothing() throws Exception {
        TestRepo repo = slowQuadratic("");
        long seed = System.nanoTime();
        Random random = new Random(seed);
        Path output = tmp.resolve("helix-output.log");
        int kills = 0;
        for (int attempt = 0; kills < 4 && attempt < 12; attempt++) {
            List<String> args = new ArrayList<>(List.of("run", "--tag", "k", "--workers", "3", "--max-experiments", "12"));
            if (attempt > 0) args.add("--resume");
            Process helix = repo.helixProcess(output, args.toArray(String[]::new)).start();
            if (helix.waitFor(1500 + random.nextInt(2500), TimeUnit.MILLISECONDS)) break;
            helix.destroyForcibly();
            assertThat(helix.waitFor(120, TimeUnit.SECONDS)).as("a killed Helix has ended before the next one starts").isTrue();
            kills++;
        }
        TestRepo.Run last = repo.helix("run", "--tag", "k", "--workers", "3", "--max-experiments", "12", "--resume");
        assertThat(last.code()).as("seed %d, %d kills\n%s\n%s", seed, kills, last, Files.readString(output)).isZero();

        List<JsonNode> ledger = repo.ledger();
        List<Integer> runs = ledger.stream().filter(r -> r.get("attempt").asInt() == 0).map(r -> r.get("run").asInt()).toList();
        assertThat(runs).as("seed %d: every experiment exactly once", seed)
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertLinearRatchet(repo, "k", ledger);
    }

    @Test
    void ctrlCStopsEveryWorkerAndRecordsWhatWasRunningAsInterrupted() throws Exception {
        TestRepo repo = slowQuadratic("");
        repo.write("evaluate.sh", "#!/bin/sh\nif [ \"$HELIX_EXPERIMENT\" != 0 ]; then sleep 300; fi\n"
                + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.commitAll("experiments hang");
        Path output = tmp.resolve("helix-output.log");
        Process helix = repo.helixProcess(output, "run", "--tag", "i", "--workers", "3").start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Path runs = repo.dir.resolve(".helix/runs/i");
        while (!(Files.exists(runs.resolve("1.log")) && Files.exists(runs.resolve("2.log")) && Files.exists(runs.resolve("3.log")))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        KillResumeTest.awaitSleeping(tmp, "i", 3); // the three evaluations run: Ctrl-C comes while they do
        new ProcessBuilder("kill", "-INT", Long.toString(helix.pid())).start().waitFor();
        assertThat(helix.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(helix.exitValue()).as(Files.readString(output)).isEqualTo(130);
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText())
                .containsExactlyInAnyOrder("baseline", "interrupted", "interrupted", "interrupted");
        assertThat(KillResumeTest.survivors(tmp, "i")).isEmpty();
        assertThat(repo.git("worktree", "list")).doesNotContain(".helix/workers");
    }

    // ---- fixtures and checks

    /** The quadratic project with a one-second evaluation, so that workers overlap. */
    private TestRepo slowQuadratic(String extraSpec) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), extraSpec);
        repo.write("evaluate.sh", "#!/bin/sh\nsleep 1\n" + repo.read("evaluate.sh").replace("#!/bin/sh\n", ""));
        repo.commitAll("a slower evaluation");
        return repo;
    }

    /**
     * Two switches, a.txt and b.txt, each 0 at first: loss = 2 - a - b (a capped at 1). Worker 1
     * turns a.txt to 1; worker 2 turns {@code secondFile} to 1 (or a.txt to 2, the same line).
     * Both improve on the baseline at once, so whichever ends second finds the best moved: their
     * evaluations wait for each other, since on a busy machine one worker could otherwise propose
     * only after the other's experiment had ended.
     */
    private TestRepo twoSwitches(String extraSpec, String secondFile) {
        TestRepo repo = new TestRepo(tmp.resolve("repo"));
        repo.write("a.txt", "0\n");
        repo.write("b.txt", "0\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                TOGETHER
                sleep 1
                a=$(cat a.txt); b=$(cat b.txt)
                [ "$a" -gt 1 ] && a=1
                echo "loss: $((2 - a - b))"
                """.replace("TOGETHER\n", together(2)));
        String second = secondFile.equals("a.txt") ? "echo 2 > a.txt" : "echo 1 > b.txt";
        repo.write("agent.sh", """
                #!/bin/sh
                request=$(cat)
                printf '%s\\n' "$request" >> "$(git rev-parse --path-format=absolute --git-common-dir)/../../requests.log"
                case "$request" in
                  *'"worker":1'*) echo 1 > a.txt; echo '{"description": "switch a on"}' ;;
                  *) SECOND; echo '{"description": "switch the second on"}' ;;
                esac
                """.replace("SECOND", second));
        repo.write(".gitignore", "requests.log\n");
        repo.write("helix.yaml", """
                name: switches
                domain: testing
                description: Turn on both switches.
                scope:
                  editable: [a.txt, b.txt]
                metrics:
                  primary: {name: loss, optimize: minimize}
                evaluate:
                  command: sh evaluate.sh
                  timeout_seconds: 300
                judge:
                  mode: strict
                agent:
                  backend: command
                  command: sh agent.sh
                """ + extraSpec);
        repo.commitAll("two switches");
        return repo;
    }

    /**
     * Shell lines that hold an experiment's evaluation (not the baseline's) until {@code n}
     * experiments have reached theirs (bounded: a hang becomes a failure, not a stuck build).
     */
    private String together(int n) {
        Path started = tmp.resolve("started");
        try {
            Files.createDirectories(started);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return """
                if [ "$HELIX_EXPERIMENT" != 0 ]; then
                  touch 'DIR/'"$HELIX_EXPERIMENT"
                  i=0; while [ "$(ls 'DIR' | wc -l)" -lt N ] && [ $i -lt 1500 ]; do sleep 0.1; i=$((i + 1)); done
                fi
                """.replace("DIR", started.toString()).replace("N ]", n + " ]");
    }

    private static JsonNode only(List<JsonNode> ledger, String status) {
        List<JsonNode> found = ledger.stream().filter(r -> r.get("status").asText().equals(status)).toList();
        assertThat(found).as("%s records in %s", status, ledger).hasSize(1);
        return found.get(0);
    }

    /**
     * The branch (below its ledger commit) is exactly the baseline and the keeps, in ledger order,
     * each keep's parent the keep before it, each better than the one before.
     */
    static void assertLinearRatchet(TestRepo repo, String tag, List<JsonNode> ledger) {
        List<JsonNode> advances = ledger.stream().filter(r -> r.get("status").asText().matches("baseline|keep")).toList();
        for (int i = 1; i < advances.size(); i++) {
            assertThat(advances.get(i).get("parent").asText()).as("parent of keep #%d", advances.get(i).get("run").asInt())
                    .isEqualTo(advances.get(i - 1).get("commit").asText());
            assertThat(advances.get(i).get("primary").asDouble()).isLessThan(advances.get(i - 1).get("primary").asDouble());
        }
        List<String> branch = List.of(repo.git("rev-list", "--first-parent", "helix/" + tag + "^").split("\n"));
        List<String> expected = new ArrayList<>();
        for (int i = advances.size() - 1; i >= 0; i--) expected.add(advances.get(i).get("commit").asText());
        assertThat(branch.subList(0, expected.size())).isEqualTo(expected);
        // below the baseline: the user's history (and the session's spec commit), nothing of the session
        assertThat(branch.subList(expected.size(), branch.size())).doesNotContainAnyElementsOf(
                ledger.stream().map(r -> r.get("commit").asText()).toList());
    }

    /** The most experiments that were in progress at one moment. */
    static int maxOverlap(List<JsonNode> ledger) {
        int best = 0;
        for (JsonNode r : ledger) {
            if (r.get("run").asInt() == 0) continue;
            Instant t = Instant.parse(r.get("finished_at").asText()).minusMillis(100);
            int n = 0;
            for (JsonNode o : ledger) {
                if (o.get("run").asInt() == 0) continue;
                if (!Instant.parse(o.get("started_at").asText()).isAfter(t) && Instant.parse(o.get("finished_at").asText()).isAfter(t)) n++;
            }
            best = Math.max(best, n);
        }
        return best;
    }
}
