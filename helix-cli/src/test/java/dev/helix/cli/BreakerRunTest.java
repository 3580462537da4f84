package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.DeadPort;
import dev.helix.adapters.testing.ScriptedServer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * helix run against a model server that will not serve it: one that refuses the key every time
 * stops the session after run.max_failures requests, one that is not there after
 * run.max_outage_seconds; both exit 1 with the reason and the fix, and --resume goes on after it.
 */
@Timeout(120)
class BreakerRunTest {
    @TempDir
    Path tmp;

    @Test
    void aServerThatRefusesTheKeyStopsTheSessionAfterFiveRequestsAndResumeGoesOnOnceFixed() throws Exception {
        AtomicBoolean fixed = new AtomicBoolean();
        try (ScriptedServer server = ScriptedServer.start(ex -> {
            if (!fixed.get()) {
                ex.json(401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
            } else {
                HttpSessionTest.stream(ex, HttpSessionTest.reply("Move x to 2", "closer to 1.7", "4.0", "2.0"), 900, 40);
            }
        })) {
            TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                      backend: openai
                      model: test-model
                      base_url: %s/v1
                      timeout_seconds: 30
                    """.formatted(server.baseUrl()));

            TestRepo.Run run = repo.helix("--json", "run", "--tag", "n", "--backend", "openai", "--max-time", "10m");

            assertThat(run.code()).as("%s", run).isEqualTo(1);
            JsonNode data = run.json().get("data");
            assertThat(data.get("stop_reason").asText()).isEqualTo("the proposer keeps failing");
            String detail = data.get("detail").asText();
            assertThat(detail).contains("refused the API key (HTTP 401) 5 times in a row", "fix: check OPENAI_API_KEY",
                    "helix run --resume");
            assertThat(server.requests()).hasSize(5);
            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).extracting(r -> r.get("status").asText())
                    .containsExactly("baseline", "rejected", "rejected", "rejected", "rejected", "rejected");
            assertThat(ledger.get(5).get("reason").asText()).contains("HTTP 401", "stopped: " + detail);

            fixed.set(true);
            TestRepo.Run resumed = repo.helix("--json", "run", "--resume", "--tag", "n", "--max-experiments", "6");

            assertThat(resumed.code()).as("%s", resumed).isZero();
            assertThat(repo.ledger()).last().satisfies(r -> {
                assertThat(r.get("run").asInt()).isEqualTo(6);
                assertThat(r.get("status").asText()).isEqualTo("keep");
            });
        }
    }

    @Test
    void aServerThatIsNotThereIsWaitedForWithoutRecordsThenStopsAtTheOutageBound() throws Exception {
        try (DeadPort dead = DeadPort.open()) { // held, so no other test's server can be handed it meanwhile
            int port = dead.port();
            TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                      backend: openai
                      model: test-model
                      base_url: http://127.0.0.1:%d/v1
                      timeout_seconds: 30
                    run:
                      max_outage_seconds: 2
                    """.formatted(port));

            TestRepo.Run run = repo.helix("--json", "run", "--tag", "d", "--backend", "openai", "--max-time", "10m");

            assertThat(run.code()).as("%s", run).isEqualTo(1);
            JsonNode data = run.json().get("data");
            assertThat(data.get("stop_reason").asText()).isEqualTo("the proposer's server stayed out of reach");
            assertThat(data.get("detail").asText()).contains("nothing answers at the openai server at http://127.0.0.1:" + port,
                    "run.max_outage_seconds: 2", "fix: start the server or fix agent.base_url");
            assertThat(repo.ledger()).extracting(r -> r.get("run").asInt() + " " + r.get("status").asText())
                    .containsExactly("0 baseline", "1 rejected");
            assertThat(repo.ledger().get(1).get("reason").asText()).contains("stopped: " + data.get("detail").asText());
            assertThat(run.err() + run.out()).contains("the next experiment waits 1s (nothing recorded)");
        }
    }
}
