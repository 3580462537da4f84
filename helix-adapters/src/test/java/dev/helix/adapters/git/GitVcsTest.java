package dev.helix.adapters.git;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.port.Vcs.VcsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitVcsTest {

    @TempDir
    Path tmp;
    GitFixture fx;
    GitVcs vcs;

    @BeforeEach
    void setUp() {
        fx = new GitFixture(tmp);
        vcs = fx.vcs();
    }

    /** The session's worktree: detached, under .helix/worktrees, at the repository's HEAD. */
    private Path sessionWorktree(Path repo) {
        Path wt = repo.resolve(".helix/worktrees/nov23");
        vcs.addWorktree(repo, wt, vcs.resolve(repo, "HEAD").orElseThrow());
        return wt;
    }

    @Nested
    class FindingRepositories {

        @Test
        void topLevelIsTheRootFromAnywhereInside() throws Exception {
            Path repo = fx.repo("repo", "src/deep/a.txt", "a\n");
            assertThat(vcs.topLevel(repo)).map(p -> real(p)).contains(repo.toRealPath());
            assertThat(vcs.topLevel(repo.resolve("src/deep"))).map(p -> real(p)).contains(repo.toRealPath());
        }

        @Test
        void fileAtReadsACommittedFileAndNotTheCheckoutsCopy() throws Exception {
            Path repo = fx.repo("repo", "experiments.tsv", "commit\tloss\tstatus\nabc\t1.5\tkeep\n");
            String head = vcs.resolve(repo, "HEAD").orElseThrow();
            Files.writeString(repo.resolve("experiments.tsv"), "not committed\n");
            assertThat(vcs.fileAt(repo, head, "experiments.tsv")).contains("commit\tloss\tstatus\nabc\t1.5\tkeep\n");
            assertThat(vcs.fileAt(repo, head, "no-such.tsv")).isEmpty();
            assertThat(vcs.fileAt(repo, head, "nested/experiments.tsv")).isEmpty();
        }

        @Test
        void topLevelIsEmptyOutsideARepositoryOrForNoDirectory() throws Exception {
            Path plain = Files.createDirectories(tmp.resolve("plain"));
            assertThat(vcs.topLevel(plain)).isEmpty();
            assertThat(vcs.topLevel(tmp.resolve("does-not-exist"))).isEmpty();
        }

        @Test
        void topLevelOfAWorktreeIsTheWorktree() throws Exception {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            assertThat(vcs.topLevel(wt)).map(p -> real(p)).contains(wt.toRealPath());
        }

        @Test
        void resolveNamesCommitsOrNothing() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            String head = fx.git(repo, "rev-parse", "HEAD").strip();
            fx.git(repo, "-c", "user.name=F", "-c", "user.email=f@test", "tag", "-a", "-m", "annotated", "v1");

            assertThat(vcs.resolve(repo, "HEAD")).contains(head);
            assertThat(vcs.resolve(repo, "v1")).contains(head); // a tag names its commit
            assertThat(vcs.resolve(repo, "no-such-branch")).isEmpty();
            assertThat(vcs.resolve(repo, "--help")).isEmpty();
        }

        @Test
        void aRepositoryWithoutCommitsResolvesNothingAndTracksNothing() {
            Path empty = tmp.resolve("empty");
            fx.git(tmp, "init", "-q", empty.toString());
            assertThat(vcs.resolve(empty, "HEAD")).isEmpty();
            assertThat(vcs.trackedFiles(empty)).isEmpty();
        }

        @Test
        void failuresCarryTheCommandAndGitsOwnMessage() {
            Path plain = tmp.resolve("plain");
            fx.write(plain, "x", "x");
            assertThatThrownBy(() -> vcs.resolve(plain, "HEAD"))
                    .isInstanceOf(VcsException.class)
                    .hasMessageContaining("rev-parse")
                    .hasMessageContaining("not a git repository");
        }
    }

    @Nested
    class Worktrees {

        @Test
        void aSessionWorktreeIsDetachedAtTheGivenCommit() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            String first = vcs.resolve(repo, "HEAD").orElseThrow();
            fx.write(repo, "a.txt", "changed\n");
            fx.commitAll(repo, "second");

            Path wt = repo.resolve(".helix/worktrees/nov23");
            vcs.addWorktree(repo, wt, first);

            assertThat(vcs.hasWorktree(repo, wt)).isTrue();
            assertThat(fx.read(wt, "a.txt")).isEqualTo("a\n");
            assertThat(fx.git(wt, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("HEAD"); // detached
            assertThat(vcs.resolve(wt, "HEAD")).contains(first);
            assertThat(fx.git(repo, "branch", "--list").strip()).doesNotContain("helix");
        }

        @Test
        void aWorktreeDeletedByHandIsGoneAndCanBeAddedAgain() throws Exception {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            deleteTree(wt);

            assertThat(vcs.hasWorktree(repo, wt)).isFalse();
            vcs.addWorktree(repo, wt, vcs.resolve(repo, "HEAD").orElseThrow());
            assertThat(vcs.hasWorktree(repo, wt)).isTrue();
        }

        @Test
        void anUnregisteredDirectoryIsNoWorktree() throws Exception {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path other = fx.repo("other", "b.txt", "b\n");
            assertThat(vcs.hasWorktree(repo, other)).isFalse();
            assertThat(vcs.hasWorktree(repo, tmp.resolve("missing"))).isFalse();
        }

        @Test
        void addingAWorktreeAtAnUnknownCommitFailsWithGitsMessage() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            assertThatThrownBy(() -> vcs.addWorktree(repo, repo.resolve(".helix/worktrees/x"), "0".repeat(40)))
                    .isInstanceOf(VcsException.class)
                    .hasMessageContaining("worktree add");
        }
    }

    @Nested
    class Committing {

        @Test
        void commitsExactlyTheGivenPathsAndLeavesOtherChangesAlone() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "b.txt", "b\n", "gone.txt", "x\n");
            Path wt = sessionWorktree(repo);
            String before = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "a2\n");
            fx.write(wt, "b.txt", "b2\n");
            fx.write(wt, "new dir/we ird*.txt", "new\n");
            deleteFile(wt.resolve("gone.txt"));

            String commit = vcs.commit(wt, List.of("a.txt", "new dir/we ird*.txt", "gone.txt"), "helix(nov23#1): try");

            assertThat(vcs.resolve(wt, "HEAD")).contains(commit);
            assertThat(fx.git(wt, "rev-parse", commit + "^").strip()).isEqualTo(before);
            assertThat(fx.git(wt, "show", "--name-status", "--format=%s", commit).strip().split("\n"))
                    .containsExactly("helix(nov23#1): try", "", "M\ta.txt", "D\tgone.txt", "A\tnew dir/we ird*.txt");
            assertThat(vcs.modifiedTrackedFiles(wt)).containsExactly("b.txt");
            assertThat(fx.read(wt, "b.txt")).isEqualTo("b2\n");
        }

        @Test
        void somethingStagedMeanwhileIsNotSweptIntoTheCommit() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "a2\n");
            fx.write(wt, "b.txt", "b2\n");
            fx.git(wt, "add", "b.txt"); // say, the agent ran git add

            String commit = vcs.commit(wt, List.of("a.txt"), "only a");

            assertThat(fx.git(wt, "show", "--name-only", "--format=", commit).strip()).isEqualTo("a.txt");
            assertThat(vcs.modifiedTrackedFiles(wt)).containsExactly("b.txt");
        }

        @Test
        void anExperimentThatChangedNothingStillGetsACommit() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            String before = vcs.resolve(wt, "HEAD").orElseThrow();

            String commit = vcs.commit(wt, List.of(), "baseline");
            String again = vcs.commit(wt, List.of("created-and-deleted.txt"), "nothing to record");

            assertThat(commit).isNotEqualTo(before);
            assertThat(again).isNotEqualTo(commit);
            assertThat(fx.git(wt, "rev-parse", again + "^{tree}")).isEqualTo(fx.git(wt, "rev-parse", before + "^{tree}"));
        }

        @Test
        void worksWithoutAnyGitIdentityConfigured() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "a2\n");

            String commit = vcs.commit(wt, List.of("a.txt"), "no identity");

            assertThat(fx.git(wt, "log", "-1", "--format=%an <%ae> / %cn <%ce>", commit).strip())
                    .isEqualTo("Helix <helix@localhost> / Helix <helix@localhost>");
        }

        @Test
        void keepsTheUsersIdentityWhenThereIsOne() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            fx.git(repo, "config", "user.name", "Ada Lovelace");
            fx.git(repo, "config", "user.email", "ada@example.org");
            Path wt = sessionWorktree(repo);

            String commit = vcs.commit(wt, List.of(), "mine");

            assertThat(fx.git(wt, "log", "-1", "--format=%an <%ae>", commit).strip())
                    .isEqualTo("Ada Lovelace <ada@example.org>");
        }

        @Test
        void completesOnlyTheMissingHalfOfAnIdentity() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            fx.git(repo, "config", "user.name", "Ada Lovelace");
            fx.git(repo, "config", "user.useConfigOnly", "true"); // no guessing an e-mail from the host
            Path wt = sessionWorktree(repo);

            String commit = vcs.commit(wt, List.of(), "half");

            assertThat(fx.git(wt, "log", "-1", "--format=%an <%ae>", commit).strip())
                    .isEqualTo("Ada Lovelace <helix@localhost>");
        }

        @Test
        void hooksAndSigningConfigurationDoNotGetInTheWay() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            fx.git(repo, "config", "commit.gpgsign", "true");
            fx.write(repo, ".git/hooks/pre-commit", "#!/bin/sh\nexit 1\n");
            fx.write(repo, ".git/hooks/commit-msg", "#!/bin/sh\nexit 1\n");
            repo.resolve(".git/hooks/pre-commit").toFile().setExecutable(true);
            repo.resolve(".git/hooks/commit-msg").toFile().setExecutable(true);
            Path wt = sessionWorktree(repo);

            assertThat(vcs.commit(wt, List.of(), "#1 keeps its hash sign")).isNotBlank();
            assertThat(fx.git(wt, "log", "-1", "--format=%B").strip()).isEqualTo("#1 keeps its hash sign");
        }

        @Test
        void afterTheCommitTheWorktreeIsCleanAndTheMessageIsTidiedAsGitCommitTidiesIt() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "src/b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "a2\n");
            fx.write(wt, "src/new.txt", "n\n");

            String commit = vcs.commit(wt, List.of("a.txt", "src/new.txt"), "\nsubject  \n\n\n\nbody line \t\n\n");

            assertThat(vcs.snapshot(wt)).isEmpty(); // the index agrees with the new HEAD
            assertThat(fx.git(wt, "log", "-1", "--format=%B", commit)).isEqualTo("subject\n\nbody line\n\n");
            assertThat(fx.git(wt, "reflog", "-1", "--format=%gs", "HEAD").strip()).isEqualTo("commit: subject");
            assertThat(fx.git(wt, "show", "--name-status", "--format=", commit).strip().split("\n"))
                    .containsExactly("M\ta.txt", "A\tsrc/new.txt");
            String parent = fx.git(wt, "rev-parse", commit + "^").strip();
            assertThat(vcs.diffStat(wt, parent, commit)).isEqualTo(new DiffStat(2, 2, 1))
                    .isEqualTo(new GitVcs(Map.of()).diffStat(wt, parent, commit)); // a fresh one asks git
        }

        @Test
        void commitForcedRecordsIgnoredFiles() {
            Path repo = fx.repo("repo", ".gitignore", ".helix/\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, ".helix/experiments.jsonl", "{}\n");
            fx.write(wt, ".helix/experiments.tsv", "tag\n");

            String commit = vcs.commitForced(wt, List.of(".helix/experiments.jsonl", ".helix/experiments.tsv"), "ledger");

            assertThat(fx.git(wt, "show", "--name-only", "--format=", commit).strip().split("\n"))
                    .containsExactly(".helix/experiments.jsonl", ".helix/experiments.tsv");
        }
    }

    @Nested
    class Snapshots {

        @Test
        void oneLookSeesWhatASnapshotAndTheListingOfIgnoredFilesSee() throws Exception {
            Path repo = fx.repo("repo", ".gitignore", "build/\n*.log\n!keep.log\n", "src/a.txt", "a\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "src/a.txt", "a2\n");
            deleteFile(wt.resolve("b.txt"));
            fx.write(wt, "build/sub/o.bin", "o\n");
            fx.write(wt, "src/x.log", "log\n");
            fx.write(wt, "keep.log", "kept\n");
            fx.write(wt, "new/deep/u.txt", "u\n");
            fx.write(wt, "new/deep/v.log", "v\n");
            Files.createSymbolicLink(wt.resolve("build/link"), Path.of("../src/a.txt"));

            var look = vcs.look(wt, true);

            assertThat(look.changed()).isEqualTo(vcs.snapshot(wt));
            assertThat(look.ignored()).isEqualTo(vcs.ignoredFiles(wt))
                    .containsOnlyKeys("build/sub/o.bin", "build/link", "src/x.log", "new/deep/v.log");
            assertThat(look.changed()).containsOnlyKeys("src/a.txt", "b.txt", "keep.log", "new/deep/u.txt");
            assertThat(vcs.look(wt, false).ignored()).isEmpty();
        }

        @Test
        void aCleanWorktreeHasAnEmptySnapshot() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            assertThat(vcs.snapshot(sessionWorktree(repo))).isEmpty();
        }

        @Test
        void detectsModifiedNewAndDeletedFilesButNotIgnoredOnes() throws Exception {
            Path repo = fx.repo("repo", "a.txt", "a\n", "d.txt", "d\n", ".gitignore", "*.log\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "a2\n");
            fx.write(wt, "new/dir/n.txt", "n\n");
            fx.write(wt, "run.log", "ignored\n");
            deleteFile(wt.resolve("d.txt"));

            Map<String, String> snap = vcs.snapshot(wt);

            assertThat(snap).containsOnlyKeys("a.txt", "new/dir/n.txt", "d.txt");
            assertThat(snap.get("d.txt")).isEqualTo("deleted");
            assertThat(snap.get("a.txt")).isEqualTo("size=3 sha256=" + sha256Of("a2\n"));
        }

        @Test
        void aSecondEditOfTheSameFileChangesItsFingerprintAndNothingElse() throws Exception {
            Path repo = fx.repo("repo", "a.txt", "aaaa\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "bbbb\n");
            fx.write(wt, "b.txt", "b2\n");
            Map<String, String> first = vcs.snapshot(wt);
            // Same size, and the mtime kept: only the content tells.
            var mtime = Files.getLastModifiedTime(wt.resolve("a.txt"));
            fx.write(wt, "a.txt", "cccc\n");
            Files.setLastModifiedTime(wt.resolve("a.txt"), mtime);

            Map<String, String> second = vcs.snapshot(wt);

            assertThat(second.keySet()).isEqualTo(first.keySet());
            assertThat(second.get("a.txt")).isNotEqualTo(first.get("a.txt"));
            assertThat(second.get("b.txt")).isEqualTo(first.get("b.txt"));
        }

        @Test
        void rewritingTheSameBytesIsNoChangeButALargeFileIsJudgedBySizeAndMtime() throws Exception {
            Path repo = fx.repo("repo", "small.txt", "s\n", "large.bin", "l\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "small.txt", "s2\n");
            byte[] large = new byte[(int) Fingerprints.HASH_LIMIT];
            Files.write(wt.resolve("large.bin"), large);
            Map<String, String> first = vcs.snapshot(wt);

            var later = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 10_000);
            fx.write(wt, "small.txt", "s2\n");
            Files.setLastModifiedTime(wt.resolve("small.txt"), later);
            Files.write(wt.resolve("large.bin"), large);
            Files.setLastModifiedTime(wt.resolve("large.bin"), later);
            Map<String, String> second = vcs.snapshot(wt);

            assertThat(second.get("small.txt")).isEqualTo(first.get("small.txt"));
            assertThat(second.get("large.bin")).isNotEqualTo(first.get("large.bin")).doesNotContain("sha256");
        }

        @Test
        void aFileRestoredToItsCommittedContentLeavesTheSnapshot() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "changed\n");
            assertThat(vcs.snapshot(wt)).containsOnlyKeys("a.txt");
            fx.write(wt, "a.txt", "a\n");
            assertThat(vcs.snapshot(wt)).isEmpty();
        }

        @Test
        void aStagedRenameListsBothPaths() {
            Path repo = fx.repo("repo", "old name.txt", "content\n");
            Path wt = sessionWorktree(repo);
            fx.git(wt, "mv", "old name.txt", "new name.txt");

            Map<String, String> snap = vcs.snapshot(wt);

            assertThat(snap).containsOnlyKeys("old name.txt", "new name.txt");
            assertThat(snap.get("old name.txt")).isEqualTo("deleted");
            assertThat(vcs.modifiedTrackedFiles(wt)).containsExactlyInAnyOrder("old name.txt", "new name.txt");
        }

        @Test
        void modifiedTrackedFilesIgnoresUntrackedOnes() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "b.txt", "b\n");
            fx.write(repo, "a.txt", "a2\n");
            fx.write(repo, "untracked.txt", "u\n");
            fx.write(repo, "b.txt", "b2\n");
            fx.git(repo, "add", "b.txt");

            assertThat(vcs.modifiedTrackedFiles(repo)).containsExactlyInAnyOrder("a.txt", "b.txt");
        }

        @Test
        void hashesAreSha256OfTheContent() {
            Path repo = fx.repo("repo", "hello.txt", "hello\n");
            assertThat(vcs.hashes(repo, List.of("hello.txt", "nope.txt"))).containsExactly(
                    Map.entry("hello.txt", "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"),
                    Map.entry("nope.txt", "missing"));
        }

        @Test
        void trackedFilesListsEveryFileAtHead() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "src/b c.java", "b\n");
            fx.write(repo, "untracked.txt", "u\n");
            assertThat(vcs.trackedFiles(repo.resolve("src"))).containsExactly("a.txt", "src/b c.java");
        }
    }

    @Nested
    class Resetting {

        @Test
        void resetRestoresTheCommitAndRemovesTheListedUntrackedFiles() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "keep/k.txt", "k\n");
            Path wt = sessionWorktree(repo);
            String best = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "candidate\n");
            fx.write(wt, "added.txt", "x\n");
            vcs.commit(wt, List.of("a.txt", "added.txt"), "candidate");
            fx.write(wt, "a.txt", "dirty\n");
            fx.write(wt, "junk/deep/j.txt", "j\n");
            fx.write(wt, "keep/untracked.txt", "u\n");
            fx.write(wt, "not-listed.txt", "stays\n");

            vcs.reset(wt, best, List.of("junk/deep/j.txt", "keep/untracked.txt"));

            assertThat(vcs.resolve(wt, "HEAD")).contains(best);
            assertThat(fx.read(wt, "a.txt")).isEqualTo("a\n");
            assertThat(wt.resolve("added.txt")).doesNotExist(); // tracked by the candidate: reset removes it
            assertThat(wt.resolve("junk")).doesNotExist(); // emptied directories go too
            assertThat(wt.resolve("keep/untracked.txt")).doesNotExist();
            assertThat(wt.resolve("keep/k.txt")).exists();
            assertThat(wt.resolve("not-listed.txt")).exists();
            assertThat(fx.git(wt, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("HEAD");
        }

        @Test
        void revertRestoresWhatTheCommitsDifferOnAndMovesHead() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "keep/k.txt", "k\n");
            Path wt = sessionWorktree(repo);
            String best = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "candidate\n");
            fx.write(wt, "added dir/add ed*.txt", "x\n");
            deleteFile(wt.resolve("keep/k.txt"));
            vcs.commit(wt, List.of("a.txt", "added dir/add ed*.txt", "keep/k.txt"), "candidate");
            fx.write(wt, "not-listed.txt", "stays\n");

            vcs.revert(wt, best);

            assertThat(vcs.resolve(wt, "HEAD")).contains(best);
            assertThat(fx.read(wt, "a.txt")).isEqualTo("a\n");
            assertThat(fx.read(wt, "keep/k.txt")).isEqualTo("k\n");
            assertThat(wt.resolve("added dir/add ed*.txt")).doesNotExist();
            assertThat(vcs.snapshot(wt)).containsOnlyKeys("not-listed.txt"); // index and files agree with HEAD
            assertThat(fx.git(wt, "rev-parse", "--abbrev-ref", "HEAD").strip()).isEqualTo("HEAD");
        }

        @Test
        void revertLeavesATrackedFileChangedOutsideTheCommitsForTheSnapshotToShow() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "other.txt", "o\n");
            Path wt = sessionWorktree(repo);
            String best = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "candidate\n");
            vcs.commit(wt, List.of("a.txt"), "candidate");
            fx.write(wt, "other.txt", "the evaluation wrote this\n");
            fx.write(wt, "a.txt", "and this\n");

            vcs.revert(wt, best);

            assertThat(fx.read(wt, "a.txt")).isEqualTo("a\n");
            assertThat(vcs.snapshot(wt)).containsOnlyKeys("other.txt");
            vcs.reset(wt, best, List.of());
            assertThat(vcs.snapshot(wt)).isEmpty();
        }

        @Test
        void revertOnABranchIsAHardReset() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "other.txt", "o\n");
            String best = vcs.resolve(repo, "HEAD").orElseThrow();
            fx.write(repo, "a.txt", "candidate\n");
            vcs.commit(repo, List.of("a.txt"), "candidate");
            fx.write(repo, "other.txt", "changed\n");

            vcs.revert(repo, best);

            assertThat(vcs.resolve(repo, "HEAD")).contains(best);
            assertThat(vcs.currentBranch(repo)).isPresent();
            assertThat(vcs.snapshot(repo)).isEmpty();
        }

        @Test
        void neverRemovesAFileTheTargetCommitTracks() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            String best = vcs.resolve(wt, "HEAD").orElseThrow();

            vcs.reset(wt, best, List.of("a.txt"));

            assertThat(fx.read(wt, "a.txt")).isEqualTo("a\n");
        }

        @Test
        void refusesToRemoveAnythingOutsideTheWorktree() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            fx.write(tmp, "precious.txt", "p\n");
            String head = vcs.resolve(wt, "HEAD").orElseThrow();

            for (String bad : List.of("../../../../precious.txt", tmp.resolve("precious.txt").toString(), ".git", "")) {
                assertThatThrownBy(() -> vcs.reset(wt, head, List.of(bad)))
                        .isInstanceOf(IllegalArgumentException.class);
            }
            assertThat(tmp.resolve("precious.txt")).exists();
        }
    }

    @Nested
    class RefsAndDiffs {

        @Test
        void updateRefCreatesAndMovesRefsThatRefsLists() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            String base = vcs.resolve(wt, "HEAD").orElseThrow();
            String next = vcs.commit(wt, List.of(), "next");

            vcs.updateRef(repo, "refs/heads/helix/nov23", base);
            vcs.updateRef(repo, "refs/helix/nov23/0", base);
            vcs.updateRef(repo, "refs/helix/nov23/1", next);
            vcs.updateRef(repo, "refs/helix/nov23-2/0", base);
            vcs.updateRef(repo, "refs/heads/helix/nov23", next);

            assertThat(vcs.resolve(repo, "helix/nov23")).contains(next);
            assertThat(vcs.refs(repo, "refs/helix/nov23/")).containsExactly("refs/helix/nov23/0", "refs/helix/nov23/1");
            assertThat(vcs.refs(repo, "refs/helix/nov23")).containsExactly("refs/helix/nov23-2/0",
                    "refs/helix/nov23/0", "refs/helix/nov23/1");
            assertThat(vcs.refs(repo, "refs/heads/helix/")).containsExactly("refs/heads/helix/nov23");
            assertThat(vcs.refs(repo, "refs/nothing/")).isEmpty();
        }

        @Test
        void diffStatCountsFilesAndLinesWithBinariesAsFilesWithoutLines() throws Exception {
            Path repo = fx.repo("repo", "a.txt", "1\n2\n3\n", "moved.txt", "m1\nm2\nm3\nm4\nm5\n");
            Path wt = sessionWorktree(repo);
            String from = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "1\nTWO\n3\n4\n5\n");                 // +3 -1
            Files.write(wt.resolve("blob.bin"), new byte[] {0, 1, 2, 0, 3}); // binary: 0 lines
            fx.git(wt, "mv", "moved.txt", "renamed.txt");
            fx.write(wt, "renamed.txt", "m1\nm2\nm3\nm4\nm5\nm6\n");    // a rename with +1
            String to = vcs.commit(wt, List.of("a.txt", "blob.bin", "moved.txt", "renamed.txt"), "change");

            assertThat(vcs.diffStat(wt, from, to)).isEqualTo(new DiffStat(3, 4, 1));
            assertThat(vcs.diffStat(wt, from, from)).isEqualTo(DiffStat.NONE);
            assertThat(vcs.diff(wt, from, to))
                    .contains("--- a/a.txt", "+++ b/a.txt", "-2", "+TWO", "rename from moved.txt", "Binary files");
        }
    }

    @Nested
    class CherryPicking {

        @Test
        void anEarlierCommitIsRevertedOnTopOfLaterOnesOrLeftAloneWhenALaterOneChangedItsLines() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            fx.write(wt, "a.txt", "A\n");
            String first = vcs.commit(wt, List.of("a.txt"), "first");
            fx.write(wt, "b.txt", "B\n");
            String second = vcs.commit(wt, List.of("b.txt"), "second");
            fx.write(wt, "b.txt", "BB\n");
            String third = vcs.commit(wt, List.of("b.txt"), "third");

            Optional<String> withoutFirst = vcs.revertCommit(wt, first + "^", first, "without the first");
            assertThat(withoutFirst).isPresent();
            assertThat(fx.git(wt, "rev-parse", withoutFirst.get() + "^").strip()).isEqualTo(third);
            assertThat(fx.git(wt, "show", withoutFirst.get() + ":a.txt").strip()).isEqualTo("a");
            assertThat(fx.git(wt, "show", withoutFirst.get() + ":b.txt").strip()).isEqualTo("BB");
            assertThat(fx.git(wt, "log", "-1", "--format=%s", withoutFirst.get()).strip()).isEqualTo("without the first");

            vcs.reset(wt, third, List.of());
            assertThat(vcs.revertCommit(wt, first, second, "without the second")).isEmpty();
            assertThat(vcs.resolve(wt, "HEAD")).contains(third);
            assertThat(fx.git(wt, "status", "--porcelain").strip()).isEmpty();
            assertThat(wt.resolve("b.txt")).hasContent("BB");

            // A range: both commits' changes undone as one, on top of the third.
            fx.write(wt, "c.txt", "C\n");
            String fourth = vcs.commit(wt, List.of("c.txt"), "fourth");
            Optional<String> withoutLastTwo = vcs.revertCommit(wt, second, fourth, "without the third and fourth");
            assertThat(withoutLastTwo).isPresent();
            assertThat(fx.git(wt, "show", withoutLastTwo.get() + ":b.txt").strip()).isEqualTo("B");
            assertThat(fx.git(wt, "ls-tree", "--name-only", withoutLastTwo.get()).strip()).doesNotContain("c.txt");
            assertThat(fx.git(wt, "show", withoutLastTwo.get() + ":a.txt").strip()).isEqualTo("A");
        }

        @Test
        void aBranchIsFoundInWhicheverWorktreeHasItAndMovesOnlyFromWhereItWasExpected() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            String head = vcs.resolve(repo, "HEAD").orElseThrow();
            assertThat(vcs.updateRef(repo, "refs/heads/x", head, "")).isTrue();
            assertThat(vcs.updateRef(repo, "refs/heads/x", head, "")).isFalse(); // exists now
            assertThat(vcs.worktreeWithBranch(repo, "x")).isEmpty();
            Path other = repo.resolveSibling("other");
            fx.git(repo, "worktree", "add", "-q", other.toString(), "x");
            assertThat(vcs.worktreeWithBranch(repo, "x")).hasValueSatisfying(p -> assertThat(p.toFile().getName()).isEqualTo("other"));
            fx.write(other, "a.txt", "changed\n");
            String moved = vcs.commit(other, List.of("a.txt"), "moved");
            assertThat(vcs.updateRef(repo, "refs/heads/x", head, head)).isFalse();
            assertThat(vcs.resolve(repo, "refs/heads/x")).contains(moved);
            assertThat(vcs.updateRef(repo, "refs/heads/x", head, moved)).isTrue();
        }

        @Test
        void aChangeMadeOnAnOlderBestIsReappliedOnTheNewOne() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            String base = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "A\n");
            String candidate = vcs.commit(wt, List.of("a.txt"), "candidate");
            vcs.reset(wt, base, List.of());
            fx.write(wt, "b.txt", "B\n");
            String best = vcs.commit(wt, List.of("b.txt"), "the new best");

            Optional<String> picked = vcs.cherryPick(wt, base, candidate, "candidate on the new best", false);

            assertThat(picked).isPresent();
            assertThat(fx.git(wt, "rev-parse", picked.get() + "^").strip()).isEqualTo(best);
            assertThat(fx.git(wt, "show", picked.get() + ":a.txt").strip()).isEqualTo("A");
            assertThat(fx.git(wt, "show", picked.get() + ":b.txt").strip()).isEqualTo("B");
            assertThat(fx.git(wt, "log", "-1", "--format=%s", picked.get()).strip()).isEqualTo("candidate on the new best");
            assertThat(fx.git(wt, "status", "--porcelain").strip()).isEmpty();
        }

        @Test
        void aChangeOfSeveralCommitsSinceItsBaseIsReappliedAsOne() {
            Path repo = fx.repo("repo", "a.txt", "a\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            String base = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "idea\n");
            vcs.commit(wt, List.of("a.txt"), "an idea that crashed");
            fx.write(wt, "c.txt", "the fix\n");
            String fixed = vcs.commit(wt, List.of("c.txt"), "its fix");
            vcs.reset(wt, base, List.of("c.txt"));
            fx.write(wt, "b.txt", "B\n");
            String best = vcs.commit(wt, List.of("b.txt"), "the new best");

            Optional<String> picked = vcs.cherryPick(wt, base, fixed, "the idea and its fix on the new best", false);

            assertThat(picked).isPresent();
            assertThat(fx.git(wt, "rev-parse", picked.get() + "^").strip()).isEqualTo(best);
            assertThat(fx.git(wt, "show", picked.get() + ":a.txt").strip()).isEqualTo("idea");
            assertThat(fx.git(wt, "show", picked.get() + ":c.txt").strip()).isEqualTo("the fix");
            assertThat(fx.git(wt, "show", picked.get() + ":b.txt").strip()).isEqualTo("B");
        }

        @Test
        void aConflictLeavesTheWorktreeCleanAtItsHead() {
            Path repo = fx.repo("repo", "a.txt", "a\n");
            Path wt = sessionWorktree(repo);
            String base = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "a.txt", "mine\n");
            String candidate = vcs.commit(wt, List.of("a.txt"), "candidate");
            vcs.reset(wt, base, List.of());
            fx.write(wt, "a.txt", "theirs\n");
            String best = vcs.commit(wt, List.of("a.txt"), "the new best");

            assertThat(vcs.cherryPick(wt, base, candidate, "candidate on the new best", false)).isEmpty();

            assertThat(vcs.resolve(wt, "HEAD")).contains(best);
            assertThat(fx.git(wt, "status", "--porcelain").strip()).isEmpty();
            assertThat(wt.resolve("a.txt")).hasContent("theirs");
            // the worktree is usable at once: the next experiment commits there
            fx.write(wt, "a.txt", "next\n");
            assertThat(vcs.commit(wt, List.of("a.txt"), "next")).isNotEqualTo(best);
        }

        @Test
        void takingTheirsTheCandidatesLinesWinWhereBothChangedAndTheRestOfTheBestStays() {
            Path repo = fx.repo("repo", "p.txt", "x = 1\ny = 1\n", "b.txt", "b\n");
            Path wt = sessionWorktree(repo);
            String base = vcs.resolve(wt, "HEAD").orElseThrow();
            fx.write(wt, "p.txt", "x = 7\ny = 1\n");
            String candidate = vcs.commit(wt, List.of("p.txt"), "x = 7");
            vcs.reset(wt, base, List.of());
            fx.write(wt, "p.txt", "x = 3\ny = 1\n");
            fx.write(wt, "b.txt", "B\n");
            String best = vcs.commit(wt, List.of("p.txt", "b.txt"), "x = 3, and b");

            Optional<String> picked = vcs.cherryPick(wt, base, candidate, "x = 7 on the new best", true);

            assertThat(picked).isPresent();
            assertThat(fx.git(wt, "rev-parse", picked.get() + "^").strip()).isEqualTo(best);
            assertThat(fx.git(wt, "show", picked.get() + ":p.txt")).isEqualTo("x = 7\ny = 1\n");
            assertThat(fx.git(wt, "show", picked.get() + ":b.txt").strip()).isEqualTo("B");
        }
    }

    private static String sha256Of(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteFile(Path p) {
        try {
            Files.delete(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) throws Exception {
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        assertThat(root).doesNotExist();
    }
}
