package dev.helix.adapters.agents.codex;

import dev.helix.adapters.agents.CliAgent;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgentBackend;
import dev.helix.core.port.AgentBackend.Unready;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code codex}: OpenAI's Codex CLI ({@code npm install -g @openai/codex}) edits the worktree,
 * run per experiment as
 * <pre>
 *   codex exec --json --ephemeral --skip-git-repo-check --sandbox workspace-write --cd WORKTREE
 *              [--model agent.model] [agent.extra_args...] -
 * </pre>
 * with the prompt on stdin and CODEX_HOME set to the session's own directory
 * ({@code .helix/runs/<tag>/codex-home}, holding the config of {@link CodexConfig}): it talks to the
 * model provider of agent.base_url (default OpenAI), and reads the key itself from the variable
 * agent.api_key_env (default OPENAI_API_KEY). Its JSON events are read by {@link CodexEvents}; the
 * whole exchange, redacted, is appended to {@code <run>.agent.log}.
 */
public final class CodexBackend extends CliAgentBackend {
    static final String NAME = "codex";
    static final String INSTALL = "npm install -g @openai/codex";

    static final CliAgent AGENT = new CliAgent(NAME,
            new CliAgent.Executable("codex", INSTALL, env -> "Codex CLI not found",
                    Optional.of("Codex CLI not found on PATH: " + INSTALL), Optional.empty(), List.of()),
            new CliAgent.KeyVariable(CodexConfig.DEFAULT_KEY_ENV,
                    (spec, keyEnv) -> new Unready(keyEnv + " is not set (the codex backend's API key variable)",
                            "export " + keyEnv + "=<your key>, or name another variable with agent.api_key_env"),
                    Optional.empty(), false),
            spec -> List.of(),
            new CliAgent.Setup(CodexBackend::writeConfig,
                    (run, e) -> "could not write the codex config in " + home(run) + ": " + e.getMessage(), false),
            new CliAgent.Launch(run -> command(run.executable(), run.agent(), run.worktree(), run.context().confinement().confines()),
                    CodexBackend::environment,
                    (codex, e) -> "could not start codex (" + codex + "): " + e.getMessage(), 4 << 20, Duration.ofSeconds(3)),
            new CliAgent.Output(CodexEvents::reading, text -> "codex's final message has no description line"),
            new CliAgent.Transcript(CodexBackend::transcript, true));

    public CodexBackend() {
        super(AGENT);
    }

    static List<String> command(Path codex, Spec.AgentSpec agent, Path worktree) {
        return command(codex, agent, worktree, false);
    }

    /**
     * With {@code confined}, Helix's sandbox is codex's: it already holds codex to the worktree, and
     * codex's own (workspace-write) inside it uses the system's bubblewrap, which before 0.9 (no
     * --argv0) needs helper links in CODEX_HOME that codex refuses to make under the temporary
     * directory, so that every edit of a repository under /tmp would fail.
     */
    static List<String> command(Path codex, Spec.AgentSpec agent, Path worktree, boolean confined) {
        List<String> command = new ArrayList<>(List.of(codex.toString(), "exec", "--json", "--ephemeral",
                "--skip-git-repo-check", "--sandbox", confined ? "danger-full-access" : "workspace-write", "--cd", worktree.toString()));
        agent.model().map(String::strip).filter(m -> !m.isEmpty()).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(agent.extraArgs());
        command.add("-"); // the prompt: read from stdin
        return command;
    }

    private static Path home(Run run) {
        return run.context().logDir().resolve("codex-home");
    }

    private static Optional<Path> writeConfig(Run run) throws IOException {
        Path home = home(run);
        Files.createDirectories(home);
        // Rewritten each time: a session resumed after a Helix upgrade gets the current settings.
        Files.writeString(home.resolve("config.toml"), CodexConfig.toml(run.agent()), StandardCharsets.UTF_8);
        return Optional.of(home);
    }

    private static Map<String, String> environment(Run run) {
        Map<String, String> env = new HashMap<>(run.context().env());
        Path home = run.home().orElseThrow().toAbsolutePath();
        env.put("CODEX_HOME", home.toString());
        temporaryDirectory(home, env).ifPresent(tmp -> env.put("TMPDIR", tmp.toString()));
        env.put("OTEL_SDK_DISABLED", "true");
        env.put("NO_COLOR", "1");
        env.put("HELIX_EXPERIMENT", Integer.toString(run.request().experiment()));
        env.put("HELIX_TAG", String.valueOf(run.request().tag()));
        return env;
    }

    /**
     * A temporary directory outside CODEX_HOME, where CODEX_HOME lies under the temporary directory
     * codex would use (a repository under /tmp). There codex refuses to create the helper it runs
     * its shell commands and patches through when the system has bubblewrap ("Refusing to create
     * helper binaries under temporary dir"), and every edit of the agent then fails.
     */
    static Optional<Path> temporaryDirectory(Path home, Map<String, String> env) {
        String tmp = env.getOrDefault("TMPDIR", "");
        Path temporary = Path.of(tmp.isBlank() ? "/tmp" : tmp).toAbsolutePath().normalize();
        if (!home.normalize().startsWith(temporary)) return Optional.empty();
        Path own = home.resolveSibling("codex-tmp");
        try {
            Files.createDirectories(own);
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(own);
    }

    /** The command, the prompt, stdout and stderr of a run that finished (a fix-up attempt adds to the same file). */
    private static Optional<String> transcript(CliAgent.Attempt attempt) {
        return attempt.result().map(run -> "=== codex, experiment " + attempt.run().request().experiment() + ", "
                + Instant.now() + "\n"
                + "$ " + String.join(" ", attempt.argv()) + "\n"
                + "--- prompt (stdin)\n" + attempt.prompt() + (attempt.prompt().endsWith("\n") ? "" : "\n")
                + "--- stdout (exit " + (run.timedOut() ? "none: timed out" : run.exitCode()) + ")\n" + run.stdout()
                + (run.stdout().endsWith("\n") || run.stdout().isEmpty() ? "" : "\n")
                + "--- stderr\n" + run.stderr() + (run.stderr().endsWith("\n") || run.stderr().isEmpty() ? "" : "\n"));
    }
}
