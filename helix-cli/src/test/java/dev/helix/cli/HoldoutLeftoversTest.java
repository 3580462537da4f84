package dev.helix.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helix killed (SIGKILL) during a hold-out run, on real git and real processes: the next session
 * removes the private directory and the worktree registration it left, and nothing else in the
 * temporary directory, not even a directory of the same name without Helix's marker, or one whose
 * Helix still runs.
 */
class HoldoutLeftoversTest {
    @TempDir
    Path tmp;

    @Test
    void theNextSessionRemovesWhatAKilledHoldoutRunLeftAndOnlyThat() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        Path where = tmp.resolve("holdout-pwd");
        Path release = tmp.resolve("release");
        // the hold-out says where it runs, then waits until the test lets it go: Helix is killed meanwhile
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "").withHoldout(
                "#!/bin/sh\npwd > '" + where + ".tmp' && mv '" + where + ".tmp' '" + where + "'\n"
                        + "while [ ! -f '" + release + "' ]; do sleep 0.1; done\necho 'loss: 1.0'\n",
                "    from_dir: " + heldout + "\n    timeout_seconds: 600\n");

        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        Path foreign = Files.createTempDirectory(temp, "helix-holdout-"); // same name, no marker: not Helix's
        Files.writeString(foreign.resolve("notes.txt"), "someone else's\n");
        Path running = Files.createTempDirectory(temp, "helix-holdout-"); // Helix's marker, its owner (this JVM) alive
        ProcessHandle me = ProcessHandle.current();
        Files.writeString(running.resolve(".helix-holdout-owner"), "helix hold-out directory\npid=" + me.pid() + "\nstarted="
                + me.info().startInstant().map(Instant::toString).orElse("") + "\nrepo=" + repo.dir.toRealPath() + "\n");
        try {
            Process helix = repo.helixProcess(tmp.resolve("first.txt"), "run", "--tag", "h", "--max-experiments", "1").start();
            Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
            while (!Files.exists(where) && helix.isAlive() && Instant.now().isBefore(deadline)) Thread.sleep(50);
            assertThat(where).as(Files.readString(tmp.resolve("first.txt"))).exists();
            helix.destroyForcibly();
            assertThat(helix.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Path home = Path.of(Files.readString(where).strip()).getParent();
            assertThat(home.getFileName().toString()).startsWith("helix-holdout-");
            assertThat(home.resolve(".helix-holdout-owner")).exists();
            assertThat(repo.git("worktree", "list", "--porcelain")).contains(home.getFileName().toString());
            Files.writeString(release, ""); // the orphaned hold-out command ends

            TestRepo.Run next = repo.helix("--text", "run", "--tag", "h2", "--max-experiments", "1");

            assertThat(next.code()).as(next.toString()).isZero();
            assertThat(next.out() + next.err()).contains("a hold-out directory a killed Helix left");
            assertThat(home).doesNotExist();
            assertThat(repo.git("worktree", "list", "--porcelain")).doesNotContain("helix-holdout-");
            assertThat(foreign.resolve("notes.txt")).hasContent("someone else's");
            assertThat(running.resolve(".helix-holdout-owner")).exists();
        } finally {
            Files.writeString(release, "");
            for (Path dir : new Path[] {foreign, running}) {
                try (var files = Files.list(dir)) {
                    for (Path f : files.toList()) Files.deleteIfExists(f);
                }
                Files.deleteIfExists(dir);
            }
        }
    }

    @Test
    void aUsersWorktreeWhoseDirectoryIsAwayKeepsItsRegistrationThroughASessionWithAHoldout() throws Exception {
        Path heldout = TestRepo.heldoutData(tmp.resolve("heldout"), "4.2");
        TestRepo repo = TestRepo.quadratic(tmp.resolve("repo"), "").withHoldout("#!/bin/sh\necho 'loss: 1.0'\n",
                "    from_dir: " + heldout + "\n");
        Path mine = tmp.resolve("mine");
        repo.git("worktree", "add", "-q", "-b", "mine", mine.toString());
        Path away = tmp.resolve("away");
        Files.move(mine, away); // on a disk unmounted at the moment
        // a hold-out worktree whose whole directory a cleaner of the temporary directory took: Helix's, forgotten
        Path vanished = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "helix-holdout-");
        repo.git("worktree", "add", "-q", "--detach", vanished.resolve("worktree").toString());
        try (var files = Files.walk(vanished)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
        assertThat(repo.git("worktree", "list", "--porcelain")).contains(vanished.getFileName().toString());

        TestRepo.Run run = repo.helix("run", "--tag", "u", "--max-experiments", "1");

        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(repo.ledger().get(0).at("/holdout/value").asDouble()).isEqualTo(1.0);
        Files.move(away, mine);
        assertThat(repo.git("worktree", "list", "--porcelain")).contains("worktree " + mine.toRealPath()).doesNotContain("helix-holdout-");
        assertThat(repo.git("-C", mine.toString(), "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("mine");
    }
}
