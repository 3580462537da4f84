package dev.helix.adapters.agents.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A Gemini API (generativelanguage v1beta) on 127.0.0.1 that plays a coding model for the real
 * Gemini CLI, answering from what each request contains, not from a fixed sequence:
 * <ul>
 * <li>{@code POST /v1beta/models/M:streamGenerateContent?alt=sse} (the agent's turns): server-sent
 * events of GenerateContentResponse. With no tool result yet, a {@code read_file} call for the
 * file the script names; after the read, a {@code replace} call (or {@code write_file} when that is
 * the only edit tool the request declares) that puts the edited text in place of the file's whole
 * text; after the edit, the script's final message.</li>
 * <li>{@code POST .../M:generateContent} (the CLI's helpers): the model router's complexity score,
 * the next-speaker check ("user"), or a short text.</li>
 * <li>{@code POST .../M:countTokens}: an estimate from the request's length.</li>
 * </ul>
 * Every answer names the model of its URL as modelVersion, as the API does, and every turn reports {@link #PROMPT_TOKENS} prompt and {@link #OUTPUT_TOKENS} candidate tokens.
 * {@link Fault}s make it answer 500, garbage, or nothing at all.
 */
public final class ScriptedGemini implements AutoCloseable {
    public static final long PROMPT_TOKENS = 1200;
    public static final long OUTPUT_TOKENS = 40;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the model does for one experiment: edit {@code file} with {@code edit}, then say {@code finalMessage}. */
    public record Step(String file, UnaryOperator<String> edit, String finalMessage) {}

    /** Ways to fail. */
    public enum Fault {
        NONE,
        /** 500 INTERNAL, as the API answers when it is down. */
        SERVER_ERROR,
        /** 200 with an event stream whose data is not JSON. */
        GARBAGE,
        /** Accepts the request and never answers. */
        SILENCE
    }

    private final ScriptedServer server;
    private final Function<String, Step> script;
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Fault fault = Fault.NONE;

    private ScriptedGemini(Function<String, Step> script) throws IOException {
        this.script = script;
        this.server = ScriptedServer.start(this::handle);
    }

    /** @param script the step for a conversation, given all the user text in it (the Helix prompt among it) */
    public static ScriptedGemini start(Function<String, Step> script) throws IOException {
        return new ScriptedGemini(script);
    }

    public ScriptedGemini fault(Fault fault) {
        this.fault = fault;
        return this;
    }

    /** The value for GOOGLE_GEMINI_BASE_URL (agent.base_url). */
    public String baseUrl() {
        return server.baseUrl();
    }

    public List<ScriptedServer.Request> requests() {
        return server.requests();
    }

    /** The agent's turns (streamGenerateContent requests). */
    public List<ScriptedServer.Request> turns() {
        return requests().stream().filter(r -> r.path().endsWith(":streamGenerateContent")).toList();
    }

    @Override
    public void close() {
        closed.countDown();
        server.close();
    }

    // ---- answering -----------------------------------------------------------------------------

    private void handle(ScriptedServer.Exchange exchange) throws IOException {
        ScriptedServer.Request request = exchange.request;
        switch (fault) {
            case SERVER_ERROR -> {
                exchange.json(500, "{\"error\":{\"code\":500,\"message\":\"Internal error encountered.\",\"status\":\"INTERNAL\"}}");
                return;
            }
            case GARBAGE -> {
                try (ScriptedServer.Sse sse = exchange.sse()) {
                    sse.event(null, "<html>this is no GenerateContentResponse {{{");
                }
                return;
            }
            case SILENCE -> {
                try {
                    closed.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            case NONE -> { }
        }
        if (!"POST".equals(request.method()) || !request.path().startsWith("/v1beta/models/")) {
            exchange.json(404, "{\"error\":{\"code\":404,\"message\":\"no such method: " + request.path() + "\",\"status\":\"NOT_FOUND\"}}");
            return;
        }
        JsonNode body = JSON.readTree(request.body().isBlank() ? "{}" : request.body());
        String path = request.path();
        String model = path.substring("/v1beta/models/".length()).replaceAll(":.*", "");
        if (path.endsWith(":countTokens")) {
            exchange.json(200, "{\"totalTokens\": " + Math.max(1, request.body().length() / 4) + "}");
        } else if (path.endsWith(":generateContent")) {
            exchange.json(200, JSON.writeValueAsString(response(model, List.of(text(helperAnswer(body))), 100, 10)));
        } else if (path.endsWith(":streamGenerateContent")) {
            stream(exchange, model, turn(body));
        } else {
            exchange.json(404, "{\"error\":{\"code\":404,\"message\":\"unknown method " + path + "\",\"status\":\"NOT_FOUND\"}}");
        }
    }

    /** The CLI's side calls: the router wants a complexity score, the next-speaker check a speaker. */
    private static String helperAnswer(JsonNode body) throws IOException {
        JsonNode schema = body.path("generationConfig").path("responseJsonSchema");
        if (schema.isMissingNode()) schema = body.path("generationConfig").path("responseSchema");
        JsonNode properties = schema.path("properties");
        ObjectNode answer = JSON.createObjectNode();
        if (properties.has("complexity_score")) {
            answer.put("complexity_reasoning", "A small, well-specified edit of one file.");
            answer.put("complexity_score", 30);
        } else if (properties.has("next_speaker")) {
            answer.put("reasoning", "The model has finished its answer.");
            answer.put("next_speaker", "user");
        } else if (properties.isObject()) {
            for (var it = properties.fieldNames(); it.hasNext(); ) answer.put(it.next(), "");
        } else {
            return "OK";
        }
        return JSON.writeValueAsString(answer);
    }

    /** The agent's next move, from the conversation so far. */
    private List<ObjectNode> turn(JsonNode body) {
        StringBuilder userText = new StringBuilder();
        String readOutput = null;
        boolean edited = false;
        for (JsonNode content : body.path("contents")) {
            for (JsonNode part : content.path("parts")) {
                if ("user".equals(content.path("role").asText()) && part.has("text")) userText.append(part.get("text").asText()).append('\n');
                JsonNode fr = part.get("functionResponse");
                if (fr == null) continue;
                String name = fr.path("name").asText();
                if (name.equals("read_file")) readOutput = output(fr.path("response"));
                if (name.equals("replace") || name.equals("write_file")) edited = true;
            }
        }
        Step step = script.apply(userText.toString());
        List<String> tools = new ArrayList<>();
        for (JsonNode tool : body.path("tools")) for (JsonNode f : tool.path("functionDeclarations")) tools.add(f.path("name").asText());
        if (edited) return List.of(text(step.finalMessage()));
        if (readOutput == null) {
            ObjectNode args = JSON.createObjectNode().put("file_path", step.file());
            return List.of(text("Let me read " + step.file() + " first."), call("read_file", args));
        }
        String after = step.edit().apply(readOutput);
        if (tools.contains("replace")) {
            ObjectNode args = JSON.createObjectNode().put("file_path", step.file())
                    .put("instruction", step.finalMessage().lines().findFirst().orElse("edit"))
                    .put("old_string", readOutput).put("new_string", after);
            return List.of(call("replace", args));
        }
        if (tools.contains("write_file")) {
            return List.of(call("write_file", JSON.createObjectNode().put("file_path", step.file()).put("content", after)));
        }
        return List.of(text("I cannot edit files: the request declares no edit tool, only " + tools));
    }

    /** A tool's result as the CLI reports it: {"output": text} (or {"error": ...}). */
    private static String output(JsonNode response) {
        if (response.path("output").isTextual()) return response.path("output").asText();
        if (response.path("content").isTextual()) return response.path("content").asText();
        return response.toString();
    }

    /** The parts as two or more events: text first in pieces, as a model streams it, usage on the last. */
    private static void stream(ScriptedServer.Exchange exchange, String model, List<ObjectNode> parts) throws IOException {
        try (ScriptedServer.Sse sse = exchange.sse()) {
            List<ObjectNode> chunks = new ArrayList<>();
            for (ObjectNode part : parts) {
                String text = part.path("text").asText(null);
                if (text != null && text.length() > 8) {
                    int half = text.length() / 2;
                    chunks.add(text(text.substring(0, half)));
                    chunks.add(text(text.substring(half)));
                } else {
                    chunks.add(part);
                }
            }
            for (int i = 0; i < chunks.size(); i++) {
                boolean last = i == chunks.size() - 1;
                ObjectNode event = response(model, List.of(chunks.get(i)), PROMPT_TOKENS, OUTPUT_TOKENS);
                if (!last) {
                    ((ObjectNode) event.path("candidates").get(0)).remove("finishReason");
                    event.remove("usageMetadata");
                }
                sse.event(null, JSON.writeValueAsString(event));
            }
        }
    }

    private static ObjectNode response(String model, List<ObjectNode> parts, long promptTokens, long outputTokens) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode candidate = root.putArray("candidates").addObject();
        ObjectNode content = candidate.putObject("content");
        content.put("role", "model");
        ArrayNode array = content.putArray("parts");
        parts.forEach(array::add);
        candidate.put("finishReason", "STOP");
        candidate.put("index", 0);
        root.putObject("usageMetadata").put("promptTokenCount", promptTokens).put("candidatesTokenCount", outputTokens)
                .put("totalTokenCount", promptTokens + outputTokens);
        root.put("modelVersion", model);
        return root;
    }

    private static ObjectNode text(String text) {
        return JSON.createObjectNode().put("text", text);
    }

    private static ObjectNode call(String name, ObjectNode args) {
        ObjectNode part = JSON.createObjectNode();
        part.putObject("functionCall").put("name", name).set("args", args);
        return part;
    }
}
