package dev.helix.adapters.agents.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.agents.CliAgent;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgentBackend;
import dev.helix.core.port.AgentBackend.Unready;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code gemini}: Google's Gemini CLI ({@code @google/gemini-cli}), run headless in the worktree,
 * allowed to read and edit files only:
 * <pre>
 * gemini --prompt "Do the experiment described above ..." --output-format json --approval-mode auto_edit
 *        [--model agent.model] [agent.extra_args...]          (the prompt itself on stdin)
 * </pre>
 * with a fresh temporary HOME (so no user settings, credentials, extensions or history are read)
 * holding {@code .gemini/settings.json}: Gemini API key auth, folder trust off (the worktree is
 * trusted, so auto_edit is not downgraded), usage statistics, telemetry, auto update and
 * checkpointing off, {@code model.maxSessionTurns} = agent.max_turns, {@code general.maxAttempts}
 * bounded, and {@code tools.core} limited to reading and editing files: no shell (so no evaluation,
 * no git), no web fetch or search, no sub-agents. The environment adds GEMINI_API_KEY (from
 * agent.api_key_env's variable), GOOGLE_GEMINI_BASE_URL (agent.base_url), HOME and GEMINI_CLI_HOME
 * and TMPDIR (the temporary dir), GEMINI_CLI_NO_RELAUNCH, GEMINI_TELEMETRY_ENABLED=false,
 * GEMINI_CLI_TRUST_WORKSPACE, NO_COLOR and NO_BROWSER. What it prints is read by {@link GeminiOutput}.
 */
public final class GeminiBackend extends CliAgentBackend {
    public static final String NAME = "gemini";
    static final String EXECUTABLE = "gemini";
    static final String INSTALL = "npm install -g @google/gemini-cli";
    static final String DEFAULT_KEY_ENV = "GEMINI_API_KEY";
    /** The read and edit tools the agent may use; everything else (shell, web, memory, agents) is left out. */
    static final List<String> TOOLS = List.of("list_directory", "read_file", "read_many_files", "glob",
            "grep_search", "replace", "write_file");
    /** A 429 or 5xx is retried this often by the CLI before the proposal fails (the CLI's default is 10, minutes). */
    static final int MAX_ATTEMPTS = 3;
    static final String TRAILER = "Do the experiment described above now: edit the files, then answer as asked.";
    private static final ObjectMapper JSON = new ObjectMapper();

    public GeminiBackend() {
        super(agent(MAX_ATTEMPTS));
    }

    /** The Gemini CLI, retrying a failed model request up to {@code maxAttempts} times. */
    static CliAgent agent(int maxAttempts) {
        return new CliAgent(NAME,
                new CliAgent.Executable(EXECUTABLE, INSTALL, env -> "Gemini CLI not found ('" + EXECUTABLE + "' is not on PATH)",
                        Optional.empty(), Optional.empty(), List.of()),
                new CliAgent.KeyVariable(DEFAULT_KEY_ENV,
                        (spec, keyEnv) -> new Unready(keyEnv + " is not set (the Gemini API key)",
                                "export " + keyEnv + "=<your Gemini API key>; Helix passes it to the CLI as GEMINI_API_KEY"
                                        + " and never stores it"),
                        Optional.of(keyEnv -> keyEnv + " is not set: the gemini backend needs a Gemini API key"), true),
                spec -> List.of(),
                new CliAgent.Setup(run -> Optional.of(home(run.agent(), maxAttempts)),
                        (run, e) -> unstarted(run.executable(), e), true),
                new CliAgent.Launch(run -> command(run.executable(), run.agent()), GeminiBackend::environment,
                        GeminiBackend::unstarted, 4 << 20, Duration.ofSeconds(3)),
                new CliAgent.Output(GeminiOutput::reading, text -> "gemini's final message has no description (expected "
                        + "a one-line description, then \"Hypothesis: ...\")"),
                new CliAgent.Transcript(GeminiTranscript::text, true));
    }

    static List<String> command(Path gemini, Spec.AgentSpec agent) {
        List<String> command = new ArrayList<>(List.of(gemini.toString(), "--prompt", TRAILER,
                "--output-format", "json", "--approval-mode", "auto_edit"));
        agent.model().map(String::strip).filter(m -> !m.isEmpty()).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(agent.extraArgs());
        return command;
    }

    private static String unstarted(Path gemini, IOException e) {
        return "could not start the Gemini CLI (" + gemini + "): " + e.getMessage() + "; install it with " + INSTALL;
    }

    /** A temporary HOME holding the settings; removed again when it cannot be completed. */
    private static Path home(Spec.AgentSpec agent, int maxAttempts) throws IOException {
        Path home = Files.createTempDirectory("helix-gemini-");
        try {
            Path settings = home.resolve(".gemini").resolve("settings.json");
            Files.createDirectories(settings.getParent());
            Files.createDirectories(home.resolve("tmp"));
            Files.writeString(settings, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(settings(agent, maxAttempts)));
            return home;
        } catch (IOException e) {
            CliAgent.Setup.remove(home);
            throw e;
        }
    }

    static ObjectNode settings(Spec.AgentSpec agent, int maxAttempts) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode security = root.putObject("security");
        security.putObject("auth").put("selectedType", "gemini-api-key");
        security.putObject("folderTrust").put("enabled", false);
        root.putObject("privacy").put("usageStatisticsEnabled", false);
        root.putObject("telemetry").put("enabled", false).put("logPrompts", false);
        ObjectNode general = root.putObject("general");
        general.put("enableAutoUpdate", false).put("enableAutoUpdateNotification", false).put("maxAttempts", maxAttempts);
        general.putObject("checkpointing").put("enabled", false);
        root.putObject("ide").put("enabled", false);
        if (agent.maxTurns() > 0) root.putObject("model").put("maxSessionTurns", agent.maxTurns());
        TOOLS.forEach(root.putObject("tools").putArray("core")::add);
        return root;
    }

    static Map<String, String> environment(Run run) {
        Path home = run.home().orElseThrow();
        Map<String, String> env = new LinkedHashMap<>();
        String path = run.context().env().get("PATH");
        if (path != null) env.put("PATH", path);
        env.put("GEMINI_API_KEY", run.key().orElseThrow());
        run.agent().baseUrl().map(String::strip).filter(u -> !u.isEmpty())
                .ifPresent(u -> env.put("GOOGLE_GEMINI_BASE_URL", u.replaceAll("/+$", "")));
        env.put("HOME", home.toString());
        env.put("GEMINI_CLI_HOME", home.toString());
        env.put("TMPDIR", home.resolve("tmp").toString());
        env.put("GEMINI_CLI_NO_RELAUNCH", "true");
        env.put("GEMINI_TELEMETRY_ENABLED", "false");
        env.put("GEMINI_CLI_TRUST_WORKSPACE", "true");
        env.put("NO_COLOR", "1");
        env.put("NO_BROWSER", "true");
        return env;
    }
}
