package dev.helix.app.trying;

import dev.helix.app.Workspace;
import dev.helix.core.session.Driver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Whether a repository is used by an agent that drives itself ({@code helix try}, {@code helix
 * record}): such a repository needs no agent backend, and its checkout stays on the session branch
 * between calls, as it should.
 */
public final class AgentDriven {
    private AgentDriven() {}

    /** Where {@code helix try} keeps what the checkout looked like after its last call of session {@code tag}. */
    static Path state(Path helixDir, String tag) {
        return helixDir.resolve("try").resolve(tag + ".json");
    }

    /** The tag of the agent-driven session whose branch helix/&lt;tag&gt; is checked out, if any. */
    public static Optional<String> checkedOut(Workspace workspace) {
        return workspace.git().currentBranch(workspace.repo()).filter(b -> b.startsWith("helix/")).map(b -> b.substring(6))
                .filter(tag -> Files.exists(state(workspace.helixDir(), tag))
                        || Driver.of(workspace.ledger().readTag(tag).experiments()) == Driver.AGENT);
    }

    /** Whether the latest session was driven by an agent, or {@code helix try} has been used here at all. */
    public static boolean repository(Workspace workspace) {
        if (Files.isDirectory(workspace.helixDir().resolve("try"))) return true;
        return workspace.ledger().latestTag()
                .map(tag -> Driver.of(workspace.ledger().readTag(tag).experiments()) == Driver.AGENT).orElse(false);
    }
}
