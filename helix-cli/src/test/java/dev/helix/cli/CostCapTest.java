package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * --max-cost on backends that report tokens but no dollars: priced by agent.price (or the built-in
 * table) the cap holds; on a local server it costs nothing; where no price can be known it is refused.
 */
@Timeout(120)
class CostCapTest {
    @TempDir
    Path tmp;

    /** A model server on 127.0.0.1 whose every answer moves x closer to 1.7 and reports 100000 tokens in, 10000 out. */
    private static ScriptedServer improving() throws Exception {
        List<String> xs = List.of("4.0", "3.0", "2.5", "2.0", "1.8", "1.75", "1.72");
        AtomicInteger requests = new AtomicInteger();
        return ScriptedServer.start(ex -> {
            int n = Math.min(requests.incrementAndGet(), xs.size() - 1);
            HttpSessionTest.stream(ex, HttpSessionTest.reply("Move x to " + xs.get(n), "closer to 1.7", xs.get(n - 1), xs.get(n)),
                    100_000, 10_000);
        });
    }

    @Test
    void aPricedBackendThatReportsOnlyTokensStopsOnTheCapAndShowsWhatEachKeptImprovementCost() throws Exception {
        try (ScriptedServer server = improving()) {
            TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                      backend: openai
                      model: my-finetune
                      base_url: %s/v1
                      timeout_seconds: 30
                      price: {input_per_mtok: 1, output_per_mtok: 2}
                    """.formatted(server.baseUrl()));

            TestRepo.Run run = repo.helix("--json", "run", "--tag", "p", "--max-cost", "0.3", "--max-experiments", "6");

            assertThat(run.code()).as("%s", run).isZero();
            assertThat(run.err()).contains("cost from tokens at 1 USD in / 2 USD out per million tokens (agent.price)");
            JsonNode data = run.json().get("data");
            assertThat(data.get("stop_reason").asText()).isEqualTo("reached --max-cost");
            assertThat(data.get("detail").asText()).isEqualTo("spent 0.36 USD");
            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).extracting(r -> r.get("status").asText()).containsExactly("baseline", "keep", "keep", "keep");
            assertThat(ledger.get(1).get("agent").get("cost_usd").asDouble()).isCloseTo(0.12, within(1e-9));
            JsonNode spend = data.get("spend");
            assertThat(spend.get("cost_usd").asDouble()).isCloseTo(0.36, within(1e-9));
            assertThat(spend.get("tokens").asLong()).isEqualTo(330_000);
            assertThat(spend.get("cost_per_experiment_usd").asDouble()).isCloseTo(0.12, within(1e-9));
            assertThat(spend.get("cost_per_kept_usd").asDouble()).isCloseTo(0.12, within(1e-9));

            TestRepo.Run status = repo.helix("--json", "status");
            assertThat(status.json().get("data").get("spend").get("cost_per_kept_usd").asDouble()).isCloseTo(0.12, within(1e-9));
            assertThat(repo.helix("--text", "status").out()).contains(
                    "Spent: 0.36 USD and 330000 tokens (300000 in, 30000 out); 0.12 USD per experiment, 0.12 USD per kept improvement");
            assertThat(repo.helix("--text", "report", "--tag", "p").out()).contains("0.12 USD per kept improvement");
        }
    }

    @Test
    void aModelOnThisMachineCostsNothingUnlessPricedSoTheCapIsAcceptedAndNeverReached() throws Exception {
        try (ScriptedServer server = improving()) {
            TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                      backend: openai
                      model: llama3.1:8b
                      base_url: %s/v1
                      timeout_seconds: 30
                    """.formatted(server.baseUrl()));

            TestRepo.Run run = repo.helix("--json", "run", "--tag", "l", "--max-cost", "0.01", "--max-experiments", "2");

            assertThat(run.code()).as("%s", run).isZero();
            assertThat(run.err()).contains("cost 0: the model runs at " + server.baseUrl());
            assertThat(run.json().get("data").get("stop_reason").asText()).isEqualTo("reached --max-experiments");
            assertThat(repo.ledger().get(2).get("agent").get("cost_usd").asDouble()).isZero();
        }
    }

    @Test
    void aCapOnAHostedModelWithoutAKnownPriceIsRefusedWithBothFixes() {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), "  backend: openai\n  model: my-finetune\n  base_url: https://api.example.com/v1\n");

        TestRepo.Run run = repo.helix("--json", "run", "--max-cost", "5");

        assertThat(run.code()).as("%s", run).isEqualTo(2);
        JsonNode error = run.json().get("error");
        assertThat(error.get("code").asText()).isEqualTo("cost_unknown");
        assertThat(error.get("message").asText()).contains("--max-cost cannot hold with the openai backend",
                "the model 'my-finetune' is not in the built-in price table");
        assertThat(error.get("suggestion").asText()).contains("price: {input_per_mtok: 3, output_per_mtok: 15}", "--max-tokens N");
        assertThat(repo.ledger()).isEmpty();
    }

    @Test
    void aProposerThatKeepsFailingEndsTheRunWithAnErrorEnvelopeThatStillCarriesTheStop() throws Exception {
        Path agent = tmp.resolve("agent.sh");
        java.nio.file.Files.writeString(agent, "#!/bin/sh\necho 'ideas.txt: no such file' >&2\nexit 1\n");
        agent.toFile().setExecutable(true);
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), "  backend: command\n  command: " + agent + "\n");

        TestRepo.Run run = repo.helix("--json", "run", "--tag", "f", "--max-experiments", "100");

        assertThat(run.code()).as("%s", run).isEqualTo(1);
        JsonNode envelope = run.json();
        assertThat(envelope.get("status").asText()).isEqualTo("error");
        assertThat(envelope.get("error").get("code").asText()).isEqualTo("proposer_failing");
        assertThat(envelope.get("error").get("message").asText()).startsWith("the proposer keeps failing: ").contains("ideas.txt");
        assertThat(envelope.get("error").get("suggestion").asText()).contains("helix run --resume --tag f");
        assertThat(envelope.get("data").get("stop_reason").asText()).isEqualTo("the proposer keeps failing");
        assertThat(envelope.get("data").get("rejected").asInt()).isEqualTo(5);
        assertThat(run.err()).contains("error: the proposer keeps failing: ", "  fix: fix the cause, then continue: helix run --resume --tag f");
    }
}
