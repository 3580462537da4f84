package dev.helix.core.guide;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The methodology an agent follows when it drives Helix itself (read, hypothesize, edit,
 * {@code helix try}, read the verdict, repeat), written once and rendered in each agent's native
 * format. {@code helix guide} prints the same text for people.
 */
public final class Skill {
    /** The skill's name wherever an agent wants one. */
    public static final String NAME = "helix";

    /** When an agent should use the skill: shown in skill lists, so it says what and when. */
    public static final String DESCRIPTION = "Run an autonomous Helix experiment loop in this repository. Read program.md "
            + "and the ledger, make one focused change at a time, evaluate it with helix try, let Helix keep or revert it, "
            + "and repeat without stopping to ask. Use when asked to optimize a metric with Helix or to run experiments "
            + "in a repository that has a helix.yaml.";

    /** What marks a file as Helix's own: {@code helix install} may update such a file, and no other. */
    public static final String MARKER = "helix:managed";

    private static final String MARKER_TEXT = MARKER + " (written by `helix install`, which updates this file; "
            + "delete this line to keep your own edits)";

    private static final String BODY = load();

    private Skill() {}

    /** The methodology as Markdown, for people and agents alike. */
    public static String body() {
        return BODY;
    }

    /** Whether {@code text} is a file {@code helix install} wrote. */
    public static boolean isHelixFile(String text) {
        return text.contains(MARKER);
    }

    /** The skill as a file of the given format. */
    public static String render(SkillFormat format) {
        String md = "<!-- " + MARKER_TEXT + " -->\n\n" + BODY;
        return switch (format) {
            case SKILL_MD -> frontMatter("name: " + NAME, "description: " + yaml(DESCRIPTION)) + md;
            case OPENCODE_COMMAND -> frontMatter("description: " + yaml(DESCRIPTION)) + md
                    + "\nWhat the person asked for, if anything: $ARGUMENTS\n";
            case COPILOT_PROMPT -> frontMatter("mode: agent", "description: " + yaml(DESCRIPTION)) + md;
            case CURSOR_RULE -> frontMatter("description: " + yaml(DESCRIPTION), "globs:", "alwaysApply: false") + md;
            case WINDSURF_RULE -> frontMatter("trigger: model_decision", "description: " + yaml(DESCRIPTION)) + md;
            case GEMINI_COMMAND -> "# " + MARKER_TEXT + "\n"
                    + "description = " + tomlString(DESCRIPTION) + "\n"
                    + "prompt = \"\"\"\n" + tomlMultiline(BODY + "\nWhat the person asked for, if anything: {{args}}\n") + "\"\"\"\n";
        };
    }

    private static String frontMatter(String... lines) {
        return "---\n" + String.join("\n", lines) + "\n---\n";
    }

    /** A double-quoted YAML scalar: safe whatever punctuation the text holds. */
    private static String yaml(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String tomlString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String tomlMultiline(String text) {
        // Gemini CLI expands !{...} (shell) and @{...} (files) in a command's prompt: the skill must hold neither.
        if (text.contains("!{") || text.contains("@{")) {
            throw new IllegalStateException("the skill text must not contain !{ or @{ (Gemini CLI would expand them)");
        }
        return text.replace("\\", "\\\\").replace("\"\"\"", "\"\"\\\"");
    }

    private static String load() {
        try (InputStream in = Skill.class.getResourceAsStream("loop.md")) {
            if (in == null) throw new IllegalStateException("the resource dev/helix/core/guide/loop.md is missing");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
