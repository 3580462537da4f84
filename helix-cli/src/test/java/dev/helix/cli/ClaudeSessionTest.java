package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.helix.adapters.agents.claude.ScriptedAnthropic;
import dev.helix.adapters.agents.claude.ScriptedAnthropic.Turn;
import dev.helix.adapters.testing.AgentClis;
import java.io.File;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole {@code helix run --backend claude}: Helix (a child JVM, since the key and PATH come from
 * its environment) drives the real Claude Code CLI, which talks to a scripted Anthropic API on
 * 127.0.0.1 whose "model" moves x towards the minimum, then too far, then closer.
 */
@Timeout(90)
class ClaudeSessionTest {
    static final String KEY = "sk-ant-test-SECRET-0123456789";
    static final Pattern EXPERIMENT = Pattern.compile("# Helix experiment (\\d+) of session");
    static final Pattern X = Pattern.compile("x = ([-0-9.]+)");
    /** What the model sets x to in experiments 1, 2, 3: loss 0.09 (keep), 1.69 (discard), 0.01 (keep). */
    static final Map<Integer, String> PROPOSALS = Map.of(1, "2.0", 2, "3.0", 3, "1.8");

    @TempDir
    Path tmp;

    @Test
    void threeExperimentsProposedByClaudeCodeAreEvaluatedKeptOrDiscardedAndRecorded() throws Exception {
        Path claude = AgentClis.require("claude");
        try (ScriptedAnthropic api = ScriptedAnthropic.start(ClaudeSessionTest::model)) {
            TestRepo repo = repo(api);

            Process helix = helix(repo, claude, "run", "--tag", "c", "--backend", "claude", "--max-experiments", "3");
            try {
                assertThat(helix.waitFor(75, TimeUnit.SECONDS)).as("helix run finishes").isTrue();
            } finally {
                helix.descendants().forEach(ProcessHandle::destroyForcibly);
                helix.destroyForcibly();
            }
            String output = Files.readString(tmp.resolve("helix-output.log"));
            assertThat(helix.exitValue()).as(output).isZero();
            if (dev.helix.adapters.process.Sandbox.find(System.getenv()).usable()) {
                assertThat(output).contains("sandbox: bubblewrap (run.sandbox: auto)"); // Claude Code works in it
            }

            List<JsonNode> ledger = repo.ledger();
            assertThat(ledger).as(output).extracting(r -> r.get("status").asText())
                    .containsExactly("baseline", "keep", "discard", "keep");
            assertThat(ledger).extracting(r -> r.get("primary").asDouble())
                    .containsExactly(5.29, 0.09, 1.69, 0.01);
            assertThat(ledger.subList(1, 4)).extracting(r -> r.get("description").asText())
                    .containsExactly("Set x to 2.0", "Set x to 3.0", "Set x to 1.8");
            assertThat(ledger.subList(1, 4)).extracting(r -> r.get("hypothesis").asText())
                    .allSatisfy(h -> assertThat(h).isEqualTo("the minimum of the parabola is near 1.7"));
            long perTurnIn = ScriptedAnthropic.INPUT_TOKENS + ScriptedAnthropic.CACHE_READ_TOKENS
                    + ScriptedAnthropic.CACHE_WRITE_TOKENS;
            for (JsonNode r : ledger.subList(1, 4)) {
                JsonNode agent = r.get("agent");
                assertThat(agent.get("backend").asText()).isEqualTo("claude");
                assertThat(agent.get("model").asText()).isEqualTo("claude-sonnet-4-5");
                assertThat(agent.get("tokens_in").asLong()).isEqualTo(3 * perTurnIn); // Read, Edit, answer
                assertThat(agent.get("tokens_out").asLong()).isEqualTo(3 * ScriptedAnthropic.OUTPUT_TOKENS);
                assertThat(agent.get("cost_usd").asDouble()).isPositive();
                assertThat(agent.get("turns").asInt()).isEqualTo(3);
            }

            // the branch: the best code, then the ledger
            assertThat(repo.git("show", "helix/c^:params.txt")).isEqualTo("x = 1.8\nwidth = 3");
            assertThat(repo.git("rev-parse", "helix/c^")).isEqualTo(ledger.get(3).get("commit").asText());
            assertThat(repo.git("log", "--format=%s", "helix/c")).contains("helix(c#1): Set x to 2.0", "helix(c#3): Set x to 1.8");
            assertThat(repo.read("params.txt")).isEqualTo("x = 4.0\nwidth = 3\n");
            assertThat(Files.exists(repo.dir.resolve(".helix/runs/c/1.agent.log"))).isTrue();

            // the key reached the API and nothing else
            assertThat(api.requests()).isNotEmpty().allSatisfy(r -> assertThat(r.header("x-api-key")).isEqualTo(KEY));
            assertThat(filesContaining(repo.dir.resolve(".helix"), KEY)).isEmpty();
            assertThat(output).doesNotContain(KEY);
            for (String file : repo.git("ls-tree", "-r", "--name-only", "helix/c").lines().toList()) {
                assertThat(repo.git("show", "helix/c:" + file)).as(file).doesNotContain(KEY);
            }
            assertThat(repo.git("log", "--format=%B", "helix/c")).doesNotContain(KEY);
        }
    }

    /** The scripted model: read params.txt, set x to this experiment's value, say so. */
    static Turn model(ScriptedAnthropic.Conversation c) {
        Matcher n = EXPERIMENT.matcher(c.prompt());
        if (!n.find()) return new Turn.Text("I do not know which experiment this is");
        String target = PROPOSALS.getOrDefault(Integer.parseInt(n.group(1)), "1.7");
        String path = c.workingDirectory() + "/params.txt";
        if (!c.called("Read")) return new Turn.ToolUse("Read", Map.of("file_path", path));
        if (!c.called("Edit")) {
            String read = c.calls().stream().filter(t -> t.name().equals("Read")).findFirst().orElseThrow().result();
            Matcher x = X.matcher(read);
            if (!x.find()) return new Turn.Text("params.txt has no x");
            return new Turn.ToolUse("Edit", Map.of("file_path", path, "old_string", "x = " + x.group(1),
                    "new_string", "x = " + target));
        }
        return new Turn.Text("Set x to " + target + "\nHypothesis: the minimum of the parabola is near 1.7");
    }

    private TestRepo repo(ScriptedAnthropic api) {
        TestRepo repo = TestRepo.withAgent(tmp.resolve("repo"), """
                  backend: claude
                  model: claude-sonnet-4-5
                  max_turns: 10
                  timeout_seconds: 30
                  base_url: %s
                """.formatted(api.baseUrl()));
        return repo;
    }

    /** Helix in a child JVM whose environment has the CLI on PATH, a fresh HOME and the key. */
    private Process helix(TestRepo repo, Path claude, String... args) throws Exception {
        ProcessBuilder pb = repo.helixProcess(tmp.resolve("helix-output.log"), args);
        Path home = Files.createDirectories(tmp.resolve("home"));
        pb.environment().put("PATH", claude.getParent() + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("ANTHROPIC_API_KEY", KEY);
        return pb.start();
    }

    private static List<Path> filesContaining(Path dir, String secret) throws Exception {
        byte[] needle = secret.getBytes(StandardCharsets.UTF_8);
        List<Path> found = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)
                        .contains(new String(needle, StandardCharsets.ISO_8859_1))) {
                    found.add(f);
                }
            }
        }
        return found;
    }
}
