package dev.helix.core.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The in-memory VCS does what git does for the operations a session uses, so session tests mean what they say. */
class InMemoryVcsTest {
    private final InMemoryVcs vcs = new InMemoryVcs();
    private final Path wt = Path.of("/wt");
    private final String base = vcs.commitFiles(Map.of("a", "1", "b", "1"), "base");

    InMemoryVcsTest() {
        vcs.addWorktree(Path.of("/repo"), wt, base);
    }

    @Test
    void aSnapshotListsEveryFileThatDiffersFromHead() {
        vcs.write(wt, "a", "2");
        vcs.delete(wt, "b");
        vcs.write(wt, "new", "x");

        assertThat(vcs.snapshot(wt)).containsOnlyKeys("a", "b", "new");
        assertThat(vcs.trackedFiles(wt)).containsExactly("a", "b");
    }

    @Test
    void aCommitTakesExactlyTheGivenPaths() {
        vcs.write(wt, "a", "2");
        vcs.write(wt, "new", "x");

        String c = vcs.commit(wt, List.of("a"), "a only");

        assertThat(vcs.filesAt(c)).isEqualTo(Map.of("a", "2", "b", "1"));
        assertThat(vcs.parentOf(c)).isEqualTo(base);
        assertThat(vcs.snapshot(wt)).containsOnlyKeys("new");
    }

    @Test
    void aResetKeepsUntrackedFilesExceptThoseListedAndDropsFilesTheTargetDoesNotTrack() {
        vcs.write(wt, "c", "1");
        String withC = vcs.commit(wt, List.of("c"), "adds c");
        vcs.write(wt, "a", "changed");
        vcs.write(wt, "keep", "k");
        vcs.write(wt, "drop", "d");

        vcs.reset(wt, base, List.of("drop", "a"));

        assertThat(vcs.head(wt)).isEqualTo(base);
        assertThat(vcs.files(wt)).as("a is tracked: restored, not removed; c is gone with its commit")
                .isEqualTo(Map.of("a", "1", "b", "1", "keep", "k"));
        assertThat(vcs.filesAt(withC)).containsEntry("c", "1");
    }

    @Test
    void aCherryPickReAppliesTheChangeOnHeadFileByFile() {
        vcs.write(wt, "a", "2");
        String theirs = vcs.commit(wt, List.of("a"), "a = 2");
        vcs.reset(wt, base, List.of());
        vcs.write(wt, "b", "3");
        String ours = vcs.commit(wt, List.of("b"), "b = 3");

        String picked = vcs.cherryPick(wt, base, theirs, "a = 2 on b = 3", false).orElseThrow();

        assertThat(vcs.parentOf(picked)).isEqualTo(ours);
        assertThat(vcs.filesAt(picked)).isEqualTo(Map.of("a", "2", "b", "3"));
        assertThat(vcs.files(wt)).isEqualTo(vcs.filesAt(picked));
    }

    @Test
    void aCherryPickConflictsWhereHeadChangedTheSameFileDifferentlyUnlessItTakesTheirs() {
        vcs.write(wt, "a", "2");
        String theirs = vcs.commit(wt, List.of("a"), "a = 2");
        vcs.reset(wt, base, List.of());
        vcs.write(wt, "a", "5");
        String ours = vcs.commit(wt, List.of("a"), "a = 5");
        int commits = vcs.commitCount();

        assertThat(vcs.cherryPick(wt, base, theirs, "conflict", false)).isEmpty();
        assertThat(vcs.head(wt)).isEqualTo(ours);
        assertThat(vcs.files(wt)).isEqualTo(vcs.filesAt(ours));
        assertThat(vcs.commitCount()).isEqualTo(commits);

        String picked = vcs.cherryPick(wt, base, theirs, "theirs", true).orElseThrow();
        assertThat(vcs.filesAt(picked)).containsEntry("a", "2");
    }
}
