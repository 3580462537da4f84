package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A user's own backend, found by ServiceLoader: crash fix-ups, usage in the ledger, --max-cost. */
class AgentSessionTest {
    @TempDir
    Path tmp;

    private TestRepo repo() {
        TestRepo repo = TestRepo.quadratic(tmp, "");
        // A non-numeric x makes the evaluation fail, as a broken edit would.
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                case "$x" in *[!0-9.-]*) echo "error: x is not a number: $x" >&2; exit 2;; esac
                awk -v x="$x" 'BEGIN { printf "loss: %.6f\\n", (x - 1.7) * (x - 1.7) }'
                """);
        repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", "backend: halving\n  max_fix_attempts: 2"));
        repo.commitAll("the halving agent");
        return repo;
    }

    @Test
    void aCrashIsShownToTheAgentWhichFixesItAsAnAttemptOfTheSameExperiment() {
        TestRepo repo = repo();
        TestRepo.Run run = repo.helix("run", "--tag", "a", "--max-experiments", "3");
        assertThat(run.code()).as(run.toString()).isZero();
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("run").asInt() + ":" + r.get("attempt").asInt() + ":" + r.get("status").asText())
                .containsExactly("0:0:baseline", "1:0:crash", "1:1:keep", "2:0:keep", "3:0:keep");
        JsonNode crash = ledger.get(1);
        assertThat(crash.get("log_tail").asText()).contains("x is not a number: crash");
        JsonNode fix = ledger.get(2);
        assertThat(fix.get("description").asText()).isEqualTo("fix the crash: x = 3.0");
        assertThat(fix.get("parent").asText()).isEqualTo(crash.get("commit").asText());
        assertThat(repo.git("rev-parse", "refs/helix/a/1-fix1")).isEqualTo(fix.get("commit").asText());
        assertThat(fix.get("agent").get("cost_usd").asDouble()).isEqualTo(0.25);
        assertThat(fix.get("agent").get("tokens_in").asInt()).isEqualTo(100);
        assertThat(run.json().get("data").get("experiments").asInt()).isEqualTo(3);
    }

    @Test
    void maxCostStopsTheSessionOnceTheReportedSpendIsReached() {
        TestRepo repo = repo();
        TestRepo.Run run = repo.helix("run", "--tag", "c", "--max-cost", "0.6");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.json().get("data").get("stop_reason").asText()).isEqualTo("reached --max-cost");
        double spent = repo.ledger().stream().filter(r -> r.get("agent").isObject())
                .mapToDouble(r -> r.get("agent").get("cost_usd").asDouble()).sum();
        assertThat(spent).isEqualTo(0.75);
        TestRepo.Run status = repo.helix("status");
        assertThat(status.json().get("data").get("cost_usd").asDouble()).isEqualTo(0.75);
    }
}
