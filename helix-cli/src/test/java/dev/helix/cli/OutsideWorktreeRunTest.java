package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run against a `command` proposer that writes outside its worktree, on real git: into the
 * shared git directory (a pre-commit hook, the config) and into the ledger (a forged keep). Without
 * a sandbox (run.sandbox: none) the experiment is rejected naming what it wrote, and each file is
 * put back exactly as it was; in the sandbox (bubblewrap, where it works here) the writes fail and
 * the experiment is judged on its edit.
 */
class OutsideWorktreeRunTest {
    @TempDir
    Path tmp;

    private static final String HOOK_AND_CONFIG = """
            g=$(git rev-parse --git-common-dir)
            printf '#!/bin/sh\\necho pwned > /tmp/pwned\\n' > "$g/hooks/pre-commit"; chmod +x "$g/hooks/pre-commit"
            git config --file "$g/config" core.hooksPath /tmp/evil-hooks
            printf 'x = 3.9\\nwidth = 3\\n' > params.txt
            echo '{"description": "x = 3.9"}'
            """;

    private static final String FORGED_KEEP = """
            l=../../experiments.jsonl
            tail -n 1 "$l" | sed 's/"run":0/"run":1/; s/"status":"[a-z]*"/"status":"keep"/; s/"primary":[0-9.eE+-]*/"primary":-1000/' >> "$l"
            printf 'x = 3.9\\nwidth = 3\\n' > params.txt
            echo '{"description": "x = 3.9"}'
            """;

    private TestRepo attackedBy(String script) {
        return attackedBy(script, "none");
    }

    private TestRepo attackedBy(String script, String sandbox) {
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "run:\n  sandbox: " + sandbox + "\n");
        repo.write("agent.sh", "#!/bin/sh\n" + script);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", "backend: command\n  command: sh agent.sh"));
        repo.commitAll("a hostile proposer");
        return repo;
    }

    @Test
    void aHookAndAConfigChangeInTheSharedGitDirectoryAreRejectedAndPutBack() throws Exception {
        TestRepo repo = attackedBy(HOOK_AND_CONFIG);
        Path git = repo.dir.resolve(".git");
        byte[] config = Files.readAllBytes(git.resolve("config"));

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        JsonNode rejected = repo.ledger().get(1);
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("reason").asText()).contains("wrote outside its worktree",
                ".git/config changed", ".git/hooks/pre-commit created");
        assertThat(git.resolve("hooks/pre-commit")).doesNotExist();
        assertThat(Files.readAllBytes(git.resolve("config"))).isEqualTo(config);
        assertThat(repo.git("for-each-ref", "refs/helix/s/1")).isEmpty();
    }

    @Test
    void inTheSandboxTheHookAndTheConfigCannotBeWrittenAndTheEditIsKept() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(dev.helix.adapters.process.Sandbox.find(System.getenv()).usable()).isTrue();
        TestRepo repo = attackedBy(HOOK_AND_CONFIG, "bwrap");
        Path git = repo.dir.resolve(".git");
        byte[] config = Files.readAllBytes(git.resolve("config"));

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(1).get("status").asText()).as(repo.ledger().get(1).toString()).isEqualTo("keep");
        assertThat(git.resolve("hooks/pre-commit")).doesNotExist();
        assertThat(Files.readAllBytes(git.resolve("config"))).isEqualTo(config);
    }

    @Test
    void inTheSandboxTheLedgerCannotBeReachedToForgeARecord() throws Exception {
        org.assertj.core.api.Assumptions.assumeThat(dev.helix.adapters.process.Sandbox.find(System.getenv()).usable()).isTrue();
        TestRepo repo = attackedBy(FORGED_KEEP, "bwrap");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2);
        assertThat(ledger.get(1).get("status").asText()).isEqualTo("keep");
        assertThat(ledger).noneMatch(r -> r.get("primary") != null && r.get("primary").asDouble() == -1000);
    }

    @Test
    void aHookTheUserChangedBeforeTheSessionIsLeftAsTheUserMadeIt() throws Exception {
        TestRepo repo = attackedBy("""
                printf 'x = 3.%d\\nwidth = 3\\n' $((10 - HELIX_EXPERIMENT)) > params.txt
                echo '{"description": "x down"}'
                """);
        Path hook = repo.dir.resolve(".git/hooks/pre-push");
        Files.writeString(hook, "#!/bin/sh\nexit 0\n");

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText()).doesNotContain("rejected");
        assertThat(hook).hasContent("#!/bin/sh\nexit 0");
    }

    @Test
    void aForgedKeepAppendedToTheLedgerIsRejectedAndCutAway() throws Exception {
        TestRepo repo = attackedBy(FORGED_KEEP);

        TestRepo.Run run = repo.helix("run", "--tag", "s", "--max-experiments", "2");

        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2);
        assertThat(ledger.get(1).get("status").asText()).isEqualTo("rejected");
        assertThat(ledger.get(1).get("reason").asText()).contains(".helix/experiments.jsonl: appended");
        assertThat(ledger).noneMatch(r -> r.get("primary") != null && r.get("primary").asDouble() == -1000);
        TestRepo.Run best = repo.helix("best", "--tag", "s");
        assertThat(best.out()).doesNotContain("-1000");
    }

    @Test
    void aForgedRecordWrittenOutsideAnyProposalIsLeftOutByTheReadersAndNamedByDoctor() throws Exception {
        TestRepo repo = attackedBy("""
                printf 'x = 3.%d\\nwidth = 3\\n' $((10 - HELIX_EXPERIMENT)) > params.txt
                echo '{"description": "x down"}'
                """);
        assertThat(repo.helix("run", "--tag", "s", "--max-experiments", "1").code()).isZero();
        Path ledger = repo.dir.resolve(".helix/experiments.jsonl");
        // A complete record, copied from a real one: run 1 again, a keep with a huge gain, its MAC kept.
        String last = Files.readAllLines(ledger).getLast();
        String forged = last.replaceAll("\"primary\":[-0-9.eE]+", "\"primary\":-1000.0");
        Files.writeString(ledger, forged + "\n", java.nio.file.StandardOpenOption.APPEND);

        TestRepo.Run best = repo.helix("best", "--tag", "s");
        TestRepo.Run doctor = repo.helix("doctor", "--quick");

        assertThat(best.code()).as(best.toString()).isZero();
        assertThat(best.out()).doesNotContain("-1000");
        JsonNode protection = DoctorCommandTest.check(doctor.json().get("data"), "protection");
        assertThat(protection.get("status").asText()).isEqualTo("fail");
        assertThat(protection.get("message").asText()).startsWith("1 record in the ledger was not written by Helix")
                .contains("evaluations run under a child subreaper", "sandbox: none (run.sandbox: none)");
    }
}
