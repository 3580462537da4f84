package dev.helix.adapters.specio;

import dev.helix.adapters.process.Programs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which agent backend a new helix.yaml names: the first coding-agent CLI found on PATH, or none,
 * since {@code helix try} and {@code helix record} need no agent and naming one that is not
 * installed only makes {@code helix doctor} fail. Also answers whether a spec names a backend.
 */
public final class AgentChoice {
    /** The coding-agent CLIs Helix drives, in the order they are preferred, with their program names. */
    static final List<Map.Entry<String, String>> CLIS = List.of(
            Map.entry("claude", "claude"), Map.entry("codex", "codex"), Map.entry("gemini", "gemini"),
            Map.entry("opencode", "opencode"));

    private AgentChoice() {}

    /** The backend of the first agent CLI on the PATH of {@code env}, if any. */
    public static Optional<String> onPath(Map<String, String> env) {
        return CLIS.stream().filter(c -> Programs.onPath(c.getValue(), env)).map(Map.Entry::getKey).findFirst();
    }

    /** The hint for a spec that names no backend. */
    public static String noneHint() {
        return "No coding-agent CLI (" + String.join(", ", CLIS.stream().map(Map.Entry::getValue).toList())
                + ") is on PATH, so helix.yaml names no agent backend: helix try and helix record need none."
                + " For helix run, install one and set agent.backend (or use backend: command or tune).";
    }

    /**
     * Whether the spec file names agent.backend itself. Only helix.yaml can: the other formats
     * (autoresearch.toml, research.json, CLAUDE.md) come from tools whose agent drives itself.
     */
    public static boolean named(Path specFile) {
        String name = String.valueOf(specFile.getFileName()).toLowerCase(Locale.ROOT);
        if (!name.endsWith(".yaml") && !name.endsWith(".yml")) return false;
        try {
            Object root = YamlTree.parse(Files.readString(specFile), name).root();
            return root instanceof Map<?, ?> top && top.get("agent") instanceof Map<?, ?> agent && agent.get("backend") != null;
        } catch (IOException | RuntimeException e) {
            return true; // unreadable: the spec check reports it; assume the backend was meant
        }
    }
}
