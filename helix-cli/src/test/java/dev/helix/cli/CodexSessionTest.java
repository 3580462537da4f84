package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.agents.codex.ScriptedResponses;
import dev.helix.adapters.testing.AgentClis;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole {@code helix run --backend codex} as a real process (so its environment can hold the
 * key): the real Codex CLI edits the session's worktree, directed by a scripted Responses API model
 * that first improves the metric, then worsens it, then improves it again.
 */
class CodexSessionTest {
    static final String KEY_ENV = "HELIX_TEST_OPENAI_KEY";
    static final String KEY = "sk-test-SECRET-0123456789";
    private static final Pattern EXPERIMENT = Pattern.compile("# Helix experiment (\\d+) of session");

    @TempDir
    Path tmp;

    @Test
    void codexProposesHelixKeepsAndDiscardsAndTheKeyStaysOutOfEveryFile() throws Exception {
        Path codex = AgentClis.require("codex");
        // loss = (x - 1.7)^2, baseline x = 4.0 (5.29): 2.0 is better, 3.5 worse, 1.8 better again
        ScriptedResponses model = new ScriptedResponses(prompt -> {
            Matcher m = EXPERIMENT.matcher(prompt);
            int experiment = m.find() ? Integer.parseInt(m.group(1)) : -1;
            return switch (experiment) {
                case 1 -> step("4.0", "2.0", "Move x down to 2.0\nHypothesis: the minimum lies below 4");
                case 2 -> step("2.0", "3.5", "Push x up to 3.5\nHypothesis: maybe the curve has a second valley");
                case 3 -> step("2.0", "1.8", "Nudge x to 1.8\nHypothesis: the minimum is a little below 2");
                default -> throw new IllegalStateException("no script for experiment " + experiment + ":\n" + prompt);
            };
        });
        try (ScriptedServer server = ScriptedServer.start(model)) {
            TestRepo repo = repo(server.baseUrl() + "/v1");

            Process helix = start(repo, codex, "run", "--backend", "codex", "--tag", "c", "--max-experiments", "3");
            boolean ended = helix.waitFor(120, TimeUnit.SECONDS);
            if (!ended) helix.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String output = Files.readString(tmp.resolve("helix-output.log"));
            assertThat(ended).as(output).isTrue();
            assertThat(helix.exitValue()).as(output).isZero();
            if (dev.helix.adapters.process.Sandbox.find(System.getenv()).usable()) {
                // in Helix's sandbox, which stands in for codex's own
                assertThat(output).contains("sandbox: bubblewrap (run.sandbox: auto)");
                assertThat(Files.readString(repo.dir.resolve(".helix/runs/c/1.agent.log"))).contains("--sandbox danger-full-access");
            }

            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).as(output).extracting(r -> r.get("status").asText())
                    .containsExactly("baseline", "keep", "discard", "keep");
            assertThat(ledger).extracting(r -> r.get("description").asText()).endsWith(
                    "Move x down to 2.0", "Push x up to 3.5", "Nudge x to 1.8");
            assertThat(ledger.get(1).get("hypothesis").asText()).isEqualTo("the minimum lies below 4");
            for (JsonNode r : ledger.subList(1, 4)) {
                JsonNode agent = r.get("agent");
                assertThat(agent.get("backend").asText()).isEqualTo("codex");
                assertThat(agent.get("model").asText()).isEqualTo("gpt-test");
                assertThat(agent.get("tokens_in").asLong()).isEqualTo(2 * ScriptedResponses.TOKENS_IN);
                assertThat(agent.get("tokens_out").asLong()).isEqualTo(2 * ScriptedResponses.TOKENS_OUT);
                assertThat(agent.get("turns").asInt()).isEqualTo(2);
                // codex reports no dollars; its model is served on 127.0.0.1 without agent.price, so it costs nothing
                assertThat(agent.get("cost_usd").asDouble()).isZero();
                assertThat(Files.readString(repo.dir.resolve(".helix/runs/c/" + r.get("run").asInt() + ".agent.log")))
                        .contains("file_change");
            }
            assertThat(ledger.get(3).get("primary").asDouble()).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-9));

            // the branch: the best experiment, with the ledger committed on top
            assertThat(repo.git("rev-parse", "helix/c^")).isEqualTo(repo.git("rev-parse", "refs/helix/c/3"));
            assertThat(repo.git("show", "helix/c:params.txt")).isEqualTo("x = 1.8\nwidth = 3");
            assertThat(repo.git("log", "-1", "--format=%s", "refs/helix/c/2")).isEqualTo("helix(c#2): Push x up to 3.5");
            assertThat(repo.read("params.txt")).as("the user's copy is untouched").isEqualTo("x = 4.0\nwidth = 3\n");

            // codex reached the model only through agent.base_url, with the key from the named variable
            assertThat(server.requests()).hasSize(6).allSatisfy(r -> {
                assertThat(r.path()).isEqualTo("/v1/responses");
                assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY);
            });
            assertNoFileHolds(repo.dir.resolve(".helix"), KEY);
            assertThat(output).doesNotContain(KEY);
        }
    }

    private static ScriptedResponses.Step step(String from, String to, String message) {
        return new ScriptedResponses.Step(ScriptedResponses.replaceLine("params.txt", "x = " + from, "x = " + to), message);
    }

    private TestRepo repo(String baseUrl) {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                  backend: codex
                  model: gpt-test
                  base_url: %s
                  api_key_env: %s
                  timeout_seconds: 60
                """.formatted(baseUrl, KEY_ENV));
        return repo;
    }

    private Process start(TestRepo repo, Path codex, String... args) throws IOException {
        ProcessBuilder pb = repo.helixProcess(tmp.resolve("helix-output.log"), args);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CODEX_") || k.startsWith("OPENAI_"));
        env.put("PATH", codex.getParent() + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
        env.put(KEY_ENV, KEY);
        return pb.start();
    }

    private static void assertNoFileHolds(Path dir, String secret) throws IOException {
        String needle = secret;
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(text.contains(needle)).as("%s holds the key", f).isFalse();
            }
        }
    }
}
