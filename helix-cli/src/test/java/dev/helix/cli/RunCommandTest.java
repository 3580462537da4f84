package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** helix run end to end: real git repositories, real evaluation processes, the built-in tuner. */
class RunCommandTest {
    @TempDir
    Path tmp;

    @Test
    void runsTheLoopOnItsOwnBranchAndRecordsEveryExperiment() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        String headBefore = repo.git("rev-parse", "HEAD");

        TestRepo.Run run = repo.helix("run", "--tag", "t1", "--max-experiments", "8");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("experiments").asInt()).isEqualTo(8);
        assertThat(data.get("kept").asInt()).as(run.toString()).isPositive();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(ledger.get(0).get("status").asText()).isEqualTo("baseline");
        assertThat(ledger.get(0).get("primary").asDouble()).isEqualTo(5.29, org.assertj.core.data.Offset.offset(1e-9));
        for (JsonNode r : ledger.subList(1, ledger.size())) {
            assertThat(r.get("status").asText()).isIn("keep", "discard");
            assertThat(r.get("reason").asText()).isNotBlank();
            assertThat(repo.git("rev-parse", "refs/helix/t1/" + r.get("run").asInt())).isEqualTo(r.get("commit").asText());
            assertThat(r.get("log").asText()).isEqualTo(".helix/runs/t1/" + r.get("run").asInt() + ".log");
        }
        // The branch ends with the ledger committed on top of the best experiment.
        String best = data.get("best_run").asText();
        String bestCommit = repo.git("rev-parse", "refs/helix/t1/" + best);
        assertThat(repo.git("rev-parse", "helix/t1^")).isEqualTo(bestCommit);
        assertThat(repo.git("show", "helix/t1:experiments.tsv")).startsWith("tag\trun\tcommit\tloss\tstatus\tdescription");
        assertThat(repo.git("show", "helix/t1:experiments.jsonl").lines()).hasSize(9);
        // Kept values only ever improve: the ratchet.
        double previous = Double.MAX_VALUE;
        for (JsonNode r : ledger) {
            if (r.get("status").asText().matches("baseline|keep")) {
                assertThat(r.get("primary").asDouble()).isLessThan(previous);
                previous = r.get("primary").asDouble();
            }
        }
        // The user's working copy is untouched.
        assertThat(repo.git("rev-parse", "HEAD")).isEqualTo(headBefore);
        assertThat(repo.git("status", "--porcelain")).isEmpty();
        assertThat(repo.read("params.txt")).isEqualTo("x = 4.0\nwidth = 3\n");
    }

    @Test
    void theDefaultTagIsTodayAndTheNextSessionGetsANewOne() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        LocalDate before = LocalDate.now();
        TestRepo.Run first = repo.helix("run", "--max-experiments", "1");
        TestRepo.Run second = repo.helix("run", "--max-experiments", "1");
        LocalDate after = LocalDate.now();
        String tag = first.json().get("data").get("tag").asText();
        assertThat(tag).matches("[a-z]{3}\\d{1,2}").isIn(today(before), today(after));
        String next = second.json().get("data").get("tag").asText();
        // a nightly build may cross midnight between the two runs: then the second is the new day's
        if (before.equals(after)) assertThat(next).isEqualTo(tag + "-2");
        else assertThat(next).isIn(tag + "-2", today(after));
    }

    private static String today(LocalDate day) {
        return dev.helix.app.run.SessionTags.base(java.util.Optional.empty(), day);
    }

    @Test
    void resumeContinuesToTheSameTotalWithoutRepeatingAnExperiment() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        assertThat(repo.helix("run", "--tag", "r", "--max-experiments", "3").code()).isZero();
        TestRepo.Run resumed = repo.helix("run", "--resume", "--max-experiments", "6");
        assertThat(resumed.code()).as(resumed.toString()).isZero();
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(repo.helix("run", "--tag", "r").code()).as("an existing tag needs --resume").isEqualTo(2);
    }

    @Test
    void aProposerEditingOutOfScopeIsRejectedAndItsChangeReverted() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        repo.write("agent.sh", """
                #!/bin/sh
                # Games the evaluator: edits it to print a perfect score, and the readme too.
                echo 'echo "loss: 0"' > evaluate.sh
                echo tampered >> README.md
                echo '{"description": "print a perfect score"}'
                """);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", "backend: command\n  command: sh agent.sh"));
        repo.commitAll("a cheating agent");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(3);
        JsonNode rejected = ledger.get(1);
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("paths")).extracting(JsonNode::asText).containsExactly("README.md", "evaluate.sh");
        assertThat(rejected.get("reason").asText()).contains("evaluate.sh (protected").contains("README.md (not in scope.editable)");
        Path worktree = repo.dir.resolve(".helix/worktrees/s");
        assertThat(worktree.resolve("evaluate.sh")).content().doesNotContain("loss: 0");
        assertThat(worktree.resolve("README.md")).hasContent("a project");
    }

    @Test
    void aFailingOrSlowEvaluationIsACrashWithItsLogTail() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        // Values of x above 2.5 make the evaluation fail; the baseline (4.0) is moved below that first.
        repo.write("params.txt", "x = 0.5\nwidth = 3\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                if awk -v x="$x" 'BEGIN { exit !(x > 2.5) }'; then echo "boom: x too large" >&2; exit 3; fi
                if awk -v x="$x" 'BEGIN { exit !(x < 0.3) }'; then sleep 30; fi
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: 2"));
        repo.commitAll("a fragile evaluation");

        TestRepo.Run run = repo.helix("run", "--tag", "c", "--max-experiments", "12");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> crashes = repo.ledger().stream().filter(r -> r.get("status").asText().equals("crash")).toList();
        assertThat(crashes).as(run.toString()).isNotEmpty();
        for (JsonNode crash : crashes) {
            if (crash.get("timed_out").asBoolean()) {
                assertThat(crash.get("reason").asText()).contains("timed out after 2s");
            } else {
                assertThat(crash.get("reason").asText()).isEqualTo("exit code 3");
                assertThat(crash.get("exit_code").asInt()).isEqualTo(3);
                assertThat(crash.get("log_tail").asText()).contains("boom: x too large");
            }
        }
    }

    @Test
    void badInputIsExitCodeTwoWithAFixAndWritesNothing() throws Exception {
        Path notRepo = Files.createDirectories(tmp.resolve("plain"));
        var out = new java.io.StringWriter();
        int code = Main.run(new String[] {"-C", notRepo.toString(), "run"}, new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()));
        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("not_a_repository").contains("suggestion");
        assertThat(notRepo.resolve(".helix")).doesNotExist();

        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        String good = repo.read("helix.yaml");
        assertRefused(repo, good.replace("optimize: minimize", "optimize: sideways"), "metrics.primary.optimize");
        assertRefused(repo, good.replace("backend: tune", "backend: clod"), "agent.backend");
        assertRefused(repo, good.replace("command: sh evaluate.sh", "command: no-such-program --fast"), "no-such-program");
        assertRefused(repo, good.replace("'x = ([-0-9.eE+]+)'", "'x = [0-9.]+'"), "search.parameters.x.pattern");
        assertRefused(repo, good.replace("'x = ([-0-9.eE+]+)'", "'x = ([0-9.]+'"), "search.parameters.x.pattern");
        assertRefused(repo, good.replace("  command: sh evaluate.sh\n", ""), "evaluate.command");
        assertRefused(repo, good + "\n  - not: yaml: [\n", "helix.yaml");

        repo.write("helix.yaml", good);
        repo.write("params.txt", "x = 3.0\n");
        TestRepo.Run dirty = repo.helix("run");
        assertThat(dirty.code()).isEqualTo(2);
        assertThat(dirty.out()).contains("uncommitted changes: params.txt");
        assertThat(repo.dir.resolve(".helix")).doesNotExist();
    }

    @Test
    void eachFixOfASpecErrorIsPrintedOnce() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("once"), "");
        String good = repo.read("helix.yaml");
        repo.write("helix.yaml", good.replace("optimize: minimize", "optimize: sideways"));
        TestRepo.Run one = repo.helix("--text", "run");
        assertThat(one.code()).as(one.toString()).isEqualTo(2);
        assertThat(one.err().lines().filter(l -> l.contains("fix:")).count()).as(one.toString()).isEqualTo(1);

        repo.write("helix.yaml", good.replace("optimize: minimize", "optimize: sideways")
                .replace("backend: tune", "backend: clod"));
        TestRepo.Run two = repo.helix("--text", "run");
        assertThat(two.code()).as(two.toString()).isEqualTo(2);
        List<String> fixes = two.err().lines().filter(l -> l.contains("fix:")).toList();
        assertThat(fixes).as(two.toString()).doesNotHaveDuplicates().hasSize(2);

        TestRepo.Run json = repo.helix("--json", "run");
        assertThat(json.json().get("error").get("suggestion").asText()).isNotBlank();
    }

    private static void assertRefused(TestRepo repo, String spec, String mentioned) {
        repo.write("helix.yaml", spec);
        TestRepo.Run run = repo.helix("run");
        assertThat(run.code()).as(run.toString()).isEqualTo(2);
        JsonNode error = run.json().get("error");
        assertThat(error.get("message").asText()).as(run.toString()).contains(mentioned);
        assertThat(error.get("suggestion").asText()).isNotBlank();
        assertThat(repo.dir.resolve(".helix")).as("nothing written").doesNotExist();
    }
}
