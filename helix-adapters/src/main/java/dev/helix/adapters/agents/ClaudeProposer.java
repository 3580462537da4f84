package dev.helix.adapters.agents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.core.experiment.AgentUsage;
import dev.helix.core.port.AgentBackend;
import dev.helix.core.port.Clock;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs Claude Code for one experiment:
 * {@code claude -p --output-format stream-json --verbose --permission-mode acceptEdits
 * --tools <file tools> --allowedTools <file tools> --max-turns N --no-session-persistence
 * [--model M] [agent.extra_args]} in the worktree, the prompt on stdin. Only the file tools are
 * offered (no Bash: the agent can neither run the evaluation nor use git). The last line of the
 * stream, {@code {"type":"result",...}}, carries the final message, cost, tokens and turns.
 */
public final class ClaudeProposer implements Proposer {

    /** The tools the agent gets; names this version of Claude Code does not know are ignored by it. */
    static final List<String> TOOLS = List.of("Read", "Edit", "Write", "MultiEdit", "Glob", "Grep", "LS");

    /** Claude Code's switches that keep it from calling anything but the model's API. */
    static final Map<String, String> QUIET = quiet();

    private static final int STDOUT_CAP = 8 << 20;
    private static final int TAIL_LINES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AgentBackend.Context context;
    private final Clock clock;
    private final Duration grace;

    ClaudeProposer(AgentBackend.Context context) {
        this(context, Clock.SYSTEM, Duration.ofSeconds(3));
    }

    ClaudeProposer(AgentBackend.Context context, Clock clock, Duration grace) {
        this.context = Objects.requireNonNull(context);
        this.clock = Objects.requireNonNull(clock);
        this.grace = Objects.requireNonNull(grace);
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

    @Override
    public Proposal propose(Request request) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long started = clock.nanos();
        Spec.AgentSpec agent = request.spec().agent();
        Optional<Path> claude = ClaudeBackend.executable(context.env());
        if (claude.isEmpty()) {
            return failure("Claude Code CLI not found (install it with: " + ClaudeBackend.INSTALL + ")", started, Transcript.EMPTY);
        }
        String keyEnv = ClaudeBackend.keyEnv(request.spec());
        String key = context.env().get(keyEnv);
        if (key == null || key.isBlank()) {
            return failure(keyEnv + " is not set: Claude Code needs an Anthropic API key", started, Transcript.EMPTY);
        }
        Path worktree = request.worktree().toAbsolutePath().normalize();
        String prompt = PromptBuilder.build(request, PromptBuilder.Mode.EDIT_FILES, Map.of());

        AgentProcess.Result run;
        try {
            run = AgentProcess.run(command(claude.get(), agent), worktree, environment(request, key),
                    prompt.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(agent.timeoutSeconds()), grace, STDOUT_CAP);
        } catch (IOException e) {
            return failure("could not start Claude Code (" + claude.get() + "): " + e.getMessage(), started, Transcript.EMPTY);
        }
        writeTranscript(request, run);
        Transcript stream = Transcript.read(run.stdout());
        if (run.timedOut()) {
            return failure("Claude Code did not finish within agent.timeout_seconds (" + agent.timeoutSeconds() + "s)"
                    + stream.editNote() + lastLines("stderr", run.stderr()), started, stream);
        }
        JsonNode result = stream.result;
        if (result == null) {
            return failure("Claude Code exited with code " + run.exitCode() + " without a result"
                    + lastLines("stderr", run.stderr()) + lastLines("stdout", run.stdout()), started, stream);
        }
        String subtype = result.path("subtype").asText("");
        String text = result.path("result").asText("");
        if (subtype.equals("error_max_turns")) {
            return failure("Claude Code reached agent.max_turns (" + agent.maxTurns() + ") before it finished"
                    + stream.editNote(), started, stream);
        }
        if (result.path("is_error").asBoolean(false) || !subtype.equals("success")) {
            List<String> errors = new ArrayList<>();
            result.path("errors").forEach(e -> errors.add(e.asText()));
            String what = !text.isBlank() ? text : String.join("; ", errors);
            int status = result.path("api_error_status").asInt(0);
            return failure("Claude Code failed (" + (subtype.isBlank() ? "error" : subtype)
                    + (status > 0 ? ", API status " + status : "") + "): "
                    + (what.isBlank() ? "no message; exit code " + run.exitCode() : abbreviate(what, 2000))
                    + stream.editNote(), started, stream);
        }
        Reply reply = Reply.parse(text);
        if (reply.description().isBlank()) {
            return failure("Claude Code ended without a final message describing its change", started, stream);
        }
        return new Proposal.Change(redact(reply.description()), reply.hypothesis().map(this::redact),
                usage(started, stream));
    }

    List<String> command(Path claude, Spec.AgentSpec agent) {
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
    Map<String, String> environment(Request request, String key) {
        Map<String, String> env = new HashMap<>(context.env());
        env.put("ANTHROPIC_API_KEY", key);
        // Claude Code appends /v1/messages itself: a base_url written OpenAI-style, ending in /v1, still works
        request.spec().agent().baseUrl().filter(u -> !u.isBlank())
                .ifPresent(u -> env.put("ANTHROPIC_BASE_URL", u.strip().replaceAll("/+$", "").replaceAll("/v1$", "")));
        env.putAll(QUIET);
        env.put("HELIX_EXPERIMENT", Integer.toString(request.experiment()));
        env.put("HELIX_TAG", Objects.toString(request.tag(), ""));
        return env;
    }

    private void writeTranscript(Request request, AgentProcess.Result run) {
        try {
            Files.createDirectories(context.logDir());
            String text = run.stdout() + (run.stderr().isBlank() ? "" : "\n--- stderr ---\n" + run.stderr());
            Files.writeString(context.logDir().resolve(request.experiment() + ".agent.log"), redact(text),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            // the transcript is a convenience: the proposal stands without it
        }
    }

    private Proposal failure(String reason, long started, Transcript stream) {
        return new Proposal.Failure(redact(reason), usage(started, stream));
    }

    private String redact(String text) {
        return context.redact().apply(text);
    }

    /** What the agent reported: tokens in count the cache's reads and writes too. */
    private AgentUsage usage(long started, Transcript stream) {
        double seconds = (clock.nanos() - started) / 1e9;
        Optional<String> model = context.spec().agent().model().filter(m -> !m.isBlank())
                .or(() -> Optional.ofNullable(stream.model));
        JsonNode result = stream.result;
        if (result == null) {
            return new AgentUsage(ClaudeBackend.NAME, model, stream.tokensIn, stream.tokensOut, Optional.empty(),
                    stream.turns > 0 ? Optional.of(stream.turns) : Optional.empty(), seconds);
        }
        JsonNode u = result.path("usage");
        Optional<Long> in = u.isObject() ? Optional.of(u.path("input_tokens").asLong(0)
                + u.path("cache_creation_input_tokens").asLong(0) + u.path("cache_read_input_tokens").asLong(0))
                : stream.tokensIn;
        Optional<Long> out = u.has("output_tokens") ? Optional.of(u.path("output_tokens").asLong()) : stream.tokensOut;
        Optional<Double> cost = result.path("total_cost_usd").isNumber()
                ? Optional.of(result.path("total_cost_usd").asDouble()) : Optional.empty();
        Optional<Integer> turns = result.path("num_turns").isIntegralNumber()
                ? Optional.of(result.path("num_turns").asInt()) : Optional.empty();
        return new AgentUsage(ClaudeBackend.NAME, model, in, out, cost, turns, seconds);
    }

    /** What the stream-json output says: the init's model, the result, and what was seen before it. */
    static final class Transcript {
        static final Transcript EMPTY = new Transcript();

        String model;
        JsonNode result;
        Optional<Long> tokensIn = Optional.empty();
        Optional<Long> tokensOut = Optional.empty();
        int turns;
        final Set<String> edited = new LinkedHashSet<>();

        static Transcript read(String stdout) {
            Transcript s = new Transcript();
            Map<String, JsonNode> usageById = new LinkedHashMap<>();
            for (String line : stdout.split("\\R")) {
                String l = line.strip();
                if (!l.startsWith("{")) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(l);
                } catch (IOException e) {
                    continue; // a line cut by the output cap, or noise
                }
                String type = node.path("type").asText("");
                switch (type) {
                    case "system" -> {
                        if (node.path("subtype").asText("").equals("init") && node.path("model").isTextual()) {
                            s.model = node.path("model").asText();
                        }
                    }
                    case "assistant" -> {
                        JsonNode message = node.path("message");
                        // one API message is streamed as one event per content block, all with its usage
                        String id = message.path("id").asText("#" + usageById.size());
                        if (message.path("usage").isObject()) usageById.put(id, message.path("usage"));
                        for (JsonNode block : message.path("content")) {
                            String tool = block.path("name").asText("");
                            if (block.path("type").asText("").equals("tool_use")
                                    && Set.of("Edit", "Write", "MultiEdit", "NotebookEdit").contains(tool)) {
                                s.edited.add(block.path("input").path("file_path").asText(tool));
                            }
                        }
                    }
                    case "result" -> s.result = node;
                    default -> { }
                }
            }
            if (!usageById.isEmpty()) {
                long in = 0;
                long out = 0;
                for (JsonNode u : usageById.values()) {
                    in += u.path("input_tokens").asLong(0) + u.path("cache_creation_input_tokens").asLong(0)
                            + u.path("cache_read_input_tokens").asLong(0);
                    out += u.path("output_tokens").asLong(0);
                }
                s.tokensIn = Optional.of(in);
                s.tokensOut = Optional.of(out);
                s.turns = usageById.size();
            }
            return s;
        }

        /** For a failure: whether the agent had already edited files, which Helix then discards. */
        String editNote() {
            if (edited.isEmpty()) return "";
            return "; it had already edited " + edited.size() + (edited.size() == 1 ? " file" : " files")
                    + ", which are discarded";
        }
    }

    private static String lastLines(String stream, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) return "";
        List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; last " + stream + " lines:\n" + abbreviate(String.join("\n", tail), 2000);
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
