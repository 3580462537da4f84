package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run with a command proposer that ends the session: one that says it is done (exit code 3)
 * ends it cleanly, one that fails the same way every time stops it with exit 1.
 */
@Timeout(120)
class CommandStopsTest {
    @TempDir
    Path tmp;

    private TestRepo repoWithAgent(String script) throws Exception {
        Path agent = tmp.resolve("agent.sh");
        Files.writeString(agent, "#!/bin/sh\n" + script);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        return TestRepo.withAgent(tmp.resolve("repo"), "  backend: command\n  command: " + agent + "\n  timeout_seconds: 30\n");
    }

    @Test
    void aCommandThatSaysItIsDoneEndsTheSessionCleanlyWithItsReason() throws Exception {
        Path state = tmp.resolve("tried");
        TestRepo repo = repoWithAgent("""
                if [ -e %1$s ]; then echo 'no ideas left' >&2; exit 3; fi
                touch %1$s
                sed -i 's/^x = .*/x = 2.0/' params.txt
                echo '{"description": "move x to 2"}'
                """.formatted(state));

        TestRepo.Run run = repo.helix("--json", "run", "--tag", "c", "--backend", "command", "--max-experiments", "50");

        assertThat(run.code()).as("%s", run).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("stop_reason").asText()).isEqualTo("the proposer has nothing left to try");
        assertThat(data.get("detail").asText()).isEqualTo("agent command is done (exit code 3): no ideas left");
        assertThat(repo.ledger()).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep");
    }

    @Test
    void aCommandThatFailsTheSameWayEveryTimeStopsTheSessionAfterFiveTries() throws Exception {
        TestRepo repo = repoWithAgent("echo 'ideas.txt: no such file' >&2\nexit 1\n");

        TestRepo.Run run = repo.helix("--json", "run", "--tag", "f", "--backend", "command", "--max-experiments", "1000");

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        JsonNode data = run.json().get("data");
        assertThat(data.get("stop_reason").asText()).isEqualTo("the proposer keeps failing");
        assertThat(data.get("detail").asText()).contains("failed the same way 5 times in a row", "agent command exited with code 1",
                "ideas.txt: no such file", "helix run --resume");
        assertThat(repo.ledger()).hasSize(6);
    }

    @Test
    void maxTokensStopsOnceTheReportedTokensReachTheCap() throws Exception {
        TestRepo repo = repoWithAgent("""
                x=$(sed -n 's/^x = //p' params.txt)
                sed -i "s/^x = .*/x = $(awk -v x="$x" 'BEGIN { print x - 0.5 }')/" params.txt
                echo '{"description": "lower x", "usage": {"tokens_in": 500, "tokens_out": 100}}'
                """);

        TestRepo.Run run = repo.helix("--json", "run", "--tag", "k", "--backend", "command", "--max-tokens", "1500");

        assertThat(run.code()).as("%s", run).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("stop_reason").asText()).isEqualTo("reached --max-tokens");
        assertThat(data.get("detail").asText()).isEqualTo("used 1800 tokens");
        assertThat(repo.ledger()).hasSize(4);
    }

    @Test
    void aCostCapOnABackendThatNeverReportsItsCostIsRefusedWithTheFix() {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), "  backend: anthropic\n  model: claude-x\n");

        TestRepo.Run run = repo.helix("--json", "run", "--backend", "anthropic", "--max-cost", "5");

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        assertThat(run.out() + run.err()).contains("--max-cost cannot hold with the anthropic backend", "--max-tokens N");
        assertThat(repo.ledger()).isEmpty();
    }

    @Test
    void aCapOnACommandThatReportsNoCostOrTokensStopsAfterItsFirstProposalInsteadOfRunningUncapped() throws Exception {
        TestRepo repo = repoWithAgent("""
                x=$(sed -n 's/^x = //p' params.txt)
                sed -i "s/^x = .*/x = $(awk -v x="$x" 'BEGIN { print x - 0.5 }')/" params.txt
                echo '{"description": "lower x"}'
                """);

        TestRepo.Run cost = repo.helix("--json", "run", "--tag", "c", "--backend", "command", "--max-cost", "1", "--max-experiments", "20");

        assertThat(cost.code()).as("%s", cost).isEqualTo(1);
        JsonNode data = cost.json().get("data");
        assertThat(data.get("stop_reason").asText()).isEqualTo("a spending cap cannot hold");
        assertThat(data.get("detail").asText()).contains("--max-cost cannot hold: the command backend reported no cost for run 1",
                "agent.price", "--max-tokens N");
        assertThat(cost.json().get("error").get("code").asText()).isEqualTo("cap_blind");
        assertThat(repo.ledger()).hasSize(2);

        TestRepo.Run tokens = repo.helix("--json", "run", "--tag", "t", "--backend", "command", "--max-tokens", "1000", "--max-experiments", "20");
        assertThat(tokens.code()).as("%s", tokens).isEqualTo(1);
        assertThat(tokens.json().get("data").get("detail").asText()).contains("--max-tokens cannot hold: the command backend reported no tokens for run 1");
    }
}
