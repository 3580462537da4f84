package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.agents.opencode.ScriptedChat;
import dev.helix.adapters.testing.AgentClis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole {@code helix run --backend opencode}: Helix as its own process (so the key lives only in
 * its environment), the real OpenCode CLI as the agent, a scripted model on 127.0.0.1 that first
 * improves the metric twice and then makes it worse.
 */
class OpencodeSessionTest {
    private static final String KEY = "sk-test-SECRET-0123456789";

    @TempDir
    Path tmp;

    @Test
    void threeExperimentsAreKeptOrDiscardedWithTheAgentsDescriptionsAndTokensAndTheKeyIsNowhere() throws Exception {
        Path cli = AgentClis.require("opencode");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
        try (ScriptedChat chat = ScriptedChat.start(List.of(
                new ScriptedChat.Turn("params.txt", "x = 3.0\nwidth = 3\n",
                        "Move x from 4.0 to 3.0\nHypothesis: the parabola's minimum lies below 4"),
                new ScriptedChat.Turn("params.txt", "x = 2.0\nwidth = 3\n",
                        "Move x to 2.0\nHypothesis: the loss fell when x fell, so keep going"),
                new ScriptedChat.Turn("params.txt", "x = 0.1\nwidth = 3\n",
                        "Jump x to 0.1\nHypothesis: maybe the minimum is near zero")))) {
            String spec = repo.read("helix.yaml");
            repo.write("helix.yaml", spec.substring(0, spec.indexOf("agent:")) + """
                    agent:
                      backend: opencode
                      model: scripted-coder
                      base_url: %s
                      api_key_env: HELIX_TEST_OPENCODE_KEY
                      timeout_seconds: 60
                      max_turns: 10
                    """.formatted(chat.baseUrl()));
            repo.commitAll("let opencode propose");

            Path output = tmp.resolve("helix-output.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.helix.cli.Main",
                    "-C", repo.dir.toString(), "--text", "run", "--tag", "oc", "--backend", "opencode", "--max-experiments", "3")
                    .redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().put("PATH", cli.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
            pb.environment().put("HELIX_TEST_OPENCODE_KEY", KEY);
            pb.environment().put("HOME", Files.createDirectories(tmp.resolve("home")).toString());
            Process helix = pb.start();
            boolean ended = helix.waitFor(150, TimeUnit.SECONDS);
            if (!ended) helix.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            String log = Files.readString(output);
            assertThat(ended).as(log).isTrue();
            assertThat(helix.exitValue()).as(log).isZero();

            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).as(log).extracting(r -> r.get("status").asText())
                    .containsExactly("baseline", "keep", "keep", "discard");
            assertThat(ledger.subList(1, 4)).extracting(r -> r.get("description").asText())
                    .containsExactly("Move x from 4.0 to 3.0", "Move x to 2.0", "Jump x to 0.1");
            assertThat(ledger.get(2).get("hypothesis").asText()).isEqualTo("the loss fell when x fell, so keep going");
            for (JsonNode r : ledger.subList(1, 4)) {
                JsonNode agent = r.get("agent");
                assertThat(agent.get("backend").asText()).isEqualTo("opencode");
                assertThat(agent.get("model").asText()).isEqualTo("scripted-coder");
                assertThat(agent.get("tokens_in").asLong()).isEqualTo(2L * ScriptedChat.PROMPT_TOKENS);
                assertThat(agent.get("tokens_out").asLong()).isEqualTo(2L * ScriptedChat.COMPLETION_TOKENS);
            }
            assertThat(ledger.get(2).get("primary").asDouble()).isCloseTo(0.09, org.assertj.core.data.Offset.offset(1e-6));

            // the session branch holds the best code; the user's branch is untouched
            assertThat(repo.git("show", "helix/oc:params.txt")).startsWith("x = 2.0");
            assertThat(repo.read("params.txt")).startsWith("x = 4.0");
            assertThat(repo.dir.resolve(".helix/runs/oc/1.agent.log")).exists();
            assertThat(chat.proposals()).isEqualTo(3);
            assertThat(chat.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));

            assertThat(log).doesNotContain(KEY);
            try (Stream<Path> files = Files.walk(repo.dir.resolve(".helix"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
                }
            }
            assertThat(repo.git("log", "-p", "--all")).doesNotContain(KEY);
        }
    }
}
