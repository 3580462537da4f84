package dev.helix.core.port;

import dev.helix.core.experiment.DiffStat;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Version control, as the session needs it. Paths inside a repository or worktree are relative,
 * with '/' separators. Every failure is a {@link VcsException} carrying git's own message.
 */
public interface Vcs {

    /** The top-level directory of the repository containing {@code dir}, or empty when not in one. */
    Optional<Path> topLevel(Path dir);

    /** The commit a revision names, or empty when it names none. */
    Optional<String> resolve(Path repo, String revision);

    /** Tracked files with uncommitted changes (staged or not), relative to the top level. */
    List<String> modifiedTrackedFiles(Path repo);

    /** Every tracked file at HEAD of {@code dir}. */
    List<String> trackedFiles(Path dir);

    /** Creates a worktree at {@code worktree} with a detached HEAD at {@code commit}. */
    void addWorktree(Path repo, Path worktree, String commit);

    /** Removes a worktree Helix made (its files too), and its registration. */
    void removeWorktree(Path repo, Path worktree);

    /** The branch checked out in {@code dir} (e.g. "helix/nov23"), or empty when HEAD is detached. */
    Optional<String> currentBranch(Path dir);

    /** Creates {@code branch} at HEAD and checks it out in {@code dir}, keeping uncommitted changes. */
    void switchToNewBranch(Path dir, String branch);

    /** Whether {@code worktree} is a registered, present worktree of {@code repo}. */
    boolean hasWorktree(Path repo, Path worktree);

    /** Points {@code ref} (a full ref name like refs/heads/helix/nov23) at {@code commit}, creating it. */
    void updateRef(Path repo, String ref, String commit);

    /** Full names of refs starting with {@code prefix}, e.g. "refs/heads/helix/". */
    List<String> refs(Path repo, String prefix);

    /**
     * A fingerprint of every file that differs from HEAD in {@code worktree}: modified, deleted or
     * untracked (not ignored). Two snapshots differ exactly on the files changed between them.
     */
    Map<String, String> snapshot(Path worktree);

    /** Content hashes (SHA-256, hex) of the given files; a missing file maps to "missing". */
    Map<String, String> hashes(Path worktree, Collection<String> files);

    /** Stages exactly {@code paths} (additions, edits and deletions) and commits; returns the commit. */
    String commit(Path worktree, Collection<String> paths, String message);

    /** Commits every given path even when ignored (for the ledger files); returns the commit. */
    String commitForced(Path worktree, Collection<String> paths, String message);

    /** Moves the worktree's HEAD and files to {@code commit}; untracked files listed in {@code remove} are deleted. */
    void reset(Path worktree, String commit, Collection<String> remove);

    /**
     * Re-applies the change from {@code base} to {@code commit} (one commit or several) on the
     * worktree's HEAD as one commit with {@code message}: a cherry-pick. With {@code takeTheirs},
     * lines both changed are taken as {@code commit} has them instead of conflicting (the rest of
     * HEAD's change stays). Empty when it does not apply; the worktree is then left at HEAD, clean.
     */
    Optional<String> cherryPick(Path worktree, String base, String commit, String message, boolean takeTheirs);

    /** Lines added and removed between two commits, over all files. */
    DiffStat diffStat(Path dir, String from, String to);

    /** The files that differ between two commits (added, modified or deleted), by their path in {@code to}. */
    List<String> changedFiles(Path dir, String from, String to);

    /** Sets {@code paths} in {@code dir}'s working tree to their content at {@code commit} (deleting those it lacks). */
    void checkoutFiles(Path dir, String commit, Collection<String> paths);

    /** The unified diff between two commits. */
    String diff(Path dir, String from, String to);

    /** Thrown when git fails. */
    final class VcsException extends RuntimeException {
        public VcsException(String message) {
            super(message);
        }
    }
}
