package dev.helix.adapters.agents.opencode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A scripted OpenAI Chat Completions server, speaking what OpenCode's {@code @ai-sdk/openai-compatible}
 * provider sends: {@code POST <base_url>/chat/completions} with {@code stream: true}, answered
 * with {@code data: {chat.completion.chunk}} events, a usage chunk and {@code data: [DONE]}.
 *
 * <p>Each proposal is two turns, decided by the request: when the conversation does not end in a
 * tool result, the model calls the request's own {@code write} tool to give a file new content
 * (the absolute path from the "Working directory" OpenCode tells it); after the tool result it
 * answers with the proposal's final text. Title-generation requests get a short title.
 */
public final class ScriptedChat implements AutoCloseable {
    /** One proposal: write {@code content} to {@code file} (relative to the working directory), then say {@code finalText}. */
    public record Turn(String file, String content, String finalText) {}

    /** What the server does instead of answering a proposal's request. */
    public enum Fault { NONE, SERVER_ERROR, GARBAGE, HANG }

    public static final int PROMPT_TOKENS = 1200;
    public static final int COMPLETION_TOKENS = 40;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WORKDIR = Pattern.compile("Working directory: (\\S+)");

    private final List<Turn> turns;
    private final AtomicInteger proposals = new AtomicInteger();
    private final List<ObjectNode> chats = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Fault fault = Fault.NONE;
    private volatile boolean closed;
    private final ScriptedServer server;

    private ScriptedChat(List<Turn> turns) throws IOException {
        this.turns = List.copyOf(turns);
        this.server = ScriptedServer.start(this::handle);
    }

    public static ScriptedChat start(List<Turn> turns) throws IOException {
        return new ScriptedChat(turns);
    }

    /** What agent.base_url should be, e.g. http://127.0.0.1:40123/v1. */
    public String baseUrl() {
        return server.baseUrl() + "/v1";
    }

    public void fault(Fault fault) {
        this.fault = fault;
    }

    /** Every HTTP request, whatever its path. */
    public List<ScriptedServer.Request> requests() {
        return server.requests();
    }

    /** The bodies of the chat-completion requests, in order. */
    public List<ObjectNode> chats() {
        return List.copyOf(chats);
    }

    /** How many proposals (first turns) the model has started. */
    public int proposals() {
        return proposals.get();
    }

    @Override
    public void close() {
        closed = true;
        server.close();
    }

    private void handle(ScriptedServer.Exchange ex) throws IOException {
        if (!ex.request.method().equals("POST") || !ex.request.path().equals("/v1/chat/completions")) {
            ex.json(404, "{\"error\":{\"message\":\"no route " + ex.request.method() + " " + ex.request.path() + "\",\"type\":\"invalid_request_error\"}}");
            return;
        }
        ObjectNode body = (ObjectNode) JSON.readTree(ex.request.body());
        chats.add(body);
        ArrayNode messages = (ArrayNode) body.path("messages");
        String system = messages.size() > 0 && messages.get(0).path("role").asText().equals("system")
                ? text(messages.get(0).path("content")) : "";
        String model = body.path("model").asText();
        if (system.contains("title generator")) {
            try (ScriptedServer.Sse sse = ex.sse()) {
                text(sse, model, "Helix experiment");
                finish(sse, model, "stop");
            }
            return;
        }
        switch (fault) {
            case SERVER_ERROR -> {
                ex.json(500, "{\"error\":{\"message\":\"scripted internal error\",\"type\":\"server_error\"}}");
                return;
            }
            case GARBAGE -> {
                ex.send(200, "text/event-stream", "this is not a stream of events {{{\n\n");
                return;
            }
            case HANG -> {
                while (!closed) {
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                return;
            }
            case NONE -> { }
        }
        boolean afterTool = messages.size() > 0 && messages.get(messages.size() - 1).path("role").asText().equals("tool");
        if (!afterTool) {
            int index = proposals.getAndIncrement();
            Turn turn = turns.get(Math.min(index, turns.size() - 1));
            if (!declares(body, "write", "filePath", "content")) {
                ex.json(400, "{\"error\":{\"message\":\"script: the request declares no write tool with filePath and content\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            Matcher m = WORKDIR.matcher(system);
            if (!m.find()) {
                ex.json(400, "{\"error\":{\"message\":\"script: no working directory in the system prompt\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            ObjectNode args = JSON.createObjectNode();
            args.put("filePath", m.group(1) + "/" + turn.file());
            args.put("content", turn.content());
            try (ScriptedServer.Sse sse = ex.sse()) {
                toolCall(sse, model, "call_" + index, "write", args.toString());
                finish(sse, model, "tool_calls");
            }
            return;
        }
        Turn turn = turns.get(Math.max(0, Math.min(proposals.get() - 1, turns.size() - 1)));
        try (ScriptedServer.Sse sse = ex.sse()) {
            text(sse, model, turn.finalText());
            finish(sse, model, "stop");
        }
    }

    /** Whether the request offers a function tool {@code name} whose schema has these properties. */
    static boolean declares(JsonNode body, String name, String... properties) {
        for (JsonNode tool : body.path("tools")) {
            JsonNode fn = tool.path("function");
            if (!fn.path("name").asText().equals(name)) continue;
            for (String p : properties) if (!fn.path("parameters").path("properties").has(p)) return false;
            return true;
        }
        return false;
    }

    private static String text(JsonNode content) {
        if (content.isTextual()) return content.asText();
        StringBuilder b = new StringBuilder();
        for (JsonNode part : content) b.append(part.path("text").asText());
        return b.toString();
    }

    private static ObjectNode chunk(String model) {
        ObjectNode c = JSON.createObjectNode();
        c.put("id", "chatcmpl-scripted");
        c.put("object", "chat.completion.chunk");
        c.put("created", 1_700_000_000);
        c.put("model", model);
        return c;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        return choice;
    }

    private static void text(ScriptedServer.Sse sse, String model, String text) throws IOException {
        // two deltas, as a real stream splits text
        int half = text.length() / 2;
        for (String piece : new String[] {text.substring(0, half), text.substring(half)}) {
            ObjectNode c = chunk(model);
            ObjectNode choice = choice(c);
            choice.putObject("delta").put("role", "assistant").put("content", piece);
            choice.putNull("finish_reason");
            sse.event(null, c.toString());
        }
    }

    private static void toolCall(ScriptedServer.Sse sse, String model, String id, String name, String arguments) throws IOException {
        ObjectNode first = chunk(model);
        ObjectNode c1 = choice(first);
        ObjectNode d1 = c1.putObject("delta");
        d1.put("role", "assistant");
        d1.putNull("content");
        ObjectNode call = d1.putArray("tool_calls").addObject();
        call.put("index", 0);
        call.put("id", id);
        call.put("type", "function");
        call.putObject("function").put("name", name).put("arguments", "");
        c1.putNull("finish_reason");
        sse.event(null, first.toString());
        ObjectNode second = chunk(model);
        ObjectNode c2 = choice(second);
        c2.putObject("delta").putArray("tool_calls").addObject().put("index", 0)
                .putObject("function").put("arguments", arguments);
        c2.putNull("finish_reason");
        sse.event(null, second.toString());
    }

    private static void finish(ScriptedServer.Sse sse, String model, String reason) throws IOException {
        ObjectNode done = chunk(model);
        ObjectNode choice = choice(done);
        choice.putObject("delta");
        choice.put("finish_reason", reason);
        sse.event(null, done.toString());
        ObjectNode usage = chunk(model);
        usage.putArray("choices");
        usage.putObject("usage").put("prompt_tokens", PROMPT_TOKENS).put("completion_tokens", COMPLETION_TOKENS)
                .put("total_tokens", PROMPT_TOKENS + COMPLETION_TOKENS);
        sse.event(null, usage.toString());
        sse.event(null, "[DONE]");
    }
}
