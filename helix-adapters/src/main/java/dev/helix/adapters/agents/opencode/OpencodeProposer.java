package dev.helix.adapters.agents.opencode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.agents.AgentProcess;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Proposer;
import dev.helix.core.prompt.PromptBuilder;
import dev.helix.core.prompt.Reply;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs {@code opencode run --format json} once per experiment, the prompt on stdin, in a sealed
 * environment: its own config (written under {@code <logDir>/opencode/}), its own HOME and XDG
 * directories there, every update check, share, model-list fetch, plugin install and foreign
 * config turned off. The agent may read and edit files; bash, web access, sub-agents and files
 * outside the worktree are denied, so it cannot run the evaluation or git.
 */
final class OpencodeProposer implements Proposer {
    /** The provider id Helix declares for {@code agent.base_url}. */
    static final String PROVIDER = "helix";
    private static final int STDOUT_CAP = 4 << 20;
    /** OpenCode ignores SIGTERM while it works: a short grace, then SIGKILL. */
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentBackend.Context context;
    private final Path cli;

    OpencodeProposer(AgentBackend.Context context, Path cli) {
        this.context = context;
        this.cli = cli;
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long started = System.nanoTime();
        Spec.AgentSpec agent = request.spec().agent();
        Path home = context.logDir().toAbsolutePath().normalize().resolve("opencode");
        Path config;
        try {
            config = prepare(home, request.spec());
        } catch (IOException e) {
            return failure("could not write the OpenCode configuration under " + home + ": " + e.getMessage(), started, Parsed.EMPTY);
        }
        Path worktree = request.worktree().toAbsolutePath().normalize();
        // --dir and PWD: OpenCode takes its project from $PWD, which a child inherits from Helix, not from its cwd
        List<String> command = new ArrayList<>(List.of(cli.toString(), "run", "--format", "json", "--dir", worktree.toString(),
                "--print-logs", "--log-level", "WARN", "--title", "helix " + request.tag() + " #" + request.experiment()));
        modelRef(agent).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(agent.extraArgs());
        String prompt = PromptBuilder.build(request, PromptBuilder.Mode.EDIT_FILES, Map.of());

        AgentProcess.Result run;
        try {
            Map<String, String> env = environment(home, config, worktree);
            // the key goes to the child through its environment only; the config names the variable
            String keyEnv = OpencodeBackend.keyEnv(request.spec());
            String key = context.env().get(keyEnv);
            if (key == null || key.isBlank()) {
                return failure("the API key variable " + keyEnv + " is not set", started, Parsed.EMPTY);
            }
            env.put(keyEnv, key);
            run = AgentProcess.run(command, worktree, env,
                    prompt.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(agent.timeoutSeconds()), GRACE, STDOUT_CAP);
        } catch (IOException e) {
            return failure("could not start OpenCode (" + cli + "): " + e.getMessage(), started, Parsed.EMPTY);
        }
        Parsed parsed = Parsed.of(run.stdout());
        transcript(request.experiment(), command, run);

        if (run.timedOut()) {
            return failure("OpenCode timed out after " + agent.timeoutSeconds() + "s (agent.timeout_seconds)"
                    + parsed.error.or(() -> lastLogError(run.stderr())).map(e -> "; last error: " + e).orElse(""), started, parsed);
        }
        if (parsed.error.isPresent()) {
            return failure("OpenCode reported an error: " + parsed.error.get(), started, parsed);
        }
        if (run.exitCode() != 0) {
            return failure("OpenCode exited with code " + run.exitCode() + tail(run.stderr()), started, parsed);
        }
        if (parsed.finalText.isBlank()) {
            return failure("OpenCode ended without a final message" + (parsed.steps == 0
                    ? " (no JSON events on stdout)" + tail(run.stderr()) : ""), started, parsed);
        }
        Reply reply = Reply.parse(parsed.finalText);
        if (reply.description().isBlank()) {
            return failure("OpenCode's final message has no description line: " + abbreviate(parsed.finalText, 300), started, parsed);
        }
        return new Proposal.Change(context.redact().apply(reply.description()),
                reply.hypothesis().map(context.redact()), usage(started, parsed));
    }

    // ---- configuration and environment ---------------------------------------------------------

    /** The model as OpenCode names it: {@code helix/<model>} with a base URL, else agent.model as given. */
    static Optional<String> modelRef(Spec.AgentSpec agent) {
        Optional<String> model = agent.model().map(String::strip).filter(m -> !m.isEmpty());
        return agent.baseUrl().isPresent() ? model.map(m -> PROVIDER + "/" + m) : model;
    }

    /** Writes the session's config and seeds the global config dir so OpenCode installs nothing. */
    static Path prepare(Path home, Spec spec) throws IOException {
        Files.createDirectories(home);
        Path globalConfig = home.resolve("xdg-config").resolve("opencode");
        Files.createDirectories(globalConfig.resolve("node_modules"));
        // OpenCode runs `npm install @opencode-ai/plugin` in its config dirs unless the lock says it is there
        write(globalConfig.resolve("package.json"), "{\"dependencies\":{\"@opencode-ai/plugin\":\"*\"}}\n");
        write(globalConfig.resolve("package-lock.json"), "{\"packages\":{\"\":{\"dependencies\":{\"@opencode-ai/plugin\":\"*\"}}}}\n");
        write(globalConfig.resolve(".gitignore"), "node_modules\npackage.json\npackage-lock.json\nbun.lock\n.gitignore\n");
        for (String dir : List.of("home", "xdg-data", "xdg-cache", "xdg-state")) Files.createDirectories(home.resolve(dir));
        Path config = home.resolve("opencode.json");
        write(config, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(config(spec)) + "\n");
        return config;
    }

    static ObjectNode config(Spec spec) {
        Spec.AgentSpec agent = spec.agent();
        ObjectNode root = JSON.createObjectNode();
        root.put("$schema", "https://opencode.ai/config.json");
        root.put("autoupdate", false);
        root.put("share", "disabled");
        root.put("snapshot", false); // Helix owns the history of the worktree
        if (agent.baseUrl().isPresent() && agent.model().isPresent()) {
            String model = agent.model().get().strip();
            ObjectNode provider = root.putObject("provider").putObject(PROVIDER);
            provider.put("npm", "@ai-sdk/openai-compatible");
            provider.put("name", "Helix (" + agent.baseUrl().get() + ")");
            ObjectNode options = provider.putObject("options");
            options.put("baseURL", agent.baseUrl().get());
            // OpenCode substitutes the variable's value when it reads the file: the key is never written
            options.put("apiKey", "{env:" + OpencodeBackend.keyEnv(spec) + "}");
            ObjectNode m = provider.putObject("models").putObject(model);
            m.put("name", model);
            m.putObject("limit").put("context", 128_000).put("output", agent.maxTokens());
            root.put("model", PROVIDER + "/" + model);
            root.put("small_model", PROVIDER + "/" + model);
        } else {
            modelRef(agent).ifPresent(m -> root.put("model", m));
        }
        ObjectNode permission = root.putObject("permission");
        permission.put("edit", "allow");
        permission.put("read", "allow");
        for (String denied : List.of("bash", "webfetch", "websearch", "task", "external_directory", "question", "doom_loop")) {
            permission.put(denied, "deny");
        }
        root.putObject("agent").putObject("build").put("steps", Math.max(1, agent.maxTurns()));
        return root;
    }

    private static Map<String, String> environment(Path home, Path config, Path worktree) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PWD", worktree.toString());
        env.put("HOME", home.resolve("home").toString());
        env.put("XDG_CONFIG_HOME", home.resolve("xdg-config").toString());
        env.put("XDG_DATA_HOME", home.resolve("xdg-data").toString());
        env.put("XDG_CACHE_HOME", home.resolve("xdg-cache").toString());
        env.put("XDG_STATE_HOME", home.resolve("xdg-state").toString());
        env.put("OPENCODE_CONFIG", config.toString());
        env.put("OPENCODE_CONFIG_CONTENT", "{}");
        env.put("OPENCODE_CONFIG_DIR", home.resolve("xdg-config").resolve("opencode").toString());
        for (String flag : List.of("OPENCODE_DISABLE_AUTOUPDATE", "OPENCODE_DISABLE_SHARE", "OPENCODE_DISABLE_MODELS_FETCH",
                "OPENCODE_DISABLE_LSP_DOWNLOAD", "OPENCODE_DISABLE_DEFAULT_PLUGINS", "OPENCODE_DISABLE_CLAUDE_CODE",
                "OPENCODE_DISABLE_EXTERNAL_SKILLS", "OPENCODE_DISABLE_PROJECT_CONFIG", "OPENCODE_DISABLE_TERMINAL_TITLE",
                "OPENCODE_PURE")) {
            env.put(flag, "1");
        }
        return env;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    // ---- output --------------------------------------------------------------------------------

    /** What the JSON events said: the last text, tokens and cost summed over steps, the first error. */
    record Parsed(String finalText, long tokensIn, long tokensOut, double cost, int steps, boolean sawTokens,
                  Optional<String> error) {
        static final Parsed EMPTY = new Parsed("", 0, 0, 0, 0, false, Optional.empty());

        static Parsed of(String stdout) {
            String text = "";
            long in = 0, out = 0;
            double cost = 0;
            int steps = 0;
            boolean tokens = false;
            Optional<String> error = Optional.empty();
            for (String line : stdout.split("\\R")) {
                line = line.strip();
                if (!line.startsWith("{")) continue;
                JsonNode event;
                try {
                    event = JSON.readTree(line);
                } catch (IOException e) {
                    continue;
                }
                JsonNode part = event.path("part");
                switch (event.path("type").asText()) {
                    case "text" -> {
                        if (!part.path("text").asText().isBlank()) text = part.path("text").asText();
                    }
                    case "step_finish" -> {
                        steps++;
                        JsonNode t = part.path("tokens");
                        if (t.isObject()) {
                            tokens = true;
                            in += t.path("input").asLong() + t.path("cache").path("read").asLong() + t.path("cache").path("write").asLong();
                            out += t.path("output").asLong() + t.path("reasoning").asLong();
                        }
                        cost += part.path("cost").asDouble(0);
                    }
                    case "error" -> {
                        if (error.isEmpty()) error = Optional.of(errorMessage(event.path("error")));
                    }
                    default -> { }
                }
            }
            return new Parsed(text, in, out, cost, steps, tokens, error);
        }

        private static String errorMessage(JsonNode error) {
            JsonNode data = error.path("data");
            String message = data.path("message").asText("");
            String name = error.path("name").asText("error");
            if (message.isBlank()) return name;
            return data.has("statusCode") ? message + " (" + name + ", HTTP " + data.path("statusCode").asInt() + ")" : message + " (" + name + ")";
        }
    }

    private Proposal failure(String reason, long started, Parsed parsed) {
        return new Proposal.Failure(context.redact().apply(reason), usage(started, parsed));
    }

    private AgentUsage usage(long started, Parsed parsed) {
        Spec.AgentSpec agent = context.spec().agent();
        return new AgentUsage(OpencodeBackend.NAME,
                agent.model().map(String::strip).filter(m -> !m.isEmpty()),
                parsed.sawTokens ? Optional.of(parsed.tokensIn) : Optional.empty(),
                parsed.sawTokens ? Optional.of(parsed.tokensOut) : Optional.empty(),
                parsed.cost > 0 ? Optional.of(parsed.cost) : Optional.empty(),
                parsed.steps > 0 ? Optional.of(parsed.steps) : Optional.empty(),
                (System.nanoTime() - started) / 1e9);
    }

    /** The agent's raw output, redacted, to {@code <logDir>/<run>.agent.log}; a failure to write is not the agent's. */
    private void transcript(int experiment, List<String> command, AgentProcess.Result run) {
        String text = "$ " + String.join(" ", command.subList(0, command.size())) + " < prompt\n"
                + "exit: " + (run.timedOut() ? "timed out" : Integer.toString(run.exitCode())) + "\n"
                + "--- stdout (JSON events) ---\n" + run.stdout()
                + (run.stdout().endsWith("\n") || run.stdout().isEmpty() ? "" : "\n")
                + "--- stderr ---\n" + run.stderr();
        try {
            Files.createDirectories(context.logDir());
            Files.writeString(context.logDir().resolve(experiment + ".agent.log"), context.redact().apply(text), StandardCharsets.UTF_8);
        } catch (IOException ignored) {
            // the transcript is a convenience; the proposal stands without it
        }
    }

    /** The message of the last ERROR line of OpenCode's log on stderr (e.g. a server's 500 being retried). */
    static Optional<String> lastLogError(String stderr) {
        List<String> lines = new ArrayList<>(Arrays.asList(stderr.split("\\R")));
        for (int i = lines.size() - 1; i >= 0; i--) {
            String line = lines.get(i);
            if (!line.contains("level=ERROR")) continue;
            int at = line.indexOf("error.error=");
            String message = at >= 0 ? line.substring(at + "error.error=".length()) : line;
            return Optional.of(abbreviate(message.replaceAll("^\"|\"$", ""), 300));
        }
        return Optional.empty();
    }

    private static String tail(String stderr) {
        List<String> lines = new ArrayList<>(Arrays.asList(stderr.strip().split("\\R")));
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) return "";
        return "; last stderr lines:\n" + abbreviate(String.join("\n", lines.subList(Math.max(0, lines.size() - 10), lines.size())), 2000);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
