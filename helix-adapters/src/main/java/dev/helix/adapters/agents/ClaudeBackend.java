package dev.helix.adapters.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.AgentBackend.Unready;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code claude}: Anthropic's Claude Code CLI ({@code npm install -g @anthropic-ai/claude-code}),
 * run non-interactively in the worktree with the file tools only, the prompt on stdin:
 * {@code claude -p --output-format stream-json --verbose --permission-mode acceptEdits
 * --tools <file tools> --allowedTools <file tools> --max-turns N --no-session-persistence
 * [--model M] [agent.extra_args]}. No Bash: the agent can neither run the evaluation nor use git.
 * Its stream is read by {@link ClaudeStream}.
 */
public final class ClaudeBackend extends CliAgentBackend {
    static final String NAME = "claude";
    static final String DEFAULT_KEY_ENV = "ANTHROPIC_API_KEY";
    static final String INSTALL = "npm install -g @anthropic-ai/claude-code";

    /** The tools the agent gets; names this version of Claude Code does not know are ignored by it. */
    static final List<String> TOOLS = List.of("Read", "Edit", "Write", "MultiEdit", "Glob", "Grep", "LS");

    /** Claude Code's switches that keep it from calling anything but the model's API. */
    static final Map<String, String> QUIET = quiet();

    static final CliAgent AGENT = new CliAgent(NAME,
            // where npm puts it, or Claude Code's own installer (~/.claude/local)
            new CliAgent.Executable("claude", INSTALL, env -> "Claude Code CLI not found",
                    Optional.of("Claude Code CLI not found (install it with: " + INSTALL + ")"), Optional.empty(),
                    List.of(List.of(".claude", "local"))),
            new CliAgent.KeyVariable(DEFAULT_KEY_ENV,
                    (spec, keyEnv) -> new Unready(keyEnv + " is not set (Claude Code needs an Anthropic API key)",
                            "export " + keyEnv + "=<your key>"
                                    + (keyEnv.equals(DEFAULT_KEY_ENV) ? "" : " (agent.api_key_env names this variable)")),
                    Optional.of(keyEnv -> keyEnv + " is not set: Claude Code needs an Anthropic API key"), false),
            spec -> List.of(),
            CliAgent.Setup.NONE,
            new CliAgent.Launch(run -> command(run.executable(), run.agent()), ClaudeBackend::environment,
                    (claude, e) -> "could not start Claude Code (" + claude + "): " + e.getMessage(),
                    8 << 20, Duration.ofSeconds(3)),
            new CliAgent.Output(ClaudeStream::reading, text -> "Claude Code ended without a final message describing its change"),
            new CliAgent.Transcript(ClaudeBackend::transcript, false));

    public ClaudeBackend() {
        super(AGENT);
    }

    static List<String> command(Path claude, Spec.AgentSpec agent) {
        List<String> command = new ArrayList<>(List.of(claude.toString(), "-p",
                "--output-format", "stream-json", "--verbose",
                "--permission-mode", "acceptEdits",
                "--tools", String.join(",", TOOLS),
                "--allowedTools", String.join(",", TOOLS),
                "--max-turns", Integer.toString(agent.maxTurns()),
                "--no-session-persistence"));
        agent.model().filter(m -> !m.isBlank()).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(agent.extraArgs());
        return command;
    }

    /**
     * The agent's environment: Helix's own (context.env(), where a test may point HOME elsewhere),
     * the key as ANTHROPIC_API_KEY, agent.base_url as ANTHROPIC_BASE_URL, and every switch that keeps
     * Claude Code from calling anything else.
     */
    static Map<String, String> environment(Run run) {
        Map<String, String> env = new HashMap<>(run.context().env());
        env.put("ANTHROPIC_API_KEY", run.key().orElseThrow());
        // Claude Code appends /v1/messages itself: a base_url written OpenAI-style, ending in /v1, still works
        run.agent().baseUrl().filter(u -> !u.isBlank())
                .ifPresent(u -> env.put("ANTHROPIC_BASE_URL", u.strip().replaceAll("/+$", "").replaceAll("/v1$", "")));
        env.putAll(QUIET);
        env.put("HELIX_EXPERIMENT", Integer.toString(run.request().experiment()));
        env.put("HELIX_TAG", Objects.toString(run.request().tag(), ""));
        return env;
    }

    /**
     * {@code claude auth status}, in the environment a run gets (the key as ANTHROPIC_API_KEY): whether
     * Claude Code itself counts itself logged in, and with what. It asks no server.
     */
    @Override
    CliProbe.AuthCheck authCheck(Spec spec) {
        String keyEnv = AGENT.key().variable(spec);
        return (claude, env, timeout) -> {
            Map<String, String> runEnv = new HashMap<>(env);
            runEnv.put("ANTHROPIC_API_KEY", env.getOrDefault(keyEnv, ""));
            runEnv.putAll(QUIET);
            Optional<CliProbe.Answer> answer = CliProbe.run(List.of(claude.toString(), "auth", "status"), runEnv, timeout);
            if (answer.isEmpty() || answer.get().exit() != 0) return Optional.empty(); // an older Claude Code: the key alone says
            try {
                JsonNode status = new ObjectMapper().readTree(
                        answer.get().output().substring(Math.max(0, answer.get().output().indexOf('{'))));
                String method = status.path("authMethod").asText("?") + status.path("apiKeySource").asText("").transform(
                        s -> s.isEmpty() ? "" : " from " + (s.equals("ANTHROPIC_API_KEY") ? keyEnv : s));
                return Optional.of(status.path("loggedIn").asBoolean(false)
                        ? CliProbe.ok("API key", "claude auth status: logged in (" + method + ")")
                        : new AgentBackend.Probe("API key", Optional.of(false), "claude auth status: not logged in, although "
                                + keyEnv + " is set", "check the value of " + keyEnv));
            } catch (IOException e) {
                return Optional.empty();
            }
        };
    }

    /** The stream as it came, and stderr when there was any; nothing when Claude Code did not run. */
    private static Optional<String> transcript(CliAgent.Attempt attempt) {
        return attempt.result().map(r -> r.stdout() + (r.stderr().isBlank() ? "" : "\n--- stderr ---\n" + r.stderr()));
    }

    private static Map<String, String> quiet() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"); // the one that stops every side call (checked with strace)
        m.put("DISABLE_AUTOUPDATER", "1");
        m.put("DISABLE_UPDATES", "1");
        m.put("DISABLE_TELEMETRY", "1");
        m.put("DISABLE_ERROR_REPORTING", "1");
        m.put("DISABLE_BUG_COMMAND", "1");
        m.put("CLAUDE_CODE_DISABLE_FEEDBACK_SURVEY", "1");
        m.put("CLAUDE_CODE_DISABLE_TERMINAL_TITLE", "1");
        m.put("CLAUDE_CODE_IDE_SKIP_AUTO_INSTALL", "1");
        return Map.copyOf(m);
    }
}
