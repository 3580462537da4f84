package dev.helix.adapters.agents.claude;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Anthropic's Messages API as Claude Code uses it, on 127.0.0.1: {@code POST /v1/messages} with
 * {@code stream: true} answered with the real event sequence (message_start, content_block_start,
 * content_block_delta with text_delta or input_json_delta, content_block_stop, message_delta with
 * usage and stop_reason, message_stop), {@code /v1/messages/count_tokens}, and side calls without
 * tools (titles, topic detection) answered with a short text. What the model "says" is decided by a
 * script from the conversation so far (the tool calls made and their results), not by the order of
 * requests, so extra requests of the CLI do not derail it.
 *
 * <p>Every model turn reports the same usage: {@link #INPUT_TOKENS} fresh input tokens,
 * {@link #CACHE_READ_TOKENS} read from and {@link #CACHE_WRITE_TOKENS} written to the prompt cache,
 * {@link #OUTPUT_TOKENS} output tokens.
 */
public final class ScriptedAnthropic implements AutoCloseable {
    public static final long INPUT_TOKENS = 1000;
    public static final long CACHE_READ_TOKENS = 200;
    public static final long CACHE_WRITE_TOKENS = 100;
    public static final long OUTPUT_TOKENS = 50;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CWD = Pattern.compile("Primary working directory: ([^\\n]+)");

    /** What the model answers with in one turn. */
    public sealed interface Turn {
        /** A final text answer: stop_reason end_turn. */
        record Text(String text) implements Turn {}

        /** A call of one of the CLI's tools: stop_reason tool_use. */
        record ToolUse(String name, Map<String, Object> input) implements Turn {}

        /** Anything but a Messages API answer: an HTTP error, or garbage with a 200. */
        record Raw(int status, String contentType, String body) implements Turn {}
    }

    /** A tool the model called earlier in this conversation, and what the CLI answered. */
    public record ToolCall(String name, JsonNode input, String result, boolean isError) {}

    /**
     * One main-loop request, as the script sees it.
     *
     * @param prompt the user's text (the CLI's system reminders left out)
     * @param calls the model's tool calls so far, oldest first, with their results
     * @param workingDirectory the CLI's working directory, as its environment reminder says
     * @param tools the names of the tools the CLI offers
     */
    public record Conversation(JsonNode request, String prompt, List<ToolCall> calls, String workingDirectory,
                               List<String> tools) {
        public Optional<ToolCall> last() {
            return calls.isEmpty() ? Optional.empty() : Optional.of(calls.get(calls.size() - 1));
        }

        /** Whether a tool of this name has been called (and answered) already. */
        public boolean called(String tool) {
            return calls.stream().anyMatch(c -> c.name().equals(tool));
        }
    }

    private final ScriptedServer server;
    private final List<JsonNode> conversations = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();

    private ScriptedAnthropic(Function<Conversation, Turn> script) throws IOException {
        this.server = ScriptedServer.start(exchange -> answer(exchange, script));
    }

    public static ScriptedAnthropic start(Function<Conversation, Turn> script) throws IOException {
        return new ScriptedAnthropic(script);
    }

    /**
     * The usual coding-agent turn sequence for one file: Read it (Claude Code refuses to edit a file
     * not read first), replace {@code oldText} with {@code newText} with the Edit tool, then answer
     * {@code answer}.
     *
     * @param file relative to the CLI's working directory
     */
    public static Function<Conversation, Turn> editThenAnswer(String file, String oldText, String newText, String answer) {
        return c -> {
            String path = c.workingDirectory() + "/" + file;
            if (!c.called("Read")) return new Turn.ToolUse("Read", Map.of("file_path", path));
            if (!c.called("Edit")) {
                return new Turn.ToolUse("Edit", Map.of("file_path", path, "old_string", oldText, "new_string", newText));
            }
            return new Turn.Text(answer);
        };
    }

    /** e.g. http://127.0.0.1:40123, for ANTHROPIC_BASE_URL (no /v1: the CLI adds it). */
    public String baseUrl() {
        return server.baseUrl();
    }

    /** Every HTTP request received, side calls included. */
    public List<ScriptedServer.Request> requests() {
        return server.requests();
    }

    /** The bodies of the main-loop requests (those offering tools), in order. */
    public List<JsonNode> conversations() {
        return List.copyOf(conversations);
    }

    @Override
    public void close() {
        server.close();
    }

    // ---- the protocol --------------------------------------------------------------------------

    private void answer(ScriptedServer.Exchange exchange, Function<Conversation, Turn> script) throws IOException {
        ScriptedServer.Request request = exchange.request;
        if (!request.method().equals("POST")) {
            error(exchange, 404, "not_found_error", "no such endpoint: " + request.method() + " " + request.path());
            return;
        }
        if (request.path().endsWith("/v1/messages/count_tokens")) {
            exchange.json(200, "{\"input_tokens\":" + INPUT_TOKENS + "}");
            return;
        }
        if (!request.path().endsWith("/v1/messages")) {
            error(exchange, 404, "not_found_error", "no such endpoint: " + request.path());
            return;
        }
        JsonNode body = JSON.readTree(request.body());
        String model = body.path("model").asText("claude-sonnet-4-5");
        if (!body.path("tools").isArray() || body.path("tools").isEmpty()) {
            // a side call (a title, a topic): a plain short answer
            respond(exchange, body, model, new Turn.Text("Helix experiment"));
            return;
        }
        conversations.add(body);
        respond(exchange, body, model, script.apply(conversation(body)));
    }

    private void respond(ScriptedServer.Exchange exchange, JsonNode body, String model, Turn turn) throws IOException {
        if (turn instanceof Turn.Raw raw) {
            exchange.send(raw.status(), raw.contentType(), raw.body());
            return;
        }
        String id = "msg_helix_" + ids.incrementAndGet();
        List<ObjectNode> blocks = new ArrayList<>();
        String stop;
        if (turn instanceof Turn.Text text) {
            ObjectNode b = JSON.createObjectNode().put("type", "text").put("text", text.text());
            blocks.add(b);
            stop = "end_turn";
        } else {
            Turn.ToolUse use = (Turn.ToolUse) turn;
            ObjectNode b = JSON.createObjectNode().put("type", "tool_use").put("id", "toolu_helix_" + ids.incrementAndGet())
                    .put("name", use.name());
            b.set("input", JSON.valueToTree(use.input()));
            blocks.add(b);
            stop = "tool_use";
        }
        if (!body.path("stream").asBoolean(false)) {
            ObjectNode message = message(id, model, stop);
            ArrayNode content = message.putArray("content");
            blocks.forEach(content::add);
            message.set("usage", usage(OUTPUT_TOKENS));
            exchange.json(200, message.toString());
            return;
        }
        try (ScriptedServer.Sse sse = exchange.sse()) {
            ObjectNode start = JSON.createObjectNode().put("type", "message_start");
            ObjectNode message = message(id, model, null);
            message.putArray("content");
            message.set("usage", usage(1));
            start.set("message", message);
            sse.event("message_start", start.toString());
            for (int i = 0; i < blocks.size(); i++) {
                ObjectNode block = blocks.get(i);
                ObjectNode empty = block.deepCopy();
                ObjectNode delta;
                if (block.path("type").asText().equals("text")) {
                    empty.put("text", "");
                    delta = JSON.createObjectNode().put("type", "text_delta").put("text", block.path("text").asText());
                } else {
                    empty.putObject("input");
                    delta = JSON.createObjectNode().put("type", "input_json_delta")
                            .put("partial_json", block.path("input").toString());
                }
                ObjectNode cbs = JSON.createObjectNode().put("type", "content_block_start").put("index", i);
                cbs.set("content_block", empty);
                sse.event("content_block_start", cbs.toString());
                ObjectNode cbd = JSON.createObjectNode().put("type", "content_block_delta").put("index", i);
                cbd.set("delta", delta);
                sse.event("content_block_delta", cbd.toString());
                sse.event("content_block_stop", JSON.createObjectNode().put("type", "content_block_stop").put("index", i).toString());
            }
            ObjectNode md = JSON.createObjectNode().put("type", "message_delta");
            md.putObject("delta").put("stop_reason", stop).putNull("stop_sequence");
            md.set("usage", JSON.createObjectNode().put("output_tokens", OUTPUT_TOKENS));
            sse.event("message_delta", md.toString());
            sse.event("message_stop", "{\"type\":\"message_stop\"}");
        }
    }

    private static ObjectNode message(String id, String model, String stop) {
        ObjectNode m = JSON.createObjectNode().put("id", id).put("type", "message").put("role", "assistant").put("model", model);
        if (stop == null) m.putNull("stop_reason");
        else m.put("stop_reason", stop);
        m.putNull("stop_sequence");
        return m;
    }

    private static ObjectNode usage(long output) {
        return JSON.createObjectNode().put("input_tokens", INPUT_TOKENS)
                .put("cache_creation_input_tokens", CACHE_WRITE_TOKENS)
                .put("cache_read_input_tokens", CACHE_READ_TOKENS)
                .put("output_tokens", output);
    }

    private static void error(ScriptedServer.Exchange exchange, int status, String type, String message) throws IOException {
        ObjectNode e = JSON.createObjectNode().put("type", "error");
        e.putObject("error").put("type", type).put("message", message);
        exchange.json(status, e.toString());
    }

    /** Reads a main-loop request body as the script sees it. */
    public static Conversation conversation(JsonNode body) {
        StringBuilder prompt = new StringBuilder();
        Map<String, JsonNode[]> uses = new LinkedHashMap<>();
        List<ToolCall> calls = new ArrayList<>();
        String cwd = "";
        Matcher m = CWD.matcher(body.path("system").toString().replace("\\n", "\n"));
        if (m.find()) cwd = m.group(1).strip();
        boolean first = true;
        for (JsonNode message : body.path("messages")) {
            JsonNode content = message.path("content");
            boolean user = message.path("role").asText().equals("user");
            List<JsonNode> blocks = new ArrayList<>();
            if (content.isTextual()) blocks.add(JSON.createObjectNode().put("type", "text").put("text", content.asText()));
            else content.forEach(blocks::add);
            for (JsonNode block : blocks) {
                String type = block.path("type").asText();
                if (type.equals("text")) {
                    String text = block.path("text").asText();
                    Matcher c = CWD.matcher(text);
                    if (c.find()) cwd = c.group(1).strip();
                    if (user && first && !text.stripLeading().startsWith("<system-reminder>")) {
                        prompt.append(prompt.isEmpty() ? "" : "\n").append(text);
                    }
                } else if (type.equals("tool_use")) {
                    uses.put(block.path("id").asText(), new JsonNode[] {block});
                } else if (type.equals("tool_result")) {
                    JsonNode[] use = uses.get(block.path("tool_use_id").asText());
                    if (use == null) continue;
                    JsonNode result = block.path("content");
                    StringBuilder text = new StringBuilder();
                    if (result.isTextual()) text.append(result.asText());
                    else result.forEach(r -> text.append(r.path("text").asText()));
                    calls.add(new ToolCall(use[0].path("name").asText(), use[0].path("input"), text.toString(),
                            block.path("is_error").asBoolean(false)));
                }
            }
            if (user) first = false;
        }
        List<String> tools = new ArrayList<>();
        body.path("tools").forEach(t -> tools.add(t.path("name").asText()));
        return new Conversation(body, prompt.toString(), List.copyOf(calls), cwd, List.copyOf(tools));
    }
}
