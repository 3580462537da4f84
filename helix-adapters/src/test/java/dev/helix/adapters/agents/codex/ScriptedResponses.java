package dev.helix.adapters.agents.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.helix.adapters.testing.ScriptedServer;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A model behind OpenAI's Responses API, as the Codex CLI (0.169) talks to it: {@code POST
 * <base_url>/responses} with {@code "stream": true}, the conversation in {@code input} and the
 * tools in {@code tools}, answered with server-sent events ({@code response.created},
 * {@code response.output_item.added}, {@code response.output_text.delta},
 * {@code response.output_item.done}, {@code response.completed} with {@code usage}).
 *
 * <p>It decides from what each request holds, not from a fixed sequence: with no tool output yet
 * it calls a tool that applies the script's patch (the {@code apply_patch} tool when the request
 * offers one, else {@code exec_command} running an {@code apply_patch} heredoc, which codex
 * intercepts and applies itself); once the tool's output is in the input it answers with the final
 * message. The script chooses patch and message from the prompt (the user message).
 */
public final class ScriptedResponses implements ScriptedServer.Handler {
    /** What the model does for one prompt: the patch (codex's apply_patch format), then its final message. */
    public record Step(String patch, String finalMessage) {}

    public static final long TOKENS_IN = 1200;
    public static final long TOKENS_OUT = 80;
    static final String CALL_ID = "call_helix_edit";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Function<String, Step> script;
    private final AtomicInteger responses = new AtomicInteger();
    private final List<String> toolOutputs = new CopyOnWriteArrayList<>();

    public ScriptedResponses(Function<String, Step> script) {
        this.script = script;
    }

    /** The same step for every prompt. */
    public static ScriptedResponses always(String patch, String finalMessage) {
        return new ScriptedResponses(prompt -> new Step(patch, finalMessage));
    }

    /** A patch replacing one line of one file. */
    public static String replaceLine(String file, String oldLine, String newLine) {
        return "*** Begin Patch\n*** Update File: " + file + "\n@@\n-" + oldLine + "\n+" + newLine + "\n*** End Patch\n";
    }

    /** How many responses were streamed. */
    public int responses() {
        return responses.get();
    }

    /** What codex sent back as the edit tool's output, one per experiment (shows a failed patch). */
    public List<String> toolOutputs() {
        return List.copyOf(toolOutputs);
    }

    @Override
    public void handle(ScriptedServer.Exchange exchange) throws IOException {
        ScriptedServer.Request request = exchange.request;
        if (!request.method().equals("POST") || !request.path().endsWith("/responses")) {
            exchange.json(404, "{\"error\":{\"message\":\"no such endpoint: " + request.path() + "\"}}");
            return;
        }
        JsonNode body = JSON.readTree(request.body());
        String prompt = prompt(body.path("input"));
        Step step = script.apply(prompt);
        String toolOutput = toolOutput(body.path("input"));

        int n = responses.incrementAndGet();
        String id = "resp_" + n;
        try (ScriptedServer.Sse sse = exchange.sse()) {
            sse.event("response.created", event("response.created").set("response", response(id)).toString());
            ObjectNode item;
            if (toolOutput == null) {
                item = editCall(body.path("tools"), step.patch());
                sse.event("response.output_item.added", added(item).toString());
                if (item.path("type").asText().equals("function_call")) {
                    ObjectNode delta = event("response.function_call_arguments.delta");
                    delta.put("item_id", item.path("id").asText()).put("output_index", 0)
                            .put("delta", item.path("arguments").asText());
                    sse.event("response.function_call_arguments.delta", delta.toString());
                }
            } else {
                toolOutputs.add(toolOutput);
                item = message(step.finalMessage());
                ObjectNode empty = item.deepCopy();
                empty.putArray("content");
                sse.event("response.output_item.added", added(empty).toString());
                ObjectNode delta = event("response.output_text.delta");
                delta.put("item_id", item.path("id").asText()).put("output_index", 0).put("content_index", 0)
                        .put("delta", step.finalMessage());
                sse.event("response.output_text.delta", delta.toString());
            }
            ObjectNode done = event("response.output_item.done");
            done.put("output_index", 0).set("item", item);
            sse.event("response.output_item.done", done.toString());
            ObjectNode completed = event("response.completed");
            ObjectNode response = response(id);
            response.put("status", "completed");
            ObjectNode usage = response.putObject("usage");
            usage.put("input_tokens", TOKENS_IN);
            usage.putObject("input_tokens_details").put("cached_tokens", 0);
            usage.put("output_tokens", TOKENS_OUT);
            usage.putObject("output_tokens_details").put("reasoning_tokens", 0);
            usage.put("total_tokens", TOKENS_IN + TOKENS_OUT);
            completed.set("response", response);
            sse.event("response.completed", completed.toString());
        }
    }

    /** The text of the user messages: the Helix prompt is among them (codex adds its environment context). */
    static String prompt(JsonNode input) {
        StringBuilder b = new StringBuilder();
        for (JsonNode item : input) {
            if (!"user".equals(item.path("role").asText())) continue;
            for (JsonNode part : item.path("content")) {
                if (part.path("text").isTextual()) b.append(part.path("text").asText()).append('\n');
            }
        }
        return b.toString();
    }

    /** The output codex returned for our edit call, or null before there is one. */
    private static String toolOutput(JsonNode input) {
        for (JsonNode item : input) {
            String type = item.path("type").asText();
            if ((type.equals("function_call_output") || type.equals("custom_tool_call_output"))
                    && CALL_ID.equals(item.path("call_id").asText())) {
                JsonNode output = item.path("output");
                return output.isTextual() ? output.asText() : output.toString();
            }
        }
        return null;
    }

    /** A call of whichever edit tool the request offers. */
    private static ObjectNode editCall(JsonNode tools, String patch) {
        ObjectNode item = JSON.createObjectNode();
        item.put("status", "completed").put("call_id", CALL_ID);
        JsonNode applyPatch = tool(tools, "apply_patch");
        if (applyPatch != null && applyPatch.path("type").asText().equals("custom")) {
            item.put("type", "custom_tool_call").put("id", "ctc_1").put("name", "apply_patch").put("input", patch);
        } else if (applyPatch != null) {
            item.put("type", "function_call").put("id", "fc_1").put("name", "apply_patch")
                    .put("arguments", JSON.createObjectNode().put("input", patch).toString());
        } else if (tool(tools, "exec_command") != null) {
            item.put("type", "function_call").put("id", "fc_1").put("name", "exec_command")
                    .put("arguments", JSON.createObjectNode().put("cmd", "apply_patch <<'PATCH'\n" + patch + "PATCH\n").toString());
        } else {
            throw new IllegalStateException("the request offers no tool to edit files with: " + tools);
        }
        return item;
    }

    private static JsonNode tool(JsonNode tools, String name) {
        for (JsonNode t : tools) if (name.equals(t.path("name").asText())) return t;
        return null;
    }

    private static ObjectNode message(String text) {
        ObjectNode item = JSON.createObjectNode();
        item.put("type", "message").put("id", "msg_1").put("role", "assistant").put("status", "completed");
        ObjectNode part = item.putArray("content").addObject();
        part.put("type", "output_text").put("text", text);
        part.putArray("annotations");
        return item;
    }

    private static ObjectNode added(ObjectNode item) {
        ObjectNode added = event("response.output_item.added");
        added.put("output_index", 0).set("item", item);
        return added;
    }

    private static ObjectNode response(String id) {
        ObjectNode response = JSON.createObjectNode();
        response.put("id", id).put("object", "response");
        return response;
    }

    private static ObjectNode event(String type) {
        return JSON.createObjectNode().put("type", type);
    }
}
