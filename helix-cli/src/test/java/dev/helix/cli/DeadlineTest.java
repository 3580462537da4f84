package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --max-time is a deadline: an evaluation or a proposal still running when it passes is cut (its
 * processes killed, the experiment recorded interrupted) and the session ends as having reached
 * --max-time; --resume goes on from there.
 */
@Timeout(240)
class DeadlineTest {
    /** Far longer than the deadline and the test's own bound: only a cut ends it in time. */
    private static final int SLOW_SECONDS = 600;
    /**
     * The session's --max-time: the baseline must be measured before it, which takes a JVM, git and
     * an evaluation, seconds on a busy machine; still far below the slow step it cuts.
     */
    private static final String DEADLINE = "45s";

    @TempDir
    Path tmp;

    @Test
    void anEvaluationStillRunningAtTheDeadlineIsCutAndResumeGoesOn() throws Exception {
        Path slow = tmp.resolve("slow");
        Files.writeString(slow, "");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        // Only the candidates are slow, and only while the marker exists: the baseline measures at once.
        repo.write("evaluate.sh", """
                #!/bin/sh
                x=$(sed -n 's/^x = //p' params.txt)
                if [ "$x" != "4.0" ] && [ -e %s ]; then sleep %d; fi
                awk -v x="$x" 'BEGIN { printf "loss: %%.6f\\n", (x - 1.7) * (x - 1.7) }'
                """.formatted(slow, SLOW_SECONDS));
        repo.write("helix.yaml", repo.read("helix.yaml").replace("timeout_seconds: 20", "timeout_seconds: " + (SLOW_SECONDS * 2)));
        repo.commitAll("slow candidates");

        long started = System.nanoTime();
        TestRepo.Run run = repo.helix("--json", "run", "--tag", "d", "--max-time", DEADLINE);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.code()).as("%s", run).isZero();
        JsonNode data = run.json().get("data");
        assertThat(data.get("stop_reason").asText()).isEqualTo("reached --max-time");
        assertThat(data.get("detail").asText()).contains("the deadline passed after " + DEADLINE, "recorded as interrupted");
        assertThat(took).isLessThan(Duration.ofSeconds(SLOW_SECONDS / 5));
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "interrupted");
        assertThat(ledger.get(1).get("reason").asText()).contains("stopped during the evaluation");

        Files.delete(slow);
        TestRepo.Run resumed = repo.helix("--json", "run", "--resume", "--tag", "d", "--max-experiments", "3", "--max-time", "5m");

        assertThat(resumed.code()).as("%s", resumed).isZero();
        assertThat(resumed.err()).contains("resumed with --max-experiments 3 (given now), --max-time 5m from now (given now)");
        assertThat(repo.ledger()).extracting(r -> r.get("run").asInt()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aProposerStillWorkingAtTheDeadlineIsCutAndTheSessionEndsOnTime() throws Exception {
        Path agent = tmp.resolve("agent.sh");
        Files.writeString(agent, "#!/bin/sh\nsleep " + SLOW_SECONDS + "\necho '{\"description\": \"too late\"}'\n");
        agent.toFile().setExecutable(true);
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), "  backend: command\n  command: " + agent
                + "\n  timeout_seconds: " + (SLOW_SECONDS * 2) + "\n");

        long started = System.nanoTime();
        TestRepo.Run run = repo.helix("--json", "run", "--tag", "a", "--max-time", DEADLINE);
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(run.code()).as("%s", run).isZero();
        assertThat(run.json().get("data").get("stop_reason").asText()).isEqualTo("reached --max-time");
        assertThat(took).isLessThan(Duration.ofSeconds(SLOW_SECONDS / 5));
        List<JsonNode> ledger = repo.ledger();
        assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "interrupted");
        assertThat(ledger.get(1).get("reason").asText()).contains("stopped while the proposer was working");
        assertThat(run.json().get("status").asText()).isEqualTo("success");
    }
}
