package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.agents.gemini.ScriptedGemini;
import dev.helix.adapters.agents.gemini.ScriptedGemini.Step;
import dev.helix.adapters.testing.AgentClis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code helix run --backend gemini}, as a user runs it: Helix in its own JVM with the key in its
 * environment, the real Gemini CLI from npm editing the worktree, a scripted Gemini API on
 * 127.0.0.1 whose first idea helps, second hurts and third helps again.
 */
@Timeout(120)
class GeminiSessionTest {
    static final String KEY = "AIza-test-SECRET-0123456789";
    private static final Pattern EXPERIMENT = Pattern.compile("# Helix experiment (\\d+) of session");

    /** What the scripted model proposes for each experiment: x, and why. */
    static final Map<Integer, String[]> IDEAS = Map.of(
            1, new String[] {"2.0", "Move x from 4.0 to 2.0", "the minimum is below 4, so a smaller x lowers the loss"},
            2, new String[] {"3.0", "Try x = 3.0 instead", "the curve may be flatter near 3"},
            3, new String[] {"1.8", "Move x a little further down, to 1.8", "2.0 helped, so the minimum is lower still"});

    @TempDir
    Path tmp;

    @Test
    void aSessionKeepsWhatHelpsRevertsWhatHurtsAndRecordsTheAgentsWordsAndTokens() throws Exception {
        Path cli = AgentClis.require("gemini");
        try (ScriptedGemini gemini = ScriptedGemini.start(GeminiSessionTest::step)) {
            TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "");
            repo.write("helix.yaml", repo.read("helix.yaml").replace("backend: tune", """
                    backend: tune
                      model: gemini-2.5-pro
                      base_url: %s
                      timeout_seconds: 60
                      max_turns: 10""".formatted(gemini.baseUrl())));
            repo.commitAll("a gemini agent");

            Process helix = helix(repo, cli, "run", "--backend", "gemini", "--tag", "g", "--max-experiments", "3");
            assertThat(helix.waitFor(100, TimeUnit.SECONDS)).as("helix run finishes").isTrue();
            String output = Files.readString(tmp.resolve("helix-output.log"));
            assertThat(helix.exitValue()).as(output).isZero();

            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).as(output).extracting(r -> r.get("run").asInt() + ":" + r.get("status").asText())
                    .containsExactly("0:baseline", "1:keep", "2:discard", "3:keep");
            for (int run = 1; run <= 3; run++) {
                JsonNode r = ledger.get(run);
                assertThat(r.get("description").asText()).isEqualTo(IDEAS.get(run)[1]);
                assertThat(r.get("hypothesis").asText()).isEqualTo(IDEAS.get(run)[2]);
                JsonNode agent = r.get("agent");
                assertThat(agent.get("backend").asText()).isEqualTo("gemini");
                assertThat(agent.get("model").asText()).isEqualTo("gemini-2.5-pro");
                assertThat(agent.get("turns").asInt()).as("read, edit, answer").isEqualTo(3);
                assertThat(agent.get("tokens_in").asLong()).isEqualTo(3 * ScriptedGemini.PROMPT_TOKENS);
                assertThat(agent.get("tokens_out").asLong()).isEqualTo(3 * ScriptedGemini.OUTPUT_TOKENS);
                assertThat(repo.dir.resolve(".helix/runs/g/" + run + ".agent.log")).exists();
            }
            assertThat(ledger.get(3).get("primary").asDouble()).isEqualTo(0.01, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(gemini.turns()).hasSize(9);

            // The branch holds the best code, with the ledger on top; the user's copy is untouched.
            assertThat(repo.git("rev-parse", "helix/g^")).isEqualTo(ledger.get(3).get("commit").asText());
            assertThat(repo.git("show", "helix/g:params.txt")).startsWith("x = 1.8");
            assertThat(repo.git("log", "--format=%s", "helix/g")).contains("Move x a little further down, to 1.8");
            assertThat(repo.read("params.txt")).startsWith("x = 4.0");

            // The key reached the API, and nothing Helix keeps.
            assertThat(gemini.turns()).extracting(t -> t.header("x-goog-api-key")).containsOnly(KEY);
            try (Stream<Path> files = Files.walk(repo.dir.resolve(".helix"))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(KEY);
                }
            }
            assertThat(repo.git("log", "-p", "--all")).doesNotContain(KEY);
            assertThat(output).doesNotContain(KEY);
        }
    }

    static Step step(String conversation) {
        Matcher m = EXPERIMENT.matcher(conversation);
        int experiment = m.find() ? Integer.parseInt(m.group(1)) : 0;
        String[] idea = IDEAS.getOrDefault(experiment, new String[] {"4.0", "Leave x alone", "nothing to try"});
        return new Step("params.txt", text -> text.replaceFirst("x = [-0-9.eE+]+", "x = " + idea[0]),
                idea[1] + "\nHypothesis: " + idea[2]);
    }

    /** Helix in a JVM of its own, with the CLI on PATH and the key in the environment. */
    private Process helix(TestRepo repo, Path cli, String... args) throws Exception {
        ProcessBuilder pb = repo.helixProcess(tmp.resolve("helix-output.log"), args);
        pb.environment().put("PATH", cli.getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("GEMINI_API_KEY", KEY);
        return pb.start();
    }
}
