package dev.helix.adapters.git;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.port.FileKind;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@link Vcs} and {@link Repository} on the git command line ({@code git -C <dir> ...}), always in
 * machine formats (porcelain, {@code -z}) so that no path is ever quoted, localized or split on a space.
 *
 * <p>Needs git 2.25 or newer ({@code --pathspec-from-file}). The work is done by its parts: {@link Git}
 * runs git, {@link Fingerprints} fingerprints files, {@link Commits} commits and cherry-picks,
 * {@link Worktrees} makes and resets worktrees, {@link Merges} merges a session into the user's branch;
 * the queries on refs and diffs are here.
 */
public final class GitVcs implements Repository {

    private final Git git;
    private final Fingerprints fingerprints;
    private final Commits commits;
    private final Worktrees worktrees;
    private final Merges merges;
    /** git as found on the PATH in the caller's environment: its answer on a top level may be remembered. */
    private final boolean plain;

    public GitVcs() {
        this(Map.of());
    }

    /** @param env set for every git process, on top of this process's environment (tests use it). */
    public GitVcs(Map<String, String> env) {
        this("git", env);
    }

    public GitVcs(String executable, Map<String, String> env) {
        this.git = new Git(executable, env);
        this.fingerprints = new Fingerprints(git);
        this.commits = new Commits(git);
        this.worktrees = new Worktrees(git, commits);
        this.merges = new Merges(git, commits);
        this.plain = executable.equals("git") && env.isEmpty();
    }

    @Override
    public Optional<Path> topLevel(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        return plain ? TopLevels.of(dir, () -> askTopLevel(dir)) : askTopLevel(dir);
    }

    private Optional<Path> askTopLevel(Path dir) {
        // English messages, whatever the user's locale: we tell "not a repository" by git's words.
        Git.Result r = git.run(dir, Map.of("LC_ALL", "C"), null, List.of("rev-parse", "--show-toplevel"));
        if (r.exit() == 0) {
            return Optional.of(Path.of(Git.chomp(r.out())));
        }
        String err = r.err().toLowerCase(Locale.ROOT);
        if (err.contains("not a git repository") || err.contains("must be run in a work tree")) {
            return Optional.empty();
        }
        throw r.failure();
    }

    @Override
    public Optional<String> resolve(Path repo, String revision) {
        return git.resolve(repo, revision);
    }

    @Override
    public List<String> modifiedTrackedFiles(Path repo) {
        return List.copyOf(git.status(repo, false));
    }

    @Override
    public List<String> trackedFiles(Path dir) {
        if (resolve(dir, "HEAD").isEmpty()) {
            return List.of(); // a repository without commits tracks nothing yet
        }
        return Git.nulSeparated(git.run(dir, List.of("ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD"))
                .ok().out());
    }

    @Override
    public void addWorktree(Path repo, Path worktree, String commit) {
        worktrees.add(repo, worktree, commit);
    }

    @Override
    public void excludeLocally(Path repo, String entry) throws IOException {
        Worktrees.excludeLocally(repo, entry);
    }

    @Override
    public void removeWorktree(Path repo, Path worktree) {
        worktrees.remove(repo, worktree);
    }

    @Override
    public void forgetWorktree(Path repo, Path worktree) {
        worktrees.forget(repo, worktree);
    }

    @Override
    public List<Path> worktrees(Path repo) {
        return worktrees.list(repo);
    }

    @Override
    public boolean hasWorktree(Path repo, Path worktree) {
        return worktrees.has(repo, worktree);
    }

    @Override
    public Optional<Path> worktreeWithBranch(Path repo, String branch) {
        return worktrees.checkingOut(repo, branch);
    }

    @Override
    public boolean updateRef(Path repo, String ref, String commit, String expected) {
        return git.run(repo, List.of("update-ref", "-m", "helix", ref, commit, expected)).exit() == 0;
    }

    @Override
    public Optional<String> currentBranch(Path dir) {
        String name = git.run(dir, List.of("symbolic-ref", "-q", "--short", "HEAD")).out().strip();
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    @Override
    public void switchToNewBranch(Path dir, String branch) {
        git.run(dir, List.of("switch", "-q", "-c", branch)).ok();
    }

    @Override
    public void updateRef(Path repo, String ref, String commit) {
        git.run(repo, List.of("update-ref", "-m", "helix", ref, commit)).ok();
    }

    @Override
    public List<String> refs(Path repo, String prefix) {
        List<String> args = new ArrayList<>(List.of("for-each-ref", "--format=%(refname)"));
        // for-each-ref matches whole path components; narrow by the directory part, filter the rest here.
        int slash = prefix.lastIndexOf('/');
        if (slash > 0) {
            args.add(prefix.substring(0, slash + 1));
        }
        List<String> out = new ArrayList<>();
        for (String ref : git.run(repo, args).ok().out().split("\n")) {
            if (!ref.isEmpty() && ref.startsWith(prefix)) {
                out.add(ref);
            }
        }
        return out;
    }

    @Override
    public Map<String, String> snapshot(Path worktree) {
        return fingerprints.snapshot(worktree);
    }

    @Override
    public Look look(Path worktree, boolean ignored) {
        return fingerprints.look(worktree, ignored);
    }

    @Override
    public Map<String, String> ignoredFiles(Path worktree) {
        return fingerprints.ignored(worktree);
    }

    @Override
    public Map<String, FileKind> kinds(Path worktree, Collection<String> paths) {
        return Fingerprints.kinds(worktree, paths);
    }

    @Override
    public Map<String, String> hashes(Path worktree, Collection<String> files) {
        return Fingerprints.hashes(worktree, files);
    }

    @Override
    public String commit(Path worktree, Collection<String> paths, String message) {
        return commits.commit(worktree, paths, message, false);
    }

    @Override
    public String commitForced(Path worktree, Collection<String> paths, String message) {
        return commits.commit(worktree, paths, message, true);
    }

    @Override
    public void reset(Path worktree, String commit, Collection<String> remove) {
        worktrees.reset(worktree, commit, remove);
    }

    @Override
    public void revert(Path worktree, String commit) {
        worktrees.revert(worktree, commit);
    }

    @Override
    public Optional<String> cherryPick(Path worktree, String base, String commit, String message, boolean takeTheirs) {
        return commits.cherryPick(worktree, base, commit, message, takeTheirs);
    }

    @Override
    public Optional<String> revertCommit(Path worktree, String base, String commit, String message) {
        return commits.revertCommit(worktree, base, commit, message);
    }

    @Override
    public void checkoutFiles(Path dir, String commit, Collection<String> paths) {
        worktrees.checkoutFiles(dir, commit, paths);
    }

    @Override
    public DiffStat diffStat(Path dir, String from, String to) {
        Optional<Commits.Made> made = commits.made(dir).filter(m -> m.commit().equals(to) && m.parent().equals(from));
        if (made.isPresent()) return made.get().numstat().stat(); // counted when it was made
        return Git.numstat(dir, git.run(dir, List.of("diff", "--numstat", "-z", "-M", "--no-ext-diff", from, to, "--"))
                .ok().out()).stat();
    }

    @Override
    public List<String> changedFiles(Path dir, String from, String to) {
        return Git.nulSeparated(git.run(dir, List.of("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff",
                from, to, "--")).ok().out());
    }

    @Override
    public String diff(Path dir, String from, String to) {
        return git.run(dir, List.of("diff", "--no-color", "--no-ext-diff", "-M", "--src-prefix=a/", "--dst-prefix=b/",
                from, to, "--")).ok().out();
    }

    @Override
    public Optional<String> fileAt(Path repo, String commit, String path) {
        // cat-file -e first: a missing file is an answer, not a failure of git
        if (git.run(repo, List.of("cat-file", "-e", commit + ":" + path)).exit() != 0) return Optional.empty();
        return Optional.of(git.run(repo, List.of("cat-file", "blob", commit + ":" + path)).ok().out());
    }

    @Override
    public boolean isAncestor(Path dir, String ancestor, String descendant) {
        return merges.isAncestor(dir, ancestor, descendant);
    }

    @Override
    public List<String> startMerge(Path dir, String commit) {
        return merges.start(dir, commit);
    }

    @Override
    public void abortMerge(Path dir) {
        merges.abort(dir);
    }

    @Override
    public String commitMerge(Path dir, Collection<String> paths, String message) {
        return merges.commit(dir, paths, message);
    }
}
