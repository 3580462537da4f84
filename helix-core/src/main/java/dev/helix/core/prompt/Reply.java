package dev.helix.core.prompt;

import java.util.Optional;

/**
 * What an agent said about its change: the first line of its final message is the description,
 * a line starting with "Hypothesis:" the hypothesis.
 */
public record Reply(String description, Optional<String> hypothesis) {

    /** Reads an agent's final message; a blank message gives an empty description. */
    public static Reply parse(String message) {
        String description = "";
        Optional<String> hypothesis = Optional.empty();
        for (String raw : (message == null ? "" : message).strip().lines().toList()) {
            String line = clean(raw);
            if (line.isEmpty() || line.startsWith("```") || line.startsWith("<<<<<<<")) continue;
            String lower = line.toLowerCase(java.util.Locale.ROOT);
            if (lower.startsWith("hypothesis:")) {
                if (hypothesis.isEmpty()) hypothesis = Optional.of(line.substring("hypothesis:".length()).strip());
            } else if (description.isEmpty()) {
                description = lower.startsWith("description:") ? line.substring("description:".length()).strip() : line;
            }
        }
        if (description.length() > 200) description = description.substring(0, 197) + "...";
        return new Reply(description, hypothesis.filter(h -> !h.isEmpty()));
    }

    /** Drops markdown decoration: "## ", "**", "- ". */
    private static String clean(String line) {
        String l = line.strip().replaceAll("^(#+|[-*]|\\d+\\.)\\s+", "").replace("**", "").replace("__", "").strip();
        return l;
    }
}
