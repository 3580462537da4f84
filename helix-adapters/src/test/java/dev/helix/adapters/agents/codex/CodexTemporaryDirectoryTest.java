package dev.helix.adapters.agents.codex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where CODEX_HOME lies under codex's temporary directory (a repository under /tmp), codex gets a
 * temporary directory of its own beside it: there codex would refuse to create the helper its
 * bubblewrap sandbox runs commands through, and no edit of the agent would land.
 */
class CodexTemporaryDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void aCodexHomeUnderTheTemporaryDirectoryGetsItsOwnBesideIt() {
        Path home = tmp.resolve("repo/.helix/runs/s/codex-home");

        assertThat(CodexBackend.temporaryDirectory(home, Map.of("TMPDIR", tmp.toString())))
                .contains(tmp.resolve("repo/.helix/runs/s/codex-tmp"));
        assertThat(tmp.resolve("repo/.helix/runs/s/codex-tmp")).isDirectory();
    }

    @Test
    void aCodexHomeElsewhereLeavesTheUsersTemporaryDirectoryAlone() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home/.helix/runs/s/codex-home"));
        Path elsewhere = Files.createDirectories(tmp.resolve("scratch"));

        assertThat(CodexBackend.temporaryDirectory(home, Map.of("TMPDIR", elsewhere.toString()))).isEmpty();
        assertThat(home.resolveSibling("codex-tmp")).doesNotExist();
    }
}
