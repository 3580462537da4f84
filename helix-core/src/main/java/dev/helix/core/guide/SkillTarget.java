package dev.helix.core.guide;

import java.util.List;
import java.util.Optional;

/**
 * Where each agent reads the skill from, user-wide and per repository. A path is relative to its
 * {@link Root}; the adapter that writes the files resolves the roots.
 *
 * @param agent the name {@code helix install} takes
 * @param product the agent as people call it
 * @param user the files for every repository of this user, or empty when the agent reads only repository files
 * @param project the files inside one repository
 */
public record SkillTarget(String agent, String product, List<Place> user, List<Place> project) {

    /** Where a path starts. */
    public enum Root {
        /** The user's home directory. */
        HOME,
        /** {@code $CODEX_HOME}, by default {@code ~/.codex}. */
        CODEX_HOME,
        /** {@code $XDG_CONFIG_HOME}, by default {@code ~/.config}. */
        XDG_CONFIG,
        /** The repository's top-level directory. */
        REPOSITORY
    }

    /** One file of one agent. */
    public record Place(Root root, String path, SkillFormat format) {}

    public SkillTarget {
        user = List.copyOf(user);
        project = List.copyOf(project);
    }

    /** Whether the agent reads instructions only from inside a repository. */
    public boolean repositoryOnly() {
        return user.isEmpty();
    }

    /** The files to write: the user's, or the repository's with {@code --project} or for repository-only agents. */
    public List<Place> places(boolean project) {
        return project || repositoryOnly() ? this.project : user;
    }

    public static final List<SkillTarget> ALL = List.of(
            new SkillTarget("claude", "Claude Code",
                    List.of(skill(Root.HOME, ".claude/skills")),
                    List.of(skill(Root.REPOSITORY, ".claude/skills"))),
            new SkillTarget("codex", "Codex",
                    List.of(skill(Root.CODEX_HOME, "skills")),
                    List.of(skill(Root.REPOSITORY, ".agents/skills"))),
            new SkillTarget("gemini", "Gemini CLI",
                    List.of(skill(Root.HOME, ".gemini/skills"),
                            new Place(Root.HOME, ".gemini/commands/helix.toml", SkillFormat.GEMINI_COMMAND)),
                    List.of(skill(Root.REPOSITORY, ".gemini/skills"),
                            new Place(Root.REPOSITORY, ".gemini/commands/helix.toml", SkillFormat.GEMINI_COMMAND))),
            new SkillTarget("opencode", "OpenCode",
                    List.of(new Place(Root.XDG_CONFIG, "opencode/command/helix.md", SkillFormat.OPENCODE_COMMAND)),
                    List.of(new Place(Root.REPOSITORY, ".opencode/command/helix.md", SkillFormat.OPENCODE_COMMAND))),
            new SkillTarget("copilot", "GitHub Copilot", List.of(),
                    List.of(new Place(Root.REPOSITORY, ".github/prompts/helix.prompt.md", SkillFormat.COPILOT_PROMPT))),
            new SkillTarget("cursor", "Cursor", List.of(),
                    List.of(new Place(Root.REPOSITORY, ".cursor/rules/helix.mdc", SkillFormat.CURSOR_RULE))),
            new SkillTarget("windsurf", "Windsurf", List.of(),
                    List.of(new Place(Root.REPOSITORY, ".windsurf/rules/helix.md", SkillFormat.WINDSURF_RULE))),
            new SkillTarget("agents", "any agent reading .agents/skills",
                    List.of(skill(Root.HOME, ".agents/skills")),
                    List.of(skill(Root.REPOSITORY, ".agents/skills"))));

    public static Optional<SkillTarget> find(String agent) {
        return ALL.stream().filter(t -> t.agent().equals(agent)).findFirst();
    }

    public static List<String> names() {
        return ALL.stream().map(SkillTarget::agent).toList();
    }

    private static Place skill(Root root, String dir) {
        return new Place(root, dir + "/" + Skill.NAME + "/SKILL.md", SkillFormat.SKILL_MD);
    }

}
