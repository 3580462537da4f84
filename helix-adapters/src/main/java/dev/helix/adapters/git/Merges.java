package dev.helix.adapters.git;

import dev.helix.core.port.Vcs.VcsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * A three-way merge in the user's own checkout: started without committing, so that the caller can
 * add its files to it before the merge commit, or abandon it leaving everything as it was.
 */
final class Merges {

    private final Git git;
    private final Commits commits;

    Merges(Git git, Commits commits) {
        this.git = git;
        this.commits = commits;
    }

    /** See {@link dev.helix.core.port.Repository#isAncestor}. */
    boolean isAncestor(Path dir, String ancestor, String descendant) {
        Git.Result r = git.run(dir, List.of("merge-base", "--is-ancestor", ancestor, descendant));
        if (r.exit() == 0 || r.exit() == 1) return r.exit() == 0;
        throw r.failure();
    }

    /** See {@link dev.helix.core.port.Repository#startMerge}. */
    List<String> start(Path dir, String commit) {
        // No editor: a person may not be there to close one.
        Git.Result merged = git.run(dir, Map.of("LC_ALL", "C", "GIT_MERGE_AUTOEDIT", "no"), null, List.of(
                "-c", "core.hooksPath=/dev/null", "merge", "-q", "--no-ff", "--no-commit", commit));
        if (git.resolve(dir, "MERGE_HEAD").isEmpty()) {
            // git stopped before merging anything (or there was nothing to merge): nothing to abandon.
            if (merged.exit() != 0) throw merged.failure();
            throw new VcsException("git merge of " + commit + " in " + dir + " left no merge to commit: " + merged.out().strip());
        }
        return List.copyOf(new LinkedHashSet<>(Git.nulSeparated(git.run(dir, List.of("diff", "--name-only", "-z",
                "--diff-filter=U")).ok().out())));
    }

    /** See {@link dev.helix.core.port.Repository#abortMerge}. */
    void abort(Path dir) {
        git.run(dir, List.of("merge", "--abort")).ok();
    }

    /** See {@link dev.helix.core.port.Repository#commitMerge}. */
    String commit(Path dir, Collection<String> paths, String message) {
        if (!paths.isEmpty()) {
            git.run(dir, Map.of(), Git.nulJoined(List.copyOf(paths)), List.of("--literal-pathspecs", "add", "-f", "-A",
                    "--pathspec-from-file=-", "--pathspec-file-nul")).ok();
        }
        List<String> args = new ArrayList<>(commits.commitOptions(dir));
        args.addAll(List.of("commit", "-q", "--no-verify", "--cleanup=whitespace", "-m", message));
        git.run(dir, args).ok();
        return git.resolve(dir, "HEAD").orElseThrow(() -> new VcsException("git commit in " + dir + " made no commit"));
    }
}
