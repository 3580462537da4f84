package dev.helix.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.adapters.store.SessionLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkspaceTest {

    @TempDir
    Path dir;

    @Test
    void outsideARepositoryItIsAUsageErrorWithTheGivenFix() {
        assertThatThrownBy(() -> Workspace.open(dir, "run it in your repository"))
                .isInstanceOfSatisfying(AppException.class, e -> {
                    assertThat(e.kind()).isEqualTo(AppException.Kind.USAGE);
                    assertThat(e.code()).isEqualTo("not_a_repository");
                    assertThat(e.getMessage()).isEqualTo("not a git repository: " + dir);
                    assertThat(e.suggestion()).isEqualTo("run it in your repository");
                });
        assertThat(Workspace.find(dir)).isEmpty();
    }

    @Test
    void findsTheTopLevelFromASubdirectoryAndKeepsItsFilesUnderHelix() throws Exception {
        git("init", "-q");
        Path sub = Files.createDirectories(dir.resolve("src/deep"));

        Workspace workspace = Workspace.open(sub, "unused");

        assertThat(workspace.repo().toRealPath()).isEqualTo(dir.toRealPath());
        assertThat(workspace.helixDir()).isEqualTo(workspace.repo().resolve(".helix"));
        assertThat(workspace.ledger().read().experiments()).isEmpty();
        assertThat(workspace.findSpec()).isEmpty();
        assertThat(workspace.sessionId("nov23")).matches("helix-nov23-[0-9a-f]{12}");
        assertThatThrownBy(workspace::spec).isInstanceOfSatisfying(AppException.class,
                e -> assertThat(e.code()).isEqualTo("no_spec"));
    }

    @Test
    void aSecondHolderOfASessionsLockIsARuntimeError() throws Exception {
        git("init", "-q");
        Workspace workspace = Workspace.open(dir, "unused");
        Files.createDirectories(workspace.helixDir());
        try (SessionLock held = workspace.lock("nov23")) {
            assertThat(held).isNotNull();
            assertThatThrownBy(() -> Workspace.open(dir, "unused").lock("nov23")).isInstanceOfSatisfying(AppException.class, e -> {
                assertThat(e.kind()).isEqualTo(AppException.Kind.RUNTIME);
                assertThat(e.code()).isEqualTo("session_running");
            });
        }
    }

    private void git(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
    }
}
