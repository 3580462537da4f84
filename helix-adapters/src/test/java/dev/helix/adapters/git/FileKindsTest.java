package dev.helix.adapters.git;

import static org.assertj.core.api.Assertions.assertThat;

import dev.helix.core.port.FileKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the git adapter says a worktree's paths are, and which ignored files it holds. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FileKindsTest {

    @TempDir
    Path tmp;
    GitFixture fx;
    GitVcs vcs;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        vcs = fx.vcs();
    }

    @Test
    void aSymlinkIsNamedWithItsTargetAndNeverFollowed() throws Exception {
        Path repo = fx.repo("repo", "x.txt", "1\n");
        Files.delete(repo.resolve("x.txt"));
        Files.createSymbolicLink(repo.resolve("x.txt"), Path.of("/etc/hostname"));

        assertThat(vcs.kinds(repo, List.of("x.txt"))).containsEntry("x.txt", new FileKind.Symlink("x.txt", "/etc/hostname"));
        assertThat(vcs.hashes(repo, List.of("x.txt"))).containsEntry("x.txt", "symlink /etc/hostname");
    }

    @Test
    void aFileUnderASymlinkedDirectoryNamesTheLink() throws Exception {
        Path repo = fx.repo("repo", "src/a.txt", "a\n");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("a.txt"), "b\n");
        Files.delete(repo.resolve("src/a.txt"));
        Files.delete(repo.resolve("src"));
        Files.createSymbolicLink(repo.resolve("src"), elsewhere);

        assertThat(vcs.kinds(repo, List.of("src/a.txt")))
                .containsEntry("src/a.txt", new FileKind.Symlink("src", elsewhere.toString()));
    }

    @Test
    void regularFilesDirectoriesDeletionsAndFifosAreToldApart() throws Exception {
        Path repo = fx.repo("repo", "x.txt", "1\n");
        Files.createDirectories(repo.resolve("dir"));
        Process mkfifo = new ProcessBuilder("mkfifo", repo.resolve("pipe").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();

        Map<String, FileKind> kinds = vcs.kinds(repo, List.of("x.txt", "dir", "gone.txt", "pipe"));

        assertThat(kinds).containsEntry("x.txt", new FileKind.Regular()).containsEntry("dir", new FileKind.Directory())
                .containsEntry("gone.txt", new FileKind.Missing()).containsEntry("pipe", new FileKind.Special("a fifo"));
        assertThat(vcs.hashes(repo, List.of("pipe"))).containsEntry("pipe", "special"); // never read: it would block
    }

    @Test
    void ignoredFilesAreListedOneByOneAndChangeWhenWritten() throws Exception {
        Path repo = fx.repo("repo", ".gitignore", "cache/\n*.log\n");
        fx.write(repo, "cache/deep/a.bin", "1");
        fx.write(repo, "run.log", "x");
        fx.write(repo, "untracked.txt", "not ignored");

        Map<String, String> before = vcs.ignoredFiles(repo);
        assertThat(before.keySet()).containsExactly("cache/deep/a.bin", "run.log");

        Files.writeString(repo.resolve("cache/deep/a.bin"), "22");
        assertThat(vcs.ignoredFiles(repo).get("cache/deep/a.bin")).isNotEqualTo(before.get("cache/deep/a.bin"));
        assertThat(vcs.snapshot(repo)).containsOnlyKeys("untracked.txt");
    }
}
