package dev.helix.adapters.agents.gemini;

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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * One Gemini CLI run per proposal:
 * <pre>
 * gemini --prompt "Do the experiment described above ..." --output-format json --approval-mode auto_edit
 *        [--model agent.model] [agent.extra_args...]          (the prompt itself on stdin)
 * </pre>
 * in the worktree, with a fresh temporary HOME (so no user settings, credentials, extensions or
 * history are read) holding {@code .gemini/settings.json}: Gemini API key auth, folder trust off
 * (the worktree is trusted, so auto_edit is not downgraded), usage statistics, telemetry, auto
 * update and checkpointing off, {@code model.maxSessionTurns} = agent.max_turns,
 * {@code general.maxAttempts} bounded, and {@code tools.core} limited to reading and editing files:
 * no shell (so no evaluation, no git), no web fetch or search, no sub-agents. The environment adds
 * GEMINI_API_KEY (from agent.api_key_env's variable), GOOGLE_GEMINI_BASE_URL (agent.base_url),
 * HOME and GEMINI_CLI_HOME and TMPDIR (the temporary dir), GEMINI_CLI_NO_RELAUNCH, GEMINI_TELEMETRY_ENABLED=false,
 * GEMINI_CLI_TRUST_WORKSPACE, NO_COLOR and NO_BROWSER. The result is the JSON document the CLI prints at
 * the end (on stdout; errors as {"error": ...} on stderr).
 */
final class GeminiProposer implements Proposer {
    /** The read and edit tools the agent may use; everything else (shell, web, memory, agents) is left out. */
    static final List<String> TOOLS = List.of("list_directory", "read_file", "read_many_files", "glob",
            "grep_search", "replace", "write_file");
    /** A 429 or 5xx is retried this often by the CLI before the proposal fails (the CLI's default is 10, minutes). */
    static final int MAX_ATTEMPTS = 3;
    static final String TRAILER = "Do the experiment described above now: edit the files, then answer as asked.";
    private static final int STDOUT_CAP = 4 << 20;
    private static final int TAIL_LINES = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentBackend.Context context;
    private final Path gemini;
    private final int maxAttempts;
    private final Duration grace;

    GeminiProposer(AgentBackend.Context context, Path gemini) {
        this(context, gemini, MAX_ATTEMPTS, Duration.ofSeconds(3));
    }

    GeminiProposer(AgentBackend.Context context, Path gemini, int maxAttempts, Duration grace) {
        this.context = context;
        this.gemini = gemini;
        this.maxAttempts = maxAttempts;
        this.grace = grace;
    }

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long started = System.nanoTime();
        Spec.AgentSpec agent = request.spec().agent();
        String keyEnv = GeminiBackend.keyEnv(request.spec());
        String key = context.env().get(keyEnv);
        if (key == null || key.isBlank()) {
            return new Proposal.Failure(keyEnv + " is not set: the gemini backend needs a Gemini API key", usage(started, null, agent));
        }
        String prompt = PromptBuilder.build(request, PromptBuilder.Mode.EDIT_FILES, Map.of());
        List<String> command = command(agent);
        Path home = null;
        AgentProcess.Result run = null;
        String failure = null;
        try {
            home = Files.createTempDirectory("helix-gemini-");
            Path settings = home.resolve(".gemini").resolve("settings.json");
            Files.createDirectories(settings.getParent());
            Files.createDirectories(home.resolve("tmp"));
            Files.writeString(settings, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(settings(agent)));
            run = AgentProcess.run(command, request.worktree().toAbsolutePath().normalize(), environment(agent, key, home),
                    prompt.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(agent.timeoutSeconds()), grace, STDOUT_CAP);
        } catch (IOException e) {
            failure = "could not start the Gemini CLI (" + gemini + "): " + e.getMessage()
                    + "; install it with " + GeminiBackend.INSTALL;
        } finally {
            Optional<String> chat = home == null ? Optional.empty() : chatRecord(home);
            transcript(request, command, prompt, run, chat, failure, key, keyEnv);
            if (home != null) deleteTree(home);
        }
        if (failure != null) return new Proposal.Failure(redact(failure, key, keyEnv), usage(started, null, agent));
        return redactReason(interpret(run, started, agent), key, keyEnv);
    }

    // ---- the command and its set-up ------------------------------------------------------------

    List<String> command(Spec.AgentSpec agent) {
        List<String> command = new ArrayList<>(List.of(gemini.toString(), "--prompt", TRAILER,
                "--output-format", "json", "--approval-mode", "auto_edit"));
        agent.model().map(String::strip).filter(m -> !m.isEmpty()).ifPresent(m -> command.addAll(List.of("--model", m)));
        command.addAll(agent.extraArgs());
        return command;
    }

    ObjectNode settings(Spec.AgentSpec agent) {
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

    Map<String, String> environment(Spec.AgentSpec agent, String key, Path home) {
        Map<String, String> env = new LinkedHashMap<>();
        String path = context.env().get("PATH");
        if (path != null) env.put("PATH", path);
        env.put("GEMINI_API_KEY", key);
        agent.baseUrl().map(String::strip).filter(u -> !u.isEmpty())
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

    // ---- the result ----------------------------------------------------------------------------

    private Proposal interpret(AgentProcess.Result run, long started, Spec.AgentSpec agent) {
        if (run.timedOut()) {
            return new Proposal.Failure("gemini timed out after " + agent.timeoutSeconds() + "s (agent.timeout_seconds)"
                    + lastLines("stderr", run.stderr()), usage(started, null, agent));
        }
        Optional<JsonNode> result = lastJsonObject(run.stdout()).or(() -> lastJsonObject(run.stderr()));
        AgentUsage usage = usage(started, result.map(r -> r.get("stats")).orElse(null), agent);
        JsonNode error = result.map(r -> r.get("error")).filter(e -> e != null && !e.isNull()).orElse(null);
        if (error != null) {
            return new Proposal.Failure("gemini failed: " + errorMessage(error), usage);
        }
        if (run.exitCode() != 0) {
            return new Proposal.Failure("gemini exited with code " + run.exitCode() + lastLines("stderr", run.stderr()), usage);
        }
        JsonNode response = result.map(r -> r.get("response")).orElse(null);
        if (response == null || !response.isTextual()) {
            return new Proposal.Failure("gemini printed no JSON result with a response" + lastLines("stdout", run.stdout())
                    + lastLines("stderr", run.stderr()), usage);
        }
        Reply reply = Reply.parse(response.asText());
        if (reply.description().isBlank()) {
            return new Proposal.Failure("gemini's final message has no description (expected a one-line description, "
                    + "then \"Hypothesis: ...\")", usage);
        }
        return new Proposal.Change(reply.description(), reply.hypothesis(), usage);
    }

    /** "Gemini API error 500 INTERNAL: Internal error encountered." from the CLI's error, whose message may be the API's JSON. */
    static String errorMessage(JsonNode error) {
        String message = error.path("message").asText("").strip();
        int brace = message.indexOf('{');
        if (brace >= 0) {
            try {
                JsonNode api = JSON.readTree(message.substring(brace)).path("error");
                if (api.isObject()) {
                    String prefix = message.substring(0, brace).strip();
                    return (prefix.isEmpty() ? "" : prefix + " ") + "Gemini API error " + api.path("code").asText("?")
                            + (api.path("status").isTextual() ? " " + api.path("status").asText() : "")
                            + ": " + api.path("message").asText("").strip();
                }
            } catch (IOException ignored) {
                // not JSON after all: the message as it is
            }
        }
        if (message.isEmpty()) message = error.toString();
        return abbreviate(message, 1000);
    }

    /**
     * Tokens in (prompt) and out (candidates and thoughts) summed over every model the CLI called
     * (routing and helper calls included, since they are paid for too); turns are the main
     * agent's model requests; the model is agent.model, else the one the main agent used.
     */
    private AgentUsage usage(long started, JsonNode stats, Spec.AgentSpec agent) {
        double seconds = (System.nanoTime() - started) / 1e9;
        Optional<String> model = agent.model().map(String::strip).filter(m -> !m.isEmpty());
        JsonNode models = stats == null ? null : stats.get("models");
        if (models == null || !models.isObject() || models.isEmpty()) {
            return new AgentUsage(GeminiBackend.NAME, model, Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), seconds);
        }
        long in = 0;
        long out = 0;
        int turns = 0;
        String mainModel = null;
        int mainRequests = -1;
        for (var it = models.fields(); it.hasNext(); ) {
            var entry = it.next();
            JsonNode tokens = entry.getValue().path("tokens");
            in += tokens.path("prompt").asLong(0);
            out += tokens.path("candidates").asLong(0) + tokens.path("thoughts").asLong(0);
            JsonNode main = entry.getValue().path("roles").path("main");
            int requests = main.isObject() ? main.path("totalRequests").asInt(0)
                    : entry.getValue().path("roles").isObject() ? 0 : entry.getValue().path("api").path("totalRequests").asInt(0);
            turns += requests;
            if (requests > mainRequests) {
                mainRequests = requests;
                mainModel = entry.getKey();
            }
        }
        Optional<String> used = model.isPresent() ? model : Optional.ofNullable(mainModel);
        return new AgentUsage(GeminiBackend.NAME, used, Optional.of(in),
                Optional.of(out), Optional.empty(), turns > 0 ? Optional.of(turns) : Optional.empty(), seconds);
    }

    /** The last JSON object in {@code text}: the whole text, or the last one starting on a line of its own. */
    static Optional<JsonNode> lastJsonObject(String text) {
        String stripped = text.strip();
        if (stripped.isEmpty()) return Optional.empty();
        List<Integer> starts = new ArrayList<>();
        if (stripped.startsWith("{")) starts.add(0);
        for (int i = stripped.indexOf("\n{"); i >= 0; i = stripped.indexOf("\n{", i + 1)) starts.add(i + 1);
        for (int i = starts.size() - 1, tried = 0; i >= 0 && tried < 50; i--, tried++) {
            try {
                JsonNode node = JSON.readTree(stripped.substring(starts.get(i)));
                if (node != null && node.isObject()) return Optional.of(node);
            } catch (IOException ignored) {
                // not an object from here on
            }
        }
        return Optional.empty();
    }

    // ---- transcript and secrets ----------------------------------------------------------------

    /** The CLI's own record of the conversation (tool calls included), kept in the temporary HOME. */
    private static Optional<String> chatRecord(Path home) {
        Path tmp = home.resolve(".gemini").resolve("tmp");
        if (!Files.isDirectory(tmp)) return Optional.empty();
        try (Stream<Path> files = Files.walk(tmp, 4)) {
            List<Path> chats = files.filter(p -> p.getParent() != null && p.getParent().getFileName().toString().equals("chats"))
                    .filter(Files::isRegularFile).sorted().toList();
            StringBuilder text = new StringBuilder();
            for (Path chat : chats) {
                String content = Files.readString(chat);
                text.append(abbreviate(content, 2 << 20));
            }
            return text.isEmpty() ? Optional.empty() : Optional.of(text.toString());
        } catch (IOException | UncheckedIOException e) {
            return Optional.empty();
        }
    }

    private void transcript(Request request, List<String> command, String prompt, AgentProcess.Result run,
                            Optional<String> chat, String failure, String key, String keyEnv) {
        StringBuilder log = new StringBuilder();
        log.append("=== gemini, experiment ").append(request.experiment())
                .append(request.crashLogTail().isPresent() ? " (fixing a crash)" : "").append('\n');
        log.append("$ ").append(String.join(" ", command.stream().map(a -> a.matches("[\\w./:=@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'").toList())).append("  < prompt (").append(prompt.length()).append(" chars)\n");
        log.append("--- prompt\n").append(prompt).append(prompt.endsWith("\n") ? "" : "\n");
        if (failure != null) log.append("--- failed to run\n").append(failure).append('\n');
        if (run != null) {
            log.append("--- exit ").append(run.timedOut() ? "timed out" : Integer.toString(run.exitCode())).append('\n');
            log.append("--- stdout\n").append(run.stdout()).append(run.stdout().endsWith("\n") ? "" : "\n");
            log.append("--- stderr\n").append(run.stderr()).append(run.stderr().endsWith("\n") ? "" : "\n");
        }
        chat.ifPresent(c -> log.append("--- conversation (the CLI's chat record)\n").append(c).append(c.endsWith("\n") ? "" : "\n"));
        try {
            Files.createDirectories(context.logDir());
            Files.writeString(context.logDir().resolve(request.experiment() + ".agent.log"), redact(log.toString(), key, keyEnv),
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException ignored) {
            // a transcript is a convenience: the experiment goes on without it
        }
    }

    /** The context's redaction, and the key itself whatever the context knows of it. */
    private String redact(String text, String key, String keyEnv) {
        String result = context.redact().apply(text);
        return key == null || key.isBlank() ? result : result.replace(key.strip(), "[REDACTED:" + keyEnv + "]");
    }

    private Proposal redactReason(Proposal proposal, String key, String keyEnv) {
        return proposal instanceof Proposal.Failure f ? new Proposal.Failure(redact(f.reason(), key, keyEnv), f.usage()) : proposal;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static String lastLines(String stream, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
        lines.removeIf(l -> l.isBlank() || l.startsWith("    at ") || l.startsWith("Warning: 256-color")
                || l.startsWith("Ripgrep is not available"));
        if (lines.isEmpty()) return "; nothing on " + stream;
        List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; last " + stream + " lines:\n" + abbreviate(String.join("\n", tail), 2000);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temporary directory
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // already gone
        }
    }
}
