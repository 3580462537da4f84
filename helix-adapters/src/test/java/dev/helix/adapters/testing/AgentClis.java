package dev.helix.adapters.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Where the real agent CLIs are for tests: ./run-tests installs them from the npm registry into
 * $HELIX_TEST_TOOLS (default ~/.cache/helix-test-tools) and sets HELIX_REQUIRE_AGENT_CLIS=1, so in
 * CI a missing CLI fails the test; a developer without them sees the test skipped with the fix.
 */
public final class AgentClis {
    private AgentClis() {}

    public static Path toolsDir() {
        String dir = System.getenv("HELIX_TEST_TOOLS");
        return dir != null && !dir.isBlank() ? Path.of(dir) : Path.of(System.getProperty("user.home"), ".cache", "helix-test-tools");
    }

    /** The CLI's executable, e.g. "claude", "codex", "gemini", "opencode". */
    public static Optional<Path> find(String name) {
        Path local = toolsDir().resolve("node_modules").resolve(".bin").resolve(name);
        if (Files.isExecutable(local)) return Optional.of(local);
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) return Optional.of(Path.of(dir, name));
        }
        return Optional.empty();
    }

    /** The CLI, or the test is skipped (failed when HELIX_REQUIRE_AGENT_CLIS=1) with how to install it. */
    public static Path require(String name) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            String message = name + " is not installed in " + toolsDir() + " or on PATH: run ./run-tests, which installs it";
            if ("1".equals(System.getenv("HELIX_REQUIRE_AGENT_CLIS"))) throw new AssertionError(message);
            Assumptions.abort(message);
        }
        return found.get();
    }
}
