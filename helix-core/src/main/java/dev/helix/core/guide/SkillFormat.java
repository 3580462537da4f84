package dev.helix.core.guide;

/** The file formats agents read instructions from. */
public enum SkillFormat {
    /** Agent Skills standard (Claude Code, Codex, Gemini CLI, OpenCode, .agents): YAML front matter name and description. */
    SKILL_MD,
    /** Gemini CLI custom command: TOML with description and prompt ({@code /helix}). */
    GEMINI_COMMAND,
    /** OpenCode command: Markdown with a description front matter; {@code $ARGUMENTS} takes what follows {@code /helix}. */
    OPENCODE_COMMAND,
    /** GitHub Copilot prompt file ({@code .github/prompts/*.prompt.md}), run in agent mode. */
    COPILOT_PROMPT,
    /** Cursor project rule ({@code .mdc}), applied when the agent finds it relevant. */
    CURSOR_RULE,
    /** Windsurf workspace rule, applied on the model's decision. */
    WINDSURF_RULE
}
