package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole session with the openai backend: helix run as a real process with OPENAI_API_KEY set,
 * against a local server speaking the Chat Completions API, whose model improves the metric, then
 * worsens it, then answers a broken stream.
 */
@Timeout(120)
class HttpSessionTest {
    static final String KEY = "sk-test-SECRET-0123456789";

    @TempDir
    Path tmp;

    static String reply(String description, String hypothesis, String from, String to) {
        return description + "\nHypothesis: " + hypothesis + "\n\nparams.txt\n```\n<<<<<<< SEARCH\nx = " + from
                + "\n=======\nx = " + to + "\n>>>>>>> REPLACE\n```\n";
    }

    static void stream(ScriptedServer.Exchange ex, String text, int in, int out) throws IOException {
        try (ScriptedServer.Sse sse = ex.sse()) {
            for (int i = 0; i < text.length(); i += 9) {
                String piece = text.substring(i, Math.min(text.length(), i + 9));
                sse.event(null, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
                        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":" + Output.JSON.writeValueAsString(piece) + "},\"finish_reason\":null}]}");
            }
            sse.event(null, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}");
            sse.event(null, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\","
                    + "\"choices\":[],\"usage\":{\"prompt_tokens\":" + in + ",\"completion_tokens\":" + out + ",\"total_tokens\":" + (in + out) + "}}");
            sse.event(null, "[DONE]");
        }
    }

    @Test
    void aSessionWithAModelBehindTheChatCompletionsApiKeepsDiscardsAndRejects() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        try (ScriptedServer server = ScriptedServer.start(ex -> {
            switch (requests.incrementAndGet()) {
                case 1 -> stream(ex, reply("Move x to 2", "the minimum is near 1.7", "4.0", "2.0"), 900, 40);
                case 2 -> stream(ex, reply("Move x to 3", "maybe the curve is asymmetric", "2.0", "3.0"), 950, 42);
                default -> {
                    try (ScriptedServer.Sse sse = ex.sse()) {
                        sse.event(null, "{\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Move x");
                        sse.event(null, "[DONE]");
                    }
                }
            }
        })) {
            TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                      backend: openai
                      model: test-model
                      base_url: %s/v1
                      timeout_seconds: 30
                      max_fix_attempts: 0
                    """.formatted(server.baseUrl()));

            String java = ProcessHandle.current().info().command().orElse("java");
            List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    "dev.helix.cli.Main", "-C", repo.dir.toString(), "--text", "run", "--tag", "h",
                    "--backend", "openai", "--max-experiments", "3"));
            Path output = tmp.resolve("helix-output.log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().put("OPENAI_API_KEY", KEY);
            Process helix = pb.start();
            boolean ended = helix.waitFor(90, TimeUnit.SECONDS);
            if (!ended) helix.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String out = Files.readString(output);
            assertThat(ended).as(out).isTrue();
            assertThat(helix.exitValue()).as(out).isZero();

            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).as(out).extracting(r -> r.get("status").asText())
                    .containsExactly("baseline", "keep", "discard", "rejected");
            JsonNode keep = ledger.get(1);
            assertThat(keep.get("description").asText()).isEqualTo("Move x to 2");
            assertThat(keep.get("hypothesis").asText()).isEqualTo("the minimum is near 1.7");
            assertThat(keep.get("agent").get("backend").asText()).isEqualTo("openai");
            assertThat(keep.get("agent").get("model").asText()).isEqualTo("test-model");
            assertThat(keep.get("agent").get("tokens_in").asLong()).isEqualTo(900);
            assertThat(keep.get("agent").get("tokens_out").asLong()).isEqualTo(40);
            assertThat(keep.get("agent").get("turns").asInt()).isEqualTo(1);
            assertThat(keep.get("primary").asDouble()).isCloseTo(0.09, org.assertj.core.data.Offset.offset(1e-6));
            JsonNode discard = ledger.get(2);
            assertThat(discard.get("description").asText()).isEqualTo("Move x to 3");
            assertThat(discard.get("agent").get("tokens_in").asLong()).isEqualTo(950);
            JsonNode rejected = ledger.get(3);
            assertThat(rejected.get("reason").asText()).startsWith("the proposer failed: malformed reply: ");
            assertThat(repo.git("show", "helix/h:params.txt")).startsWith("x = 2.0");

            assertThat(server.requests()).hasSize(3);
            assertThat(server.requests().get(0).header("Authorization")).isEqualTo("Bearer " + KEY);
            assertThat(server.requests().get(1).body()).contains("Move x to 2", "x = 2.0");

            assertThat(out).doesNotContain(KEY);
            try (var files = Files.walk(repo.dir.resolve(".helix"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1))
                            .as("%s", f).doesNotContain(KEY);
                }
            }
            assertThat(Files.readString(repo.dir.resolve(".helix/runs/h/1.agent.log"))).contains("Move x to 2", "x = 4.0");
        }
    }
}
