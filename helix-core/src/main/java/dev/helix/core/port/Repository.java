package dev.helix.core.port;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The repository around sessions: finding it, its branches and worktrees, and what the commands
 * that compare or merge results need. A session itself needs only {@link Vcs}, which this extends
 * so that whoever prepares a session holds one handle. Failures are {@link Vcs.VcsException}s.
 */
public interface Repository extends Vcs {
    /** The top-level directory of the repository containing {@code dir}, or empty when not in one. */
    Optional<Path> topLevel(Path dir);
    /** The commit a revision names, or empty when it names none. */
    Optional<String> resolve(Path repo, String revision);
    /** Tracked files with uncommitted changes (staged or not), relative to the top level. */
    List<String> modifiedTrackedFiles(Path repo);
    /** Creates a worktree at {@code worktree} with a detached HEAD at {@code commit}. */
    void addWorktree(Path repo, Path worktree, String commit);
    /** Removes a worktree Helix made (its files too), and its registration. */
    void removeWorktree(Path repo, Path worktree);
    /**
     * Forgets the registration of the worktree Helix made at {@code worktree} (its files too, if
     * there), whether or not its directory is still there; nothing when none is registered there.
     * Never another's: a repository-wide prune would also forget a user's worktree whose disk is
     * unmounted at the moment.
     */
    void forgetWorktree(Path repo, Path worktree);
    /** Where the repository's registered worktrees are (its own checkout too), their directories there or not. */
    List<Path> worktrees(Path repo);
    /** The branch checked out in {@code dir} (e.g. "helix/nov23"), or empty when HEAD is detached. */
    Optional<String> currentBranch(Path dir);
    /** Creates {@code branch} at HEAD and checks it out in {@code dir}, keeping uncommitted changes. */
    void switchToNewBranch(Path dir, String branch);
    /** Whether {@code worktree} is a registered, present worktree of {@code repo}. */
    boolean hasWorktree(Path repo, Path worktree);
    /** Full names of refs starting with {@code prefix}, e.g. "refs/heads/helix/". */
    List<String> refs(Path repo, String prefix);
    /** Commits every given path even when ignored (for the ledger files); returns the commit. */
    String commitForced(Path worktree, Collection<String> paths, String message);
    /** The files that differ between two commits (added, modified or deleted), by their path in {@code to}. */
    List<String> changedFiles(Path dir, String from, String to);
    /** Sets {@code paths} in {@code dir}'s working tree to their content at {@code commit} (deleting those it lacks). */
    void checkoutFiles(Path dir, String commit, Collection<String> paths);
    /**
     * Commits on {@code worktree}'s HEAD the inverse of the change from {@code base} to {@code commit}
     * (a git revert of every commit of the range) with {@code message}. Empty when it does not apply
     * cleanly; the worktree is then left at HEAD, clean.
     */
    Optional<String> revertCommit(Path worktree, String base, String commit, String message);
    /** The worktree (the main one included) that has {@code branch} (e.g. "helix/s-final") checked out, if any. */
    Optional<Path> worktreeWithBranch(Path repo, String branch);
    /**
     * Points {@code ref} at {@code commit} only while it still points at {@code expected} (empty: only
     * while it does not exist), atomically; false when it moved meanwhile.
     */
    boolean updateRef(Path repo, String ref, String commit, String expected);
    /** The unified diff between two commits. */
    String diff(Path dir, String from, String to);
    /** The text of {@code path} as committed in {@code commit}; empty when that commit has no such file. */
    Optional<String> fileAt(Path repo, String commit, String path);
    /** Whether {@code ancestor} is {@code descendant} or one of the commits it descends from. */
    boolean isAncestor(Path dir, String ancestor, String descendant);
    /**
     * Starts a three-way merge of {@code commit} into the branch checked out in {@code dir}, as a
     * merge commit to be (never a fast-forward), without committing it: returns the paths left in
     * conflict, empty when every file merged. When git refuses to start (an untracked file in the
     * way, say) it throws, and nothing has changed.
     */
    List<String> startMerge(Path dir, String commit);
    /** Abandons the merge {@link #startMerge} began: HEAD, the index and the tracked files as they were before it. */
    void abortMerge(Path dir);
    /** Stages {@code paths} (even when ignored) on top of the merge in progress and commits it; returns the merge commit. */
    String commitMerge(Path dir, Collection<String> paths, String message);

    /**
     * Adds {@code entry} to the repository's own exclude file (.git/info/exclude) unless there: it
     * keeps Helix's files out of {@code git status} without editing a tracked file.
     */
    void excludeLocally(Path repo, String entry) throws IOException;
}
