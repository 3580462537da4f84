package dev.helix.adapters.agents.opencode;

import dev.helix.adapters.agents.CliAgent;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgentBackend;
import dev.helix.adapters.agents.Excerpt;
import dev.helix.core.port.AgentBackend.Unready;
import dev.helix.core.spec.Spec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code opencode}: the OpenCode CLI ({@code npm install -g opencode-ai}) run non-interactively
 * ({@code opencode run --format json}) once per experiment in the worktree, the prompt on stdin, in
 * a sealed environment: its own config ({@link OpencodeConfig}, under {@code <logDir>/opencode/}),
 * its own HOME and XDG directories there, every update check, share, model-list fetch, plugin
 * install and foreign config turned off. With {@code agent.base_url} it talks to any
 * OpenAI-compatible server through a provider Helix declares; the key comes from the variable
 * {@code agent.api_key_env} (default OPENAI_API_KEY) and is never written. Its JSON events are
 * read by {@link OpencodeEvents}.
 */
public final class OpencodeBackend extends CliAgentBackend {
    static final String NAME = "opencode";
    static final String DEFAULT_KEY_ENV = "OPENAI_API_KEY";
    /** An explicit path to the CLI; otherwise {@code opencode} is looked up on PATH. */
    static final String BIN_ENV = "HELIX_OPENCODE_BIN";

    static final CliAgent AGENT = new CliAgent(NAME,
            new CliAgent.Executable("opencode", "npm install -g opencode-ai",
                    env -> "OpenCode CLI not found (no executable 'opencode' on PATH"
                            + (env.containsKey(BIN_ENV) ? " nor at " + BIN_ENV + "=" + env.get(BIN_ENV) : "") + ")",
                    Optional.empty(), Optional.of(BIN_ENV), List.of()),
            new CliAgent.KeyVariable(DEFAULT_KEY_ENV,
                    (spec, keyEnv) -> new Unready("the API key variable " + keyEnv + " is not set",
                            "export " + keyEnv + "=<your key>" + (spec.agent().apiKeyEnv().isEmpty()
                                    ? " (or name another variable with agent.api_key_env)" : "")),
                    Optional.of(keyEnv -> "the API key variable " + keyEnv + " is not set"), false),
            OpencodeBackend::checks,
            new CliAgent.Setup(run -> Optional.of(OpencodeConfig.prepare(home(run), run.request().spec())),
                    (run, e) -> "could not write the OpenCode configuration under " + home(run) + ": " + e.getMessage(), false),
            // OpenCode ignores SIGTERM while it works: a short grace, then SIGKILL
            new CliAgent.Launch(OpencodeBackend::command, OpencodeBackend::environment,
                    (cli, e) -> "could not start OpenCode (" + cli + "): " + e.getMessage(), 4 << 20, Duration.ofSeconds(1)),
            new CliAgent.Output(OpencodeEvents::reading, text -> "OpenCode's final message has no description line: "
                    + Excerpt.abbreviate(text, 300)),
            new CliAgent.Transcript(OpencodeBackend::transcript, false));

    public OpencodeBackend() {
        super(AGENT);
    }

    private static List<Unready> checks(Spec spec) {
        if (spec.agent().baseUrl().isPresent() && spec.agent().model().filter(m -> !m.isBlank()).isEmpty()) {
            return List.of(new Unready(spec.source() + ": agent.model is required with agent.base_url",
                    "set agent.model to the model id the server at " + spec.agent().baseUrl().get() + " serves"));
        }
        return List.of();
    }

    private static Path home(Run run) {
        return run.context().logDir().toAbsolutePath().normalize().resolve("opencode");
    }

    private static List<String> command(Run run) {
        // --dir and PWD: OpenCode takes its project from $PWD, which a child inherits from Helix, not from its cwd
        List<String> command = new ArrayList<>(List.of(run.executable().toString(), "run", "--format", "json",
                "--dir", run.worktree().toString(), "--print-logs", "--log-level", "WARN",
                "--title", "helix " + run.request().tag() + " #" + run.request().experiment()));
        OpencodeConfig.modelRef(run.agent()).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(run.agent().extraArgs());
        return command;
    }

    /** Everything OpenCode reads under the session's directory; the key goes to it through its environment only. */
    private static Map<String, String> environment(Run run) {
        Path home = run.home().orElseThrow();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PWD", run.worktree().toString());
        env.put("HOME", home.resolve("home").toString());
        env.put("XDG_CONFIG_HOME", home.resolve("xdg-config").toString());
        env.put("XDG_DATA_HOME", home.resolve("xdg-data").toString());
        env.put("XDG_CACHE_HOME", home.resolve("xdg-cache").toString());
        env.put("XDG_STATE_HOME", home.resolve("xdg-state").toString());
        env.put("OPENCODE_CONFIG", OpencodeConfig.file(home).toString());
        env.put("OPENCODE_CONFIG_CONTENT", "{}");
        env.put("OPENCODE_CONFIG_DIR", home.resolve("xdg-config").resolve("opencode").toString());
        for (String flag : List.of("OPENCODE_DISABLE_AUTOUPDATE", "OPENCODE_DISABLE_SHARE", "OPENCODE_DISABLE_MODELS_FETCH",
                "OPENCODE_DISABLE_LSP_DOWNLOAD", "OPENCODE_DISABLE_DEFAULT_PLUGINS", "OPENCODE_DISABLE_CLAUDE_CODE",
                "OPENCODE_DISABLE_EXTERNAL_SKILLS", "OPENCODE_DISABLE_PROJECT_CONFIG", "OPENCODE_DISABLE_TERMINAL_TITLE",
                "OPENCODE_PURE")) {
            env.put(flag, "1");
        }
        env.put(run.keyVariable(), run.key().orElseThrow());
        return env;
    }

    /** The command, the exit and the raw output of a run that finished. */
    private static Optional<String> transcript(CliAgent.Attempt attempt) {
        return attempt.result().map(run -> "$ " + String.join(" ", attempt.argv()) + " < prompt\n"
                + "exit: " + (run.timedOut() ? "timed out" : Integer.toString(run.exitCode())) + "\n"
                + "--- stdout (JSON events) ---\n" + run.stdout()
                + (run.stdout().endsWith("\n") || run.stdout().isEmpty() ? "" : "\n")
                + "--- stderr ---\n" + run.stderr());
    }
}
