package dev.helix.adapters.agents.gemini;

import static dev.helix.adapters.agents.Excerpt.abbreviate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.agents.AgentProcess;
import dev.helix.adapters.agents.CliAgent.Reading;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgent.Tally;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the Gemini CLI printed: the JSON document it prints at the end, on stdout ({"response":
 * ..., "stats": ...}), or its errors as {"error": ...} on stderr.
 */
final class GeminiOutput {
    private static final int TAIL_LINES = 12;
    private static final ObjectMapper JSON = new ObjectMapper();

    private GeminiOutput() {}

    /** The run's final message, or why there is none. */
    static Reading reading(AgentProcess.Result run, Run context) {
        if (run.timedOut()) {
            return new Reading.Failed("gemini timed out after " + context.agent().timeoutSeconds()
                    + "s (agent.timeout_seconds)" + lastLines("stderr", run.stderr()), Tally.NONE);
        }
        Optional<JsonNode> result = lastJsonObject(run.stdout()).or(() -> lastJsonObject(run.stderr()));
        Tally tally = tally(result.map(r -> r.get("stats")).orElse(null));
        JsonNode error = result.map(r -> r.get("error")).filter(e -> e != null && !e.isNull()).orElse(null);
        if (error != null) {
            return new Reading.Failed("gemini failed: " + errorMessage(error), tally);
        }
        if (run.exitCode() != 0) {
            return new Reading.Failed("gemini exited with code " + run.exitCode() + lastLines("stderr", run.stderr()), tally);
        }
        JsonNode response = result.map(r -> r.get("response")).orElse(null);
        if (response == null || !response.isTextual()) {
            return new Reading.Failed("gemini printed no JSON result with a response" + lastLines("stdout", run.stdout())
                    + lastLines("stderr", run.stderr()), tally);
        }
        return new Reading.Answer(response.asText(), tally);
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
     * agent's model requests; the model is the one the main agent used.
     */
    private static Tally tally(JsonNode stats) {
        JsonNode models = stats == null ? null : stats.get("models");
        if (models == null || !models.isObject() || models.isEmpty()) return Tally.NONE;
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
        return new Tally(Optional.ofNullable(mainModel), Optional.of(in), Optional.of(out), Optional.empty(),
                turns > 0 ? Optional.of(turns) : Optional.empty());
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

    /** The last lines of a stream, without the CLI's stack frames and start-up warnings. */
    private static String lastLines(String stream, String text) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
        lines.removeIf(l -> l.isBlank() || l.startsWith("    at ") || l.startsWith("Warning: 256-color")
                || l.startsWith("Ripgrep is not available"));
        if (lines.isEmpty()) return "; nothing on " + stream;
        List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
        return "; last " + stream + " lines:\n" + abbreviate(String.join("\n", tail), 2000);
    }
}
