package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run against a hostile `command` proposer on real git: what it leaves for the evaluation
 * that the commit does not hold (a symlink, an ignored file) is rejected naming it, nothing is
 * committed, and the worktree holds the best commit again.
 */
class TrustBoundaryRunTest {
    @TempDir
    Path tmp;

    /** The quadratic project proposed to by {@code sh agent.sh} with {@code script}. */
    private TestRepo attackedBy(String script, String extraSpec) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), extraSpec);
        repo.write("agent.sh", "#!/bin/sh\n" + script);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", "backend: command\n  command: sh agent.sh"));
        repo.commitAll("a hostile proposer");
        return repo;
    }

    @Test
    void anEditableFileReplacedBySymlinksIsRejectedNamingThemAndNeverCommitted() {
        TestRepo repo = attackedBy("""
                # Run 1 links the editable file out of the repository, run 2 to the evaluator.
                if [ "$HELIX_EXPERIMENT" = 1 ]; then ln -sf /etc/hostname params.txt; else ln -sf evaluate.sh params.txt; fi
                echo '{"description": "a link"}'
                """, "");
        String start = repo.git("rev-parse", "HEAD");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).hasSize(3);
        JsonNode outside = ledger.get(1);
        assertThat(outside.get("status").asText()).isEqualTo("rejected");
        assertThat(outside.get("reason").asText())
                .isEqualTo("params.txt is a symlink (to /etc/hostname): editable files must be regular files");
        assertThat(outside.get("paths")).extracting(JsonNode::asText).containsExactly("params.txt");
        JsonNode evaluator = ledger.get(2);
        assertThat(evaluator.get("status").asText()).isEqualTo("rejected");
        assertThat(evaluator.get("reason").asText()).startsWith("params.txt is a symlink (to evaluate.sh)");
        // Nothing committed: no experiment ref, no link on the branch, the worktree is the start's again.
        assertThat(repo.git("for-each-ref", "refs/helix/s/1", "refs/helix/s/2")).isEmpty();
        assertThat(repo.git("ls-tree", "-r", "helix/s")).doesNotContain("120000");
        assertThat(repo.git("rev-parse", "helix/s^")).isEqualTo(start); // the ledger's commit on top of the start
        Path worktree = repo.dir.resolve(".helix/worktrees/s");
        assertThat(Files.isSymbolicLink(worktree.resolve("params.txt"))).isFalse();
        assertThat(worktree.resolve("params.txt")).hasContent("x = 4.0\nwidth = 3");
        assertThat(new TestRepo(worktree).git("status", "--porcelain")).isEmpty();
    }

    @Test
    void anIgnoredFileTheEvaluationReadsIsRejectedWithTheRealEditAndRemoved() {
        TestRepo repo = attackedBy("""
                printf 'x = 3.9\\nwidth = 3\\n' > params.txt
                mkdir -p cache && echo yes > cache/boost
                echo '{"description": "x = 3.9"}'
                """, "");
        boostedEvaluation(repo);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  editable: [params.txt]\n",
                "  editable: [params.txt]\n  stray_files: reject\n"));
        repo.commitAll("strays rejected");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode rejected = repo.ledger().get(1);
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asText()).startsWith("files outside the commit changed: cache/boost (ignored, created)");
        assertThat(rejected.get("paths")).extracting(JsonNode::asText).containsExactly("cache/boost");
        assertThat(repo.git("for-each-ref", "refs/helix/s/1")).isEmpty();
        Path worktree = repo.dir.resolve(".helix/worktrees/s");
        assertThat(worktree.resolve("cache/boost")).doesNotExist();
        assertThat(worktree.resolve("params.txt")).hasContent("x = 4.0\nwidth = 3");
    }

    @Test
    void byDefaultStrayFilesAreRemovedAndTheKeepIsWhatTheCommitAloneMeasures() {
        TestRepo repo = attackedBy("""
                printf 'x = 3.9\\nwidth = 3\\n' > params.txt
                mkdir -p cache && echo yes > cache/boost
                echo '{"description": "x = 3.9"}'
                """, "");
        boostedEvaluation(repo);
        // The default: scope.stray_files: remove.

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode kept = repo.ledger().get(1);
        assertThat(kept.get("status").asText()).as(kept.toString()).isEqualTo("keep");
        assertThat(kept.get("primary").asDouble()).isEqualTo(4.84, org.assertj.core.data.Offset.offset(1e-9)); // (3.9 - 1.7)^2, not 0
        assertThat(repo.dir.resolve(".helix/worktrees/s/cache/boost")).doesNotExist();
    }

    @Test
    void filesTheSetupAndTheEvaluationLeaveAreNotTheProposers() {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        repo.write(".gitignore", "build/\nout/\n");
        repo.write("helix.yaml", repo.read("helix.yaml").replace("  command: sh evaluate.sh\n",
                "  command: sh evaluate.sh\n  setup: mkdir -p build && echo built > build/lib\n"));
        repo.write("evaluate.sh", repo.read("evaluate.sh") + "mkdir -p out && date +%s%N > out/last\n");
        repo.commitAll("a build and outputs");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "4");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText()).doesNotContain("rejected");
        Path worktree = repo.dir.resolve(".helix/worktrees/s");
        assertThat(Files.exists(worktree.resolve("build/lib"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }

    /** The evaluation prints a perfect loss when the ignored file cache/boost is there. */
    private static void boostedEvaluation(TestRepo repo) {
        repo.write(".gitignore", "cache/\n");
        repo.write("evaluate.sh", """
                #!/bin/sh
                if [ -f cache/boost ]; then echo "loss: 0"; exit 0; fi
                x=$(sed -n 's/^x = //p' params.txt)
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.commitAll("an evaluation that reads a cache");
    }
}
