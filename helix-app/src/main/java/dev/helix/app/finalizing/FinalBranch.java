package dev.helix.app.finalizing;

import dev.helix.app.AppException;
import dev.helix.app.Workspace;
import dev.helix.core.port.Repository;
import dev.helix.core.result.Contribution;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The branch helix/TAG-final and the Helix-owned worktree it is built in: the best with one change
 * reverted (for the ablation), the surviving changes replayed one commit each on the session's
 * base, and the branch written, only ever over a branch Helix itself wrote.
 */
final class FinalBranch implements AutoCloseable {

    /** The replay: every change applied (its commits, oldest first), or the first change that did not apply. */
    sealed interface Replay {
        record Applied(List<String> commits) implements Replay {}

        record Blocked(Contribution change) implements Replay {}
    }

    private final Workspace workspace;
    private final String tag;
    private final Path wt;

    /** Makes the worktree .helix/worktrees/.finalize/TAG/branch at {@code commit}, replacing one a killed finalize left. */
    FinalBranch(Workspace workspace, String tag, String commit) {
        this.workspace = workspace;
        this.tag = tag;
        this.wt = workspace.auxiliaryWorktree("finalize", tag, "branch");
        workspace.replaceAuxiliaryWorktree(wt, Optional.of(tag), commit);
    }

    /** The branch's name: helix/TAG-final. */
    static String name(String tag) {
        return "helix/" + tag + "-final";
    }

    /** Where Helix notes the commit it last wrote the branch at: a branch still there is Helix's to replace. */
    static String marker(String tag) {
        return "refs/helix-final/" + tag;
    }

    /**
     * {@code tree} with {@code change} (every commit from the kept change before it to its own: a
     * fix-up and the crash it fixed alike) reverted on top; empty when it does not revert cleanly.
     */
    Optional<String> without(String tree, Contribution change) {
        workspace.git().reset(wt, tree, List.of());
        return workspace.git().revertCommit(wt, change.parent(), change.commit(), "helix(" + tag + "): the best without #" + change.run()
                + " (leave-one-out)\n\n" + change.description());
    }

    /** Replays {@code changes} on {@code base}, each as one commit with its message; stops at the first that does not apply. */
    Replay replay(String base, List<Contribution> changes, String metric) {
        Repository git = workspace.git();
        git.reset(wt, base, List.of());
        List<String> commits = new ArrayList<>();
        for (Contribution c : changes) {
            Optional<String> picked = git.cherryPick(wt, c.parent(), c.commit(), c.message(metric, tag), false);
            if (picked.isEmpty()) return new Replay.Blocked(c);
            commits.add(picked.get());
        }
        return new Replay.Applied(commits);
    }

    /** The change from {@code base} to {@code tip} as one commit on {@code base}. */
    String squash(String base, String tip, String message) {
        workspace.git().reset(wt, base, List.of());
        return workspace.git().cherryPick(wt, base, tip, message, false).orElseThrow(() -> AppException.runtime("squash_failed",
                "git could not squash the final changes into one commit", "run helix finalize again without --squash"));
    }

    /**
     * Refuses, before anything is measured, when helix/TAG-final exists and Helix did not write it
     * where it is now (the user made it, or committed on it), or it is checked out in any worktree.
     * Returns where the branch is now (empty: it does not exist), what {@link #write} expects to move.
     */
    static Optional<String> checkWritable(Workspace workspace, String tag) {
        Repository git = workspace.git();
        Path repo = workspace.repo();
        Optional<String> branch = git.resolve(repo, "refs/heads/" + name(tag));
        if (branch.isEmpty()) return branch;
        if (!branch.equals(git.resolve(repo, marker(tag)))) {
            throw AppException.usage("final_branch_taken", "branch " + name(tag) + " exists and Helix did not write it as it is now"
                    + " (it was made, or committed on, by someone else); Helix replaces only a branch it wrote",
                    "rename or delete it first (git branch -m " + name(tag) + " my-final), or finalize another session with --tag");
        }
        Optional<Path> checkedOut = git.worktreeWithBranch(repo, name(tag));
        if (checkedOut.isPresent()) {
            // moving a branch under a worktree would leave its files and index describing the old commit
            throw AppException.usage("final_branch_checked_out", "branch " + name(tag) + " is checked out in " + checkedOut.get(),
                    "switch that worktree to another branch first (git -C " + checkedOut.get() + " switch --detach),"
                            + " or remove it (git worktree remove " + checkedOut.get() + ")");
        }
        return branch;
    }

    /**
     * Points helix/TAG-final at {@code tip} (after {@link #checkWritable}), noting that Helix wrote it
     * there; only from where the check found it, so a change meanwhile makes this fail, not lost.
     */
    static void write(Workspace workspace, String tag, String tip) {
        Optional<String> expected = checkWritable(workspace, tag);
        if (!workspace.git().updateRef(workspace.repo(), "refs/heads/" + name(tag), tip, expected.orElse(""))) {
            throw AppException.runtime("final_branch_moved", "branch " + name(tag) + " changed while finalize ran; it was left as it is",
                    "look at it (git log " + name(tag) + "), then run helix finalize again");
        }
        workspace.git().updateRef(workspace.repo(), marker(tag), tip);
    }

    @Override
    public void close() {
        workspace.git().removeWorktree(workspace.repo(), wt);
    }
}
