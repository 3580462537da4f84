package dev.helix.adapters.agents;

import static dev.helix.adapters.agents.Excerpt.abbreviate;
import static dev.helix.adapters.agents.Excerpt.lastLines;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.agents.CliAgent.Reading;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgent.Tally;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Claude Code's stream-json output says: the init's model, what was seen before the end (the
 * messages' usage, the files edited), and the last line, {@code {"type":"result",...}}, which
 * carries the final message, cost, tokens and turns.
 */
final class ClaudeStream {
    private static final int TAIL_LINES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    String model;
    JsonNode result;
    Optional<Long> tokensIn = Optional.empty();
    Optional<Long> tokensOut = Optional.empty();
    int turns;
    final Set<String> edited = new LinkedHashSet<>();

    /** The run's answer, or why there is none. */
    static Reading reading(AgentProcess.Result run, Run context) {
        ClaudeStream stream = read(run.stdout());
        Tally tally = stream.tally();
        int timeout = context.agent().timeoutSeconds();
        if (run.timedOut()) {
            return new Reading.Failed("Claude Code did not finish within agent.timeout_seconds (" + timeout + "s)"
                    + stream.editNote() + lastLines("stderr", run.stderr(), TAIL_LINES), tally);
        }
        JsonNode result = stream.result;
        if (result == null) {
            return new Reading.Failed("Claude Code exited with code " + run.exitCode() + " without a result"
                    + lastLines("stderr", run.stderr(), TAIL_LINES) + lastLines("stdout", run.stdout(), TAIL_LINES), tally);
        }
        String subtype = result.path("subtype").asText("");
        String text = result.path("result").asText("");
        if (subtype.equals("error_max_turns")) {
            return new Reading.Failed("Claude Code reached agent.max_turns (" + context.agent().maxTurns()
                    + ") before it finished" + stream.editNote(), tally);
        }
        if (result.path("is_error").asBoolean(false) || !subtype.equals("success")) {
            List<String> errors = new ArrayList<>();
            result.path("errors").forEach(e -> errors.add(e.asText()));
            String what = !text.isBlank() ? text : String.join("; ", errors);
            int status = result.path("api_error_status").asInt(0);
            return new Reading.Failed("Claude Code failed: " + happened(subtype, status) + ": "
                    + (what.isBlank() ? "no message; exit code " + run.exitCode() : abbreviate(what, 2000))
                    + stream.editNote(), tally);
        }
        return new Reading.Answer(text, tally);
    }

    /**
     * What went wrong, in words: the result's subtype is "success" even when the API refused the
     * request (is_error with api_error_status), so the status decides where there is one.
     */
    static String happened(String subtype, int status) {
        if (status > 0) {
            String meaning = switch (status) {
                case 400 -> "the request was refused as malformed";
                case 401 -> "the API key was refused: check the key variable";
                case 403 -> "the key may not use this model or endpoint";
                case 404 -> "the model or the endpoint does not exist: check agent.model and agent.base_url";
                case 413 -> "the request was too large";
                case 429 -> "rate limited or out of quota";
                case 529 -> "the API is overloaded";
                default -> status >= 500 ? "the API's server failed" : "the API refused the request";
            };
            return "the model API answered HTTP " + status + " (" + meaning + ")";
        }
        return switch (subtype) {
            case "", "success" -> "it reported an error";
            case "error_during_execution" -> "it stopped with an error during its run";
            default -> "it ended with " + subtype.replace('_', ' ');
        };
    }

    static ClaudeStream read(String stdout) {
        ClaudeStream s = new ClaudeStream();
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
            switch (node.path("type").asText("")) {
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

    /** What the agent reported: tokens in count the cache's reads and writes too; the result's figures win. */
    Tally tally() {
        Optional<String> used = Optional.ofNullable(model);
        if (result == null) {
            return new Tally(used, tokensIn, tokensOut, Optional.empty(),
                    turns > 0 ? Optional.of(turns) : Optional.empty());
        }
        JsonNode u = result.path("usage");
        Optional<Long> in = u.isObject() ? Optional.of(u.path("input_tokens").asLong(0)
                + u.path("cache_creation_input_tokens").asLong(0) + u.path("cache_read_input_tokens").asLong(0))
                : tokensIn;
        Optional<Long> out = u.has("output_tokens") ? Optional.of(u.path("output_tokens").asLong()) : tokensOut;
        Optional<Double> cost = result.path("total_cost_usd").isNumber()
                ? Optional.of(result.path("total_cost_usd").asDouble()) : Optional.empty();
        Optional<Integer> numTurns = result.path("num_turns").isIntegralNumber()
                ? Optional.of(result.path("num_turns").asInt()) : Optional.empty();
        return new Tally(used, in, out, cost, numTurns);
    }

    /** For a failure: whether the agent had already edited files, which Helix then discards. */
    String editNote() {
        if (edited.isEmpty()) return "";
        return "; it had already edited " + edited.size() + (edited.size() == 1 ? " file" : " files")
                + ", which are discarded";
    }
}
