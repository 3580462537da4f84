package dev.helix.core.spec;

import java.util.List;

/** The backends and executors Helix's adapters offer, as the core's tests name them (the adapters' tests check they agree). */
final class HelixNames {

    static final KnownNames KNOWN = new KnownNames(
            List.of("claude", "codex", "gemini", "opencode", "openai", "anthropic", "command", "tune"),
            List.of("local", "slurm"));

    private HelixNames() {}
}
