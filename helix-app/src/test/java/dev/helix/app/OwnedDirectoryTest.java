package dev.helix.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helix deletes a directory only when it made it: a user's directory named like Helix's hold-out
 * homes, or a user's worktree where Helix keeps its own, survives on real files and real git;
 * Helix's own is replaced or removed.
 */
class OwnedDirectoryTest {
    @TempDir
    Path dir;

    @Test
    void aUsersDirectoryNamedLikeAHoldoutHomeSurvivesAndHelixsOwnGoes() throws Exception {
        Path mine = Files.createDirectories(dir.resolve("helix-holdout-mine"));
        Files.writeString(mine.resolve("notes.txt"), "my notes\n");
        Path forged = Files.createDirectories(dir.resolve("helix-holdout-other"));
        Files.writeString(forged.resolve(".helix-holdout-owner"), "not the line Helix writes\npid=1\n");
        Files.writeString(forged.resolve("data.csv"), "a,b\n");
        Path linked = Files.createDirectories(dir.resolve("helix-holdout-linked"));
        Files.writeString(dir.resolve("elsewhere"), "helix hold-out directory\npid=1\n");
        Files.createSymbolicLink(linked.resolve(".helix-holdout-owner"), dir.resolve("elsewhere"));
        Path unnamed = Files.createDirectories(dir.resolve("holdout-work"));
        OwnedDirectory.HOLDOUT_HOME.mark(unnamed, Map.of("pid", "1")); // Helix's marker, but not a name Helix gives

        for (Path p : List.of(mine, forged, linked, unnamed)) {
            assertThat(OwnedDirectory.HOLDOUT_HOME.owns(p)).as(p.toString()).isFalse();
            assertThat(OwnedDirectory.HOLDOUT_HOME.delete(p)).as(p.toString()).isFalse();
        }
        assertThat(mine.resolve("notes.txt")).hasContent("my notes");
        assertThat(forged.resolve("data.csv")).exists();
        assertThat(dir.resolve("elsewhere")).exists();
        assertThat(unnamed).isDirectory();

        Path helixs = Files.createDirectories(dir.resolve("helix-holdout-123"));
        OwnedDirectory.HOLDOUT_HOME.mark(helixs, Map.of("pid", "1"));
        Files.createDirectories(helixs.resolve("worktree/src"));
        Files.createSymbolicLink(helixs.resolve("worktree/link"), mine); // removed as a link, never followed
        assertThat(OwnedDirectory.HOLDOUT_HOME.owner(helixs)).contains(Map.of("pid", "1"));
        assertThat(OwnedDirectory.HOLDOUT_HOME.delete(helixs)).isTrue();
        assertThat(helixs).doesNotExist();
        assertThat(mine.resolve("notes.txt")).hasContent("my notes");
    }

    @Test
    void aUsersWorktreeWhereHelixKeepsItsOwnSurvivesAndHelixsOwnIsReplaced() throws Exception {
        git("init", "-q", "-b", "main");
        Files.writeString(dir.resolve("a.txt"), "one\n");
        git("add", "-A");
        git("-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "-q", "-m", "one");
        Workspace workspace = Workspace.open(dir, "unused");
        String head = workspace.git().resolve(workspace.repo(), "HEAD").orElseThrow();

        Path helixs = workspace.auxiliaryWorktree("verify", "s", "1");
        workspace.replaceAuxiliaryWorktree(helixs, java.util.Optional.empty(), head);
        Files.writeString(helixs.resolve("a.txt"), "left by a killed command\n");
        workspace.replaceAuxiliaryWorktree(helixs, java.util.Optional.empty(), head); // Helix's own: replaced
        assertThat(helixs.resolve("a.txt")).hasContent("one");

        Path users = workspace.auxiliaryWorktree("verify", "s", "2");
        git("worktree", "add", "-q", "--detach", users.toString(), "HEAD");
        Files.writeString(users.resolve("a.txt"), "my uncommitted work\n");
        assertThatThrownBy(() -> workspace.replaceAuxiliaryWorktree(users, java.util.Optional.empty(), head))
                .isInstanceOfSatisfying(AppException.class, e -> {
                    assertThat(e.code()).isEqualTo("worktree_not_helix");
                    assertThat(e.suggestion()).contains("git worktree remove");
                });
        assertThat(users.resolve("a.txt")).hasContent("my uncommitted work");

        Path plain = workspace.auxiliaryWorktree("try", "s", "baseline");
        Files.createDirectories(plain);
        Files.writeString(plain.resolve("mine.txt"), "not a worktree at all\n");
        assertThatThrownBy(() -> workspace.replaceAuxiliaryWorktree(plain, java.util.Optional.empty(), head)).isInstanceOf(RuntimeException.class);
        assertThat(plain.resolve("mine.txt")).hasContent("not a worktree at all");
    }

    private void git(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
