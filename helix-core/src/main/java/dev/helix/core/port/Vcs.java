package dev.helix.core.port;

import dev.helix.core.experiment.DiffStat;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Version control, as the session needs it: the few operations the loop makes on its worktrees
 * and branch. Paths inside a repository or worktree are relative, with '/' separators. Every
 * failure is a {@link VcsException} carrying git's own message. The operations around a session
 * (finding the repository, making worktrees, branches) are in {@link Repository}.
 */
public interface Vcs {
    /** Every tracked file at HEAD of {@code dir}. */
    List<String> trackedFiles(Path dir);
    /** Points {@code ref} (a full ref name like refs/heads/helix/nov23) at {@code commit}, creating it. */
    void updateRef(Path repo, String ref, String commit);
    /**
     * A fingerprint of every file that differs from HEAD in {@code worktree}: modified, deleted or
     * untracked (not ignored). Two snapshots differ exactly on the files changed between them.
     */
    Map<String, String> snapshot(Path worktree);
    /**
     * A fingerprint of every file git ignores in {@code worktree}, one by one: what a proposer
     * could leave for the evaluation to read without committing it. Two listings differ exactly on
     * the files created, changed or deleted between them (a rewrite with the same bytes may count).
     */
    Map<String, String> ignoredFiles(Path worktree);
    /** A {@link #snapshot} and the {@link #ignoredFiles} (empty when not asked for) of one moment. */
    record Look(Map<String, String> changed, Map<String, String> ignored) {}
    /** {@link #snapshot} and, with {@code ignored}, {@link #ignoredFiles}: in git, one walk of the tree for both. */
    default Look look(Path worktree, boolean ignored) {
        return new Look(snapshot(worktree), ignored ? ignoredFiles(worktree) : Map.of());
    }
    /** What each of {@code paths} is (a regular file, a symlink, a fifo, ...), symlinks not followed. */
    Map<String, FileKind> kinds(Path worktree, Collection<String> paths);
    /**
     * Content hashes (SHA-256, hex) of the given files; a missing file maps to "missing", a symlink
     * to its target (never followed), a special file to what it is.
     */
    Map<String, String> hashes(Path worktree, Collection<String> files);
    /** Stages exactly {@code paths} (additions, edits and deletions) and commits; returns the commit. */
    String commit(Path worktree, Collection<String> paths, String message);
    /** Moves the worktree's HEAD and files to {@code commit}; untracked files listed in {@code remove} are deleted. */
    void reset(Path worktree, String commit, Collection<String> remove);
    /**
     * Moves the worktree's HEAD, index and files back to {@code commit} where they differ from it by
     * the commits alone: cheaper than {@link #reset} in a large tree, since it does not look at the
     * other tracked files, so a tracked file something else changed meanwhile (the evaluation) stays
     * changed, and the next {@link #snapshot} shows it. By default a {@link #reset}.
     */
    default void revert(Path worktree, String commit) {
        reset(worktree, commit, List.of());
    }
    /**
     * Re-applies the change from {@code base} to {@code commit} (one commit or several) on the
     * worktree's HEAD as one commit with {@code message}: a cherry-pick. With {@code takeTheirs},
     * lines both changed are taken as {@code commit} has them instead of conflicting (the rest of
     * HEAD's change stays). Empty when it does not apply; the worktree is then left at HEAD, clean.
     */
    Optional<String> cherryPick(Path worktree, String base, String commit, String message, boolean takeTheirs);
    /** Lines added and removed between two commits, over all files. */
    DiffStat diffStat(Path dir, String from, String to);

    /** Thrown when git fails. */
    final class VcsException extends RuntimeException {
        public VcsException(String message) {
            super(message);
        }
    }
}
