package dev.helix.cli;

import dev.helix.adapters.install.SkillInstaller.Installation;
import dev.helix.core.guide.SkillTarget;
import java.util.List;
import java.util.Locale;

/** What {@code helix install} did: for which agent, where, and what became of each file. */
record InstallView(String agent, String product, String scope, boolean changed, List<Placed> files) {

    /** One file of the skill and what became of it: written, updated, unchanged... */
    record Placed(String file, String outcome) {}

    static InstallView of(SkillTarget target, Installation result) {
        return new InstallView(target.agent(), target.product(), result.project() ? "project" : "user", !result.changedNothing(),
                result.placements().stream().map(p -> new Placed(p.file().toString(), p.outcome().name().toLowerCase(Locale.ROOT))).toList());
    }

    /** One line per file: its outcome, then its path. */
    String placements() {
        return String.join("\n", files.stream().map(f -> String.format(Locale.ROOT, "%-9s %s", f.outcome(), f.file())).toList());
    }

    /** The closing line for people. */
    String summary() {
        return changed ? product + " now knows the Helix loop. " + howToStart(agent) : "Already installed; nothing changed.";
    }

    /** How to start the agent on the loop, in its own words. */
    static String howToStart(String agent) {
        return switch (agent) {
            case "claude" -> "Start it in the repository and say: use the helix skill (or /helix).";
            case "gemini", "opencode" -> "Start it in the repository and type /helix.";
            case "copilot" -> "In VS Code's Copilot chat (agent mode), run /helix.";
            case "codex" -> "Start it in the repository and say: use the helix skill ($helix).";
            default -> "Ask the agent to run the Helix experiment loop in this repository.";
        };
    }
}
