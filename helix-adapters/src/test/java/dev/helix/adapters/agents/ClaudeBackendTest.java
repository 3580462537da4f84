package dev.helix.adapters.agents;


import static dev.helix.adapters.agents.Fixtures.request;
import static dev.helix.adapters.agents.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.agents.claude.ScriptedAnthropic;
import dev.helix.adapters.agents.claude.ScriptedAnthropic.Turn;
import dev.helix.adapters.testing.AgentClis;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.port.Proposer.Proposal;
import dev.helix.core.secret.Secrets;
import dev.helix.core.spec.Spec;
import dev.helix.core.spec.Spec.AgentSpec;
import dev.helix.core.spec.Spec.SearchSpec;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The real Claude Code CLI, run by the claude backend against a scripted Anthropic API on 127.0.0.1. */
@Timeout(180)
class ClaudeBackendTest {
    static final String KEY = "sk-ant-test-SECRET-0123456789";
    static final String ANSWER = "Raise the learning rate to 0.02\nHypothesis: training is too slow to converge";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    Path claude;
    Path worktree;
    Path logDir;

    @BeforeEach
    void setUp() throws Exception {
        claude = AgentClis.require("claude");
        worktree = Files.createDirectories(tmp.resolve("worktree"));
        Files.writeString(worktree.resolve("train.py"), "LR = 0.01\nEPOCHS = 3\n");
        Process git = new ProcessBuilder("git", "init", "-q", worktree.toString()).redirectErrorStream(true).start();
        assertThat(git.waitFor()).isZero();
        logDir = tmp.resolve("runs");
    }

    @Test
    void editsTheFileAndReturnsTheAgentsDescriptionHypothesisTokensAndCost() throws Exception {
        try (ScriptedAnthropic api = ScriptedAnthropic.start(
                ScriptedAnthropic.editThenAnswer("train.py", "LR = 0.01", "LR = 0.02", ANSWER))) {
            Spec spec = spec(agent(api, Optional.of("claude-sonnet-4-5"), 10, 30, List.of()), new SearchSpec(List.of(), 0, 0));

            Proposal proposal = propose(spec, env(Map.of()));

            assertThat(proposal).as(describe(proposal)).isInstanceOf(Proposal.Change.class);
            Proposal.Change change = (Proposal.Change) proposal;
            assertThat(change.description()).isEqualTo("Raise the learning rate to 0.02");
            assertThat(change.hypothesis()).contains("training is too slow to converge");
            assertThat(Files.readString(worktree.resolve("train.py"))).isEqualTo("LR = 0.02\nEPOCHS = 3\n");

            // three model turns (Read, Edit, answer), each reporting fresh, cache-read and cache-written input
            long perTurnIn = ScriptedAnthropic.INPUT_TOKENS + ScriptedAnthropic.CACHE_READ_TOKENS
                    + ScriptedAnthropic.CACHE_WRITE_TOKENS;
            assertThat(change.usage().backend()).isEqualTo("claude");
            assertThat(change.usage().model()).contains("claude-sonnet-4-5");
            assertThat(change.usage().tokensIn()).contains(3 * perTurnIn);
            assertThat(change.usage().tokensOut()).contains(3 * ScriptedAnthropic.OUTPUT_TOKENS);
            assertThat(change.usage().turns()).contains(3);
            JsonNode result = resultLine(logDir.resolve("1.agent.log"));
            assertThat(change.usage().costUsd()).hasValueSatisfying(cost -> {
                assertThat(cost).isPositive();
                assertThat(cost).isEqualTo(result.path("total_cost_usd").asDouble());
            });

            // what Claude Code sent: the key, the model, the Helix prompt, and the file tools only
            List<JsonNode> turns = api.conversations();
            assertThat(turns).hasSize(3);
            assertThat(api.requests()).allSatisfy(r -> assertThat(r.header("x-api-key")).isEqualTo(KEY));
            assertThat(turns.get(0).path("model").asText()).isEqualTo("claude-sonnet-4-5");
            ScriptedAnthropic.Conversation first = ScriptedAnthropic.conversation(turns.get(0));
            assertThat(first.prompt()).contains("# Helix experiment 1 of session t", "Lower the loss.");
            assertThat(first.tools()).contains("Read", "Edit", "Write").doesNotContain("Bash", "WebFetch", "Agent");
        }
    }

    @Test
    void anApiErrorIsAFailureWithTheApisReason() throws Exception {
        try (ScriptedAnthropic api = ScriptedAnthropic.start(c -> new Turn.Raw(500, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}"))) {
            Spec spec = spec(agent(api, Optional.empty(), 10, 30, List.of()), new SearchSpec(List.of(), 0, 0));

            Proposal proposal = propose(spec, env(Map.of("CLAUDE_CODE_MAX_RETRIES", "0")));

            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) proposal).reason()).contains("Claude Code failed", "500", "Internal server error");
            assertThat(proposal.usage().costUsd()).contains(0.0);
            assertThat(Files.readString(worktree.resolve("train.py"))).isEqualTo("LR = 0.01\nEPOCHS = 3\n");
        }
    }

    @Test
    void anUnknownModelSaysWhatHappenedNotTheResultsSubtype() throws Exception {
        // Claude Code reports this as subtype "success" with is_error and api_error_status 404
        try (ScriptedAnthropic api = ScriptedAnthropic.start(c -> new Turn.Raw(404, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: claude-nope\"}}"))) {
            Spec spec = spec(agent(api, Optional.of("claude-nope"), 10, 30, List.of()), new SearchSpec(List.of(), 0, 0));

            Proposal proposal = propose(spec, env(Map.of("CLAUDE_CODE_MAX_RETRIES", "0")));

            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            Proposal.Failure failure = (Proposal.Failure) proposal;
            assertThat(failure.reason()).as(failure.reason())
                    .contains("Claude Code failed: the model API answered HTTP 404", "check agent.model")
                    .doesNotContain("success");
            assertThat(failure.fault()).hasValueSatisfying(f -> assertThat(f.kind()).isEqualTo(Proposer.Fault.Kind.NOT_FOUND));
        }
    }

    @Test
    void aServerThatKeepsFailingIsStoppedAtTheAgentTimeout() throws Exception {
        // Claude Code retries a 500 for minutes with backoff: agent.timeout_seconds bounds it
        try (ScriptedAnthropic api = ScriptedAnthropic.start(c -> new Turn.Raw(500, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}"))) {
            // long enough for a slow start on a busy machine to reach the server and retry
            Spec spec = spec(agent(api, Optional.empty(), 10, 20, List.of()), new SearchSpec(List.of(), 0, 0));
            long started = System.nanoTime();

            Proposal proposal = propose(spec, env(Map.of()));

            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) proposal).reason()).contains("agent.timeout_seconds (20s)");
            // the 20 s are waited; Claude Code's minutes of retries are not
            assertThat(seconds).isBetween(19.5, 20 + 30.0);
            assertThat(api.requests()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void garbageInsteadOfAnApiAnswerIsAFailure() throws Exception {
        try (ScriptedAnthropic api = ScriptedAnthropic.start(c -> new Turn.Raw(200, "text/html", "<html>not an API</html>"))) {
            Spec spec = spec(agent(api, Optional.empty(), 10, 30, List.of()), new SearchSpec(List.of(), 0, 0));

            Proposal proposal = propose(spec, env(Map.of("CLAUDE_CODE_MAX_RETRIES", "0")));

            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) proposal).reason()).contains("Claude Code failed").containsIgnoringCase("malformed");
        }
    }

    @Test
    void reachingMaxTurnsIsAFailureThatSaysTheEditsAreDiscarded() throws Exception {
        // the script never stops editing
        Function<ScriptedAnthropic.Conversation, Turn> endless = c -> c.called("Read")
                ? new Turn.ToolUse("Edit", Map.of("file_path", c.workingDirectory() + "/train.py",
                        "old_string", "EPOCHS = " + (2 + c.calls().size()), "new_string", "EPOCHS = " + (3 + c.calls().size())))
                : new Turn.ToolUse("Read", Map.of("file_path", c.workingDirectory() + "/train.py"));
        try (ScriptedAnthropic api = ScriptedAnthropic.start(endless)) {
            Spec spec = spec(agent(api, Optional.empty(), 2, 30, List.of()), new SearchSpec(List.of(), 0, 0));

            Proposal proposal = propose(spec, env(Map.of()));

            assertThat(proposal).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) proposal).reason())
                    .contains("agent.max_turns (2)", "it had already edited 1 file, which are discarded");
            assertThat(proposal.usage().turns()).hasValueSatisfying(t -> assertThat(t).isGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void theKeyAppearsNeitherInTheTranscriptNorInAReason() throws Exception {
        // the model repeats the key back: Helix must not store it
        try (ScriptedAnthropic api = ScriptedAnthropic.start(c -> new Turn.Raw(500, "application/json",
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"bad key " + KEY + "\"}}"))) {
            Spec spec = spec(agent(api, Optional.empty(), 10, 30, List.of()), new SearchSpec(List.of(), 0, 0));
            Proposal failed = propose(spec, env(Map.of("CLAUDE_CODE_MAX_RETRIES", "0")));
            assertThat(failed).isInstanceOf(Proposal.Failure.class);
            assertThat(((Proposal.Failure) failed).reason()).doesNotContain(KEY).contains("[REDACTED:ANTHROPIC_API_KEY]");
            assertThat(Files.readString(logDir.resolve("1.agent.log"))).doesNotContain(KEY).contains("[REDACTED:");
        }
        try (ScriptedAnthropic api = ScriptedAnthropic.start(
                ScriptedAnthropic.editThenAnswer("train.py", "LR = 0.01", "LR = 0.02", "Use key " + KEY + "\nHypothesis: " + KEY))) {
            Spec spec = spec(agent(api, Optional.empty(), 10, 30, List.of()), new SearchSpec(List.of(), 0, 0));
            Proposal change = propose(spec, env(Map.of()));
            assertThat(change).as(describe(change)).isInstanceOf(Proposal.Change.class);
            assertThat(((Proposal.Change) change).description()).doesNotContain(KEY);
            assertThat(((Proposal.Change) change).hypothesis()).hasValueSatisfying(h -> assertThat(h).doesNotContain(KEY));
            assertThat(Files.readString(logDir.resolve("1.agent.log"))).doesNotContain(KEY).contains("\"type\":\"result\"");
        }
    }

    @Test
    void anInterruptKillsClaudeCodeAndIsPassedOn() throws Exception {
        // the model takes its time: Helix is stopped (Ctrl-C) meanwhile
        try (ScriptedAnthropic api = ScriptedAnthropic.start(c -> {
            try {
                Thread.sleep(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new Turn.Text(ANSWER);
        })) {
            Spec spec = spec(agent(api, Optional.empty(), 10, 120, List.of()), new SearchSpec(List.of(), 0, 0));
            java.util.concurrent.atomic.AtomicReference<Object> outcome = new java.util.concurrent.atomic.AtomicReference<>();
            Thread helix = Thread.ofPlatform().start(() -> {
                try {
                    outcome.set(propose(spec, env(Map.of())));
                } catch (InterruptedException e) {
                    outcome.set(e);
                }
            });
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (api.conversations().isEmpty() && System.nanoTime() < deadline) Thread.sleep(20);
            assertThat(api.conversations()).as("Claude Code called the model").isNotEmpty();
            List<ProcessHandle> agents = ProcessHandle.allProcesses()
                    .filter(p -> p.info().command().map(c -> c.contains("claude")).orElse(false))
                    .filter(p -> p.parent().map(q -> q.pid() == ProcessHandle.current().pid()).orElse(false))
                    .toList();
            assertThat(agents).as("the running Claude Code").isNotEmpty();

            helix.interrupt();
            helix.join(60_000); // far less than the 120 s the model and the agent's time would take

            assertThat(helix.isAlive()).isFalse();
            assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
            for (ProcessHandle agent : agents) {
                // SIGKILL was sent before the exception; the kernel needs a moment to end it
                assertThat(agent.onExit()).succeedsWithin(java.time.Duration.ofSeconds(30));
            }
        }
    }

    @Test
    void theKeyComesFromTheVariableNamedByApiKeyEnv() throws Exception {
        try (ScriptedAnthropic api = ScriptedAnthropic.start(
                ScriptedAnthropic.editThenAnswer("train.py", "LR = 0.01", "LR = 0.02", ANSWER))) {
            AgentSpec base = agent(api, Optional.empty(), 10, 30, List.of());
            AgentSpec agent = new AgentSpec("claude", base.model(), base.maxTurns(), base.maxFixAttempts(), Optional.empty(),
                    base.timeoutSeconds(), base.baseUrl(), Optional.of("MY_CLAUDE_KEY"), base.promptChars(),
                    base.historyRows(), base.maxTokens(), base.extraArgs());
            Spec spec = spec(agent, new SearchSpec(List.of(), 0, 0));
            Map<String, String> env = env(Map.of("MY_CLAUDE_KEY", "sk-ant-other-9876543210"));
            env.remove("ANTHROPIC_API_KEY");

            assertThat(new ClaudeBackend().check(spec, env)).isEmpty();
            Proposal proposal = propose(spec, env);

            assertThat(proposal).as(describe(proposal)).isInstanceOf(Proposal.Change.class);
            assertThat(api.requests()).allSatisfy(r -> assertThat(r.header("x-api-key")).isEqualTo("sk-ant-other-9876543210"));
        }
    }

    @Test
    void checkNamesTheMissingKeyVariableAndTheMissingCli() {
        Spec spec = spec(new AgentSpec("claude", Optional.empty(), 10, 2, Optional.empty(), 30),
                new SearchSpec(List.of(), 0, 0));
        ClaudeBackend backend = new ClaudeBackend();

        assertThat(backend.check(spec, env(Map.of()))).isEmpty();

        Map<String, String> noKey = env(Map.of());
        noKey.remove("ANTHROPIC_API_KEY");
        assertThat(backend.check(spec, noKey)).singleElement().satisfies(u -> {
            assertThat(u.message()).contains("ANTHROPIC_API_KEY");
            assertThat(u.suggestion()).contains("export ANTHROPIC_API_KEY=");
        });

        Map<String, String> noCli = env(Map.of());
        noCli.put("PATH", tmp.resolve("empty-bin").toString());
        assertThat(backend.check(spec, noCli)).singleElement().isEqualTo(
                new AgentBackend.Unready("Claude Code CLI not found", "npm install -g @anthropic-ai/claude-code"));
    }

    @Test
    void theBackendIsFoundByName() {
        assertThat(Backends.find("claude")).get().isInstanceOf(ClaudeBackend.class);
    }

    @Test
    void theCommandLineOffersOnlyTheFileToolsAndPassesModelTurnsAndExtraArgs() {
        AgentSpec agent = new AgentSpec("claude", Optional.of("opus"), 7, 2, Optional.empty(), 30, Optional.empty(),
                Optional.empty(), 40_000, 20, 8192, List.of("--effort", "low"));
        Spec spec = spec(agent, new SearchSpec(List.of(), 0, 0));
        assertThat(ClaudeBackend.command(Path.of("/bin/claude"), agent)).containsExactly("/bin/claude", "-p",
                "--output-format", "stream-json", "--verbose", "--permission-mode", "acceptEdits",
                "--tools", "Read,Edit,Write,MultiEdit,Glob,Grep,LS",
                "--allowedTools", "Read,Edit,Write,MultiEdit,Glob,Grep,LS",
                "--max-turns", "7", "--no-session-persistence", "--model", "opus", "--effort", "low");
    }

    @Test
    void theEnvironmentCarriesTheKeyTheBaseUrlAndEverySwitchThatKeepsClaudeCodeOffline() {
        AgentSpec agent = new AgentSpec("claude", Optional.empty(), 7, 2, Optional.empty(), 30,
                Optional.of("http://127.0.0.1:4000/v1/"), Optional.of("MY_CLAUDE_KEY"), 40_000, 20, 8192, List.of());
        Spec spec = spec(agent, new SearchSpec(List.of(), 0, 0));
        Map<String, String> helixEnv = Map.of("HOME", "/home/someone", "MY_CLAUDE_KEY", "sk-ant-other-9876543210");
        AgentBackend.Context context = new AgentBackend.Context(spec, helixEnv, logDir, s -> s);

        Map<String, String> env = ClaudeBackend.environment(new CliAgent.Run(request(spec, worktree, 4, List.of()), context,
                worktree, Path.of("/bin/claude"), "MY_CLAUDE_KEY", Optional.of("sk-ant-other-9876543210"), Optional.empty()));

        assertThat(env).containsEntry("ANTHROPIC_API_KEY", "sk-ant-other-9876543210")
                .containsEntry("ANTHROPIC_BASE_URL", "http://127.0.0.1:4000")
                .containsEntry("HOME", "/home/someone")
                .containsEntry("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1")
                .containsEntry("DISABLE_AUTOUPDATER", "1")
                .containsEntry("DISABLE_TELEMETRY", "1")
                .containsEntry("DISABLE_ERROR_REPORTING", "1")
                .containsEntry("HELIX_EXPERIMENT", "4");
    }

    // ---- helpers -------------------------------------------------------------------------------

    private Proposal propose(Spec spec, Map<String, String> env) throws InterruptedException {
        Secrets secrets = Secrets.of(env, spec.agent().apiKeyEnv().stream().toList());
        Proposer proposer = new ClaudeBackend().create(new AgentBackend.Context(spec, env, logDir, secrets));
        return proposer.propose(request(spec, worktree, 1, List.of()));
    }

    /** Helix's environment for the agent: the CLI on PATH, a fresh HOME, the key. */
    private Map<String, String> env(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", claude.getParent() + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("HOME", tmp.resolve("home").toString());
        env.put("ANTHROPIC_API_KEY", KEY);
        env.putAll(extra);
        return env;
    }

    private static AgentSpec agent(ScriptedAnthropic api, Optional<String> model, int maxTurns, int timeoutSeconds,
                                   List<String> extraArgs) {
        return new AgentSpec("claude", model, maxTurns, 2, Optional.empty(), timeoutSeconds, Optional.of(api.baseUrl()),
                Optional.empty(), AgentSpec.DEFAULT_PROMPT_CHARS, AgentSpec.DEFAULT_HISTORY_ROWS, AgentSpec.DEFAULT_MAX_TOKENS,
                extraArgs);
    }

    private static JsonNode resultLine(Path transcript) throws Exception {
        JsonNode result = null;
        for (String line : Files.readAllLines(transcript)) {
            if (line.startsWith("{\"") && line.contains("\"type\":\"result\"")) result = JSON.readTree(line);
        }
        assertThat(result).as("a result line in %s", transcript).isNotNull();
        return result;
    }

    private String describe(Proposal p) {
        try {
            return p + "\ntranscript:\n" + Files.readString(logDir.resolve("1.agent.log"));
        } catch (Exception e) {
            return p.toString();
        }
    }
}
