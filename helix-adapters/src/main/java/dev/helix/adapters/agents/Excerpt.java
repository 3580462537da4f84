package dev.helix.adapters.agents;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Short pieces of an agent's output for a failure's reason: its last lines, a long text cut. */
public final class Excerpt {
    private Excerpt() {}

    /** "; last STREAM lines:\n" and the last {@code count} non-blank lines of {@code text}; "" when it has none. */
    public static String lastLines(String stream, String text, int count) {
        List<String> lines = new ArrayList<>(Arrays.asList(text.strip().split("\\R")));
        lines.removeIf(String::isBlank);
        if (lines.isEmpty()) return "";
        List<String> tail = lines.subList(Math.max(0, lines.size() - count), lines.size());
        return "; last " + stream + " lines:\n" + abbreviate(String.join("\n", tail), 2000);
    }

    /** The first {@code max} characters of {@code text}, with "…" when it is longer. */
    public static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max) + "…";
    }
}
