package dev.helix.adapters.agents.codex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.helix.adapters.agents.AgentProcess;
import dev.helix.adapters.agents.CliAgent.Reading;
import dev.helix.adapters.agents.CliAgent.Run;
import dev.helix.adapters.agents.CliAgent.Tally;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code codex exec --json} printed, one JSON event per line: {@code thread.started},
 * {@code turn.started}, {@code item.started}/{@code item.completed} (items of type
 * {@code agent_message}, {@code command_execution}, {@code file_change}, {@code reasoning},
 * {@code error}, ...), {@code turn.completed} with {@code usage} {input_tokens, cached_input_tokens,
 * output_tokens, reasoning_output_tokens}, {@code turn.failed} with {@code error.message}, and
 * top-level {@code error} events (e.g. "Reconnecting... 1/5").
 *
 * @param finalMessage the text of the last agent_message item
 * @param steps the agent's completed actions and messages (tool calls, file changes, messages)
 * @param failure the message of turn.failed
 * @param errors messages of error events and error items, in order
 */
record CodexEvents(Optional<String> finalMessage, Optional<Long> tokensIn, Optional<Long> tokensOut, int steps,
                   boolean completed, Optional<String> failure, List<String> errors) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TAIL_LINES = 8;
    private static final Set<String> STEPS = Set.of("agent_message", "command_execution", "file_change",
            "mcp_tool_call", "web_search", "collab_tool_call");

    /** The run's final message, or why there is none. */
    static Reading reading(AgentProcess.Result run, Run context) {
        CodexEvents events = parse(run.stdout());
        // Codex reports no cost: it is left empty rather than guessed from a price list.
        Tally tally = new Tally(Optional.empty(), events.tokensIn(), events.tokensOut(), Optional.empty(),
                events.steps() > 0 ? Optional.of(events.steps()) : Optional.empty());
        Spec.AgentSpec agent = context.agent();
        if (run.timedOut()) {
            return new Reading.Failed("codex did not finish within agent.timeout_seconds = " + agent.timeoutSeconds() + "s"
                    + events.errors().stream().reduce((a, b) -> b).map(e -> "; its last error: " + e).orElse(""), tally);
        }
        if (events.failure().isPresent()) {
            // codex words HTTP errors its own way (a 500 reads "experiencing high demand"): name the server
            return new Reading.Failed("codex failed: " + events.failure().get() + " (model provider "
                    + CodexConfig.baseUrl(agent) + ", exit code " + run.exitCode() + "; transcript "
                    + context.request().experiment() + ".agent.log)", tally);
        }
        if (run.exitCode() != 0) {
            return new Reading.Failed("codex exited with code " + run.exitCode()
                    + events.errors().stream().reduce((a, b) -> b).map(e -> ": " + e).orElse("")
                    + tail("stderr", run.stderr()), tally);
        }
        if (events.finalMessage().isEmpty()) {
            return new Reading.Failed("codex ended without a final message"
                    + (events.completed() ? "" : " (no turn.completed event)")
                    + tail("stdout", run.stdout()) + tail("stderr", run.stderr()), tally);
        }
        return new Reading.Answer(events.finalMessage().get(), tally);
    }

    static CodexEvents parse(String stdout) {
        String finalMessage = null;
        long in = 0;
        long out = 0;
        boolean usage = false;
        int steps = 0;
        boolean completed = false;
        String failure = null;
        List<String> errors = new ArrayList<>();
        for (String line : stdout.split("\\R")) {
            String l = line.strip();
            if (!l.startsWith("{")) continue;
            JsonNode event;
            try {
                event = JSON.readTree(l);
            } catch (IOException e) {
                continue; // a line cut by the output cap, or not ours
            }
            switch (event.path("type").asText()) {
                case "item.completed" -> {
                    JsonNode item = event.path("item");
                    String type = item.path("type").asText();
                    if (STEPS.contains(type)) steps++;
                    if (type.equals("agent_message") && item.path("text").isTextual()) finalMessage = item.path("text").asText();
                    if (type.equals("error") && item.path("message").isTextual()) errors.add(item.path("message").asText());
                }
                case "turn.completed" -> {
                    completed = true;
                    JsonNode u = event.path("usage");
                    if (u.isObject()) {
                        usage = true;
                        in += u.path("input_tokens").asLong(0);
                        out += u.path("output_tokens").asLong(0);
                    }
                }
                case "turn.failed" -> failure = event.path("error").path("message").asText("the turn failed");
                case "error" -> errors.add(event.path("message").asText(""));
                default -> { }
            }
        }
        return new CodexEvents(Optional.ofNullable(finalMessage), usage ? Optional.of(in) : Optional.empty(),
                usage ? Optional.of(out) : Optional.empty(), steps, completed, Optional.ofNullable(failure), List.copyOf(errors));
    }

    /** The last lines of a stream, and of those at most the last 2,000 characters. */
    private static String tail(String stream, String text) {
        List<String> lines = new ArrayList<>(text.strip().lines().filter(l -> !l.isBlank()).toList());
        if (lines.isEmpty()) return "";
        String last = String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        return "; last " + stream + " lines:\n" + (last.length() > 2000 ? last.substring(last.length() - 2000) : last);
    }
}
