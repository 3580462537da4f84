package dev.helix.adapters.agents.opencode;

import static dev.helix.adapters.agents.Excerpt.abbreviate;
import static dev.helix.adapters.agents.Excerpt.lastLines;

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
 * What {@code opencode run --format json} printed, one JSON event per line: the last text, tokens
 * and cost summed over steps, the first error.
 */
record OpencodeEvents(String finalText, long tokensIn, long tokensOut, double cost, int steps, boolean sawTokens,
                      Optional<String> error) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The run's final message, or why there is none. */
    static Reading reading(AgentProcess.Result run, Run context) {
        OpencodeEvents events = of(run.stdout());
        Tally tally = events.tally();
        if (run.timedOut()) {
            return new Reading.Failed("OpenCode timed out after " + context.agent().timeoutSeconds()
                    + "s (agent.timeout_seconds)" + events.error.or(() -> lastLogError(run.stderr()))
                    .map(e -> "; last error: " + e).orElse(""), tally);
        }
        if (events.error.isPresent()) {
            return new Reading.Failed("OpenCode reported an error: " + events.error.get(), tally);
        }
        if (run.exitCode() != 0) {
            return new Reading.Failed("OpenCode exited with code " + run.exitCode() + lastLines("stderr", run.stderr(), 10), tally);
        }
        if (events.finalText.isBlank()) {
            return new Reading.Failed("OpenCode ended without a final message" + (events.steps == 0
                    ? " (no JSON events on stdout)" + lastLines("stderr", run.stderr(), 10) : ""), tally);
        }
        return new Reading.Answer(events.finalText, tally);
    }

    static OpencodeEvents of(String stdout) {
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
        return new OpencodeEvents(text, in, out, cost, steps, tokens, error);
    }

    private Tally tally() {
        return new Tally(Optional.empty(),
                sawTokens ? Optional.of(tokensIn) : Optional.empty(),
                sawTokens ? Optional.of(tokensOut) : Optional.empty(),
                cost > 0 ? Optional.of(cost) : Optional.empty(),
                steps > 0 ? Optional.of(steps) : Optional.empty());
    }

    private static String errorMessage(JsonNode error) {
        JsonNode data = error.path("data");
        String message = data.path("message").asText("");
        String name = error.path("name").asText("error");
        if (message.isBlank()) return name;
        return data.has("statusCode") ? message + " (" + name + ", HTTP " + data.path("statusCode").asInt() + ")" : message + " (" + name + ")";
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
}
