package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proposal cut by --max-time after some of its requests were answered: the interrupted record
 * carries what those requests reported, and --max-cost and --max-tokens count it.
 */
@Timeout(180)
class CutProposalSpendTest {
    @TempDir
    Path tmp;

    @Test
    void theTokensOfTheRequestsAnsweredBeforeTheDeadlineAreRecordedOnTheInterruptedExperimentAndCounted() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger requests = new AtomicInteger();
        // the first answer's edit does not apply (x = 9.9 is not in params.txt), so a follow-up is asked: it hangs
        try (ScriptedServer server = ScriptedServer.start(ex -> {
            if (requests.incrementAndGet() == 1) {
                HttpSessionTest.stream(ex, HttpSessionTest.reply("Move x to 3", "closer to 1.7", "9.9", "3.0"), 100_000, 10_000);
                return;
            }
            try {
                release.await(150, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            try {
                TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                          backend: openai
                          model: my-finetune
                          base_url: %s/v1
                          timeout_seconds: 300
                          price: {input_per_mtok: 1, output_per_mtok: 2}
                        """.formatted(server.baseUrl()));

                // the deadline must come after the baseline and both requests, seconds on a busy machine: the second holds for minutes
                TestRepo.Run run = repo.helix("--json", "run", "--tag", "c", "--max-time", "40s");

                assertThat(run.code()).as("%s", run).isZero();
                JsonNode data = run.json().get("data");
                assertThat(data.get("stop_reason").asText()).isEqualTo("reached --max-time");
                assertThat(server.requests()).hasSize(2);
                List<JsonNode> ledger = repo.ledger();
                assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "interrupted");
                JsonNode agent = ledger.get(1).get("agent");
                assertThat(agent.get("tokens_in").asLong()).isEqualTo(100_000);
                assertThat(agent.get("tokens_out").asLong()).isEqualTo(10_000);
                assertThat(agent.get("cost_usd").asDouble()).isCloseTo(0.12, within(1e-9));
                assertThat(data.get("spend").get("tokens").asLong()).isEqualTo(110_000);

                TestRepo.Run capped = repo.helix("--json", "run", "--resume", "--tag", "c", "--max-cost", "0.12", "--max-time", "5m");
                assertThat(capped.json().get("data").get("stop_reason").asText()).as("%s", capped).isEqualTo("reached --max-cost");
                TestRepo.Run tokens = repo.helix("--json", "run", "--resume", "--tag", "c", "--max-tokens", "110000", "--max-cost", "100",
                        "--max-time", "5m");
                assertThat(tokens.json().get("data").get("stop_reason").asText()).as("%s", tokens).isEqualTo("reached --max-tokens");
                assertThat(server.requests()).hasSize(2); // neither resume asked the model again
            } finally {
                release.countDown();
            }
        }
    }
}
