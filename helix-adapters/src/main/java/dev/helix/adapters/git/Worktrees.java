package dev.helix.adapters.git;

import dev.helix.core.port.Vcs.VcsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A session's worktrees: adding, finding and removing them, and moving their files back to a
 * commit (a reset, or single files restored) when an experiment is not kept.
 */
final class Worktrees {

    private final Git git;
    private final Commits commits;

    Worktrees(Git git, Commits commits) {
        this.git = git;
        this.commits = commits;
    }

    /** See {@link dev.helix.core.port.Repository#forgetWorktree}: this one registration only, never a prune. */
    void forget(Path repo, Path worktree) {
        if (registered(repo, worktree)) remove(repo, worktree);
    }

    void add(Path repo, Path worktree, String commit) {
        // A worktree directory deleted by hand stays registered and blocks re-adding it: that one registration goes.
        if (!Files.exists(worktree, LinkOption.NOFOLLOW_LINKS)) forget(repo, worktree);
        git.run(repo, List.of("worktree", "add", "--detach", worktree.toAbsolutePath().toString(), commit)).ok();
    }

    void remove(Path repo, Path worktree) {
        git.run(repo, List.of("worktree", "remove", "--force", worktree.toAbsolutePath().toString())).ok();
    }

    /** Where {@code repo}'s registered worktrees are, as git lists them. */
    List<Path> list(Path repo) {
        List<Path> all = new ArrayList<>();
        for (String line : git.run(repo, List.of("worktree", "list", "--porcelain")).ok().out().split("\n")) {
            if (line.startsWith("worktree ")) all.add(Path.of(line.substring("worktree ".length())).toAbsolutePath().normalize());
        }
        return all;
    }

    /** Whether a worktree of {@code repo} is registered at {@code worktree}, its directory there or not. */
    private boolean registered(Path repo, Path worktree) {
        Path wanted = worktree.toAbsolutePath().normalize();
        Path parent = wanted.getParent();
        Path realWanted = parent != null && Files.isDirectory(parent) ? real(parent).resolve(wanted.getFileName()) : wanted;
        return list(repo).stream().anyMatch(listed -> listed.equals(wanted) || listed.equals(realWanted));
    }

    /** Whether {@code worktree} exists and is one of {@code repo}'s registered worktrees. */
    boolean has(Path repo, Path worktree) {
        if (!Files.isDirectory(worktree) || !Files.exists(worktree.resolve(".git"))) {
            return false;
        }
        Path wanted = real(worktree);
        for (String line : git.run(repo, List.of("worktree", "list", "--porcelain")).ok().out().split("\n")) {
            if (line.startsWith("worktree ") && real(Path.of(line.substring("worktree ".length()))).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    /** The worktree (the main one included) that has {@code branch} (e.g. "helix/s-final") checked out, if any. */
    Optional<Path> checkingOut(Path repo, String branch) {
        String current = null;
        for (String line : git.run(repo, List.of("worktree", "list", "--porcelain")).ok().out().split("\n")) {
            if (line.startsWith("worktree ")) current = line.substring("worktree ".length());
            else if (line.equals("branch refs/heads/" + branch) && current != null) return Optional.of(Path.of(current));
        }
        return Optional.empty();
    }

    /**
     * Adds {@code entry} to the repository's own exclude file (.git/info/exclude) unless there: it
     * keeps Helix's files out of {@code git status} without editing a tracked file.
     */
    static void excludeLocally(Path repo, String entry) throws IOException {
        Path gitDir = repo.resolve(".git");
        if (!Files.isDirectory(gitDir)) return;
        Path exclude = gitDir.resolve("info").resolve("exclude");
        String text = Files.exists(exclude) ? Files.readString(exclude) : "";
        String bare = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
        if (text.lines().anyMatch(l -> l.strip().equals(entry) || l.strip().equals(bare))) return;
        Files.createDirectories(exclude.getParent());
        Files.writeString(exclude, (text.isEmpty() || text.endsWith("\n") ? text : text + "\n") + entry + "\n");
    }

    /** See {@link dev.helix.core.port.Vcs#reset}: a hard reset, then the untracked leftovers removed. */
    void reset(Path worktree, String commit, Collection<String> remove) {
        Path root = worktree.toAbsolutePath().normalize();
        List<Path> targets = new ArrayList<>();
        for (String p : remove) {
            targets.add(inside(root, p));
        }
        git.run(worktree, List.of("reset", "-q", "--hard", commit, "--")).ok();
        if (remove.isEmpty()) {
            return;
        }
        // Never delete what the commit we moved to tracks, whatever the caller believed.
        Set<String> tracked = git.known(worktree, List.of("ls-files", "-z", "--cached"), List.copyOf(remove));
        int i = 0;
        for (String p : remove) {
            Path target = targets.get(i++);
            if (tracked.contains(p)) {
                continue;
            }
            try {
                deleteRecursively(target);
                for (Path dir = target.getParent(); dir != null && !dir.equals(root) && dir.startsWith(root);
                        dir = dir.getParent()) {
                    try {
                        Files.delete(dir);
                    } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                        break;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + target + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * See {@link dev.helix.core.port.Vcs#revert}: in a worktree whose HEAD is detached (Helix's own),
     * only the files HEAD's commit and {@code commit} differ on are restored, and HEAD moved, without
     * the look at every tracked file a hard reset takes; otherwise, or when that fails, a hard reset.
     */
    void revert(Path worktree, String commit) {
        Optional<String> head = Commits.detachedHead(worktree);
        if (head.isEmpty()) {
            reset(worktree, commit, List.of());
            return;
        }
        if (head.get().equals(commit)) return;
        Optional<Commits.Made> made = commits.made(worktree)
                .filter(m -> m.commit().equals(head.get()) && m.parent().equals(commit));
        List<String> paths;
        if (made.isPresent()) {
            paths = made.get().numstat().paths(); // the commit just made on it: what it changed is known
        } else {
            Git.Result differ = git.run(worktree, List.of("diff-tree", "-r", "-z", "--name-only", "--no-renames",
                    head.get(), commit));
            if (differ.exit() != 0) {
                reset(worktree, commit, List.of());
                return;
            }
            paths = Git.nulSeparated(differ.out());
        }
        if (!paths.isEmpty()) {
            Git.Result restored = git.run(worktree, Map.of(), Git.nulJoined(paths), List.of("--literal-pathspecs",
                    "restore", "--source=" + commit, "--staged", "--worktree", "--pathspec-from-file=-",
                    "--pathspec-file-nul"));
            if (restored.exit() != 0) {
                reset(worktree, commit, List.of());
                return;
            }
        }
        git.run(worktree, List.of("update-ref", "--no-deref", "-m", "reset: moving to " + commit, "HEAD", commit,
                head.get())).ok();
    }

    /** Restores {@code paths} as {@code commit} has them; one it lacks is deleted. */
    void checkoutFiles(Path dir, String commit, Collection<String> paths) {
        Set<String> present = new HashSet<>(
                Git.nulSeparated(git.run(dir, List.of("ls-tree", "-r", "-z", "--name-only", commit)).ok().out()));
        List<String> restore = paths.stream().filter(present::contains).toList();
        if (!restore.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("checkout", commit, "--"));
            args.addAll(restore);
            git.run(dir, args).ok();
        }
        for (String path : paths) {
            if (!present.contains(path)) {
                try {
                    Files.deleteIfExists(dir.resolve(path));
                } catch (IOException e) {
                    throw new VcsException("cannot delete " + path + " in " + dir + ": " + e.getMessage());
                }
            }
        }
    }

    /** {@code root/relative}, refusing anything that would land outside the worktree or in .git. */
    private static Path inside(Path root, String relative) {
        Path target = root.resolve(relative).normalize();
        Path rel = target.startsWith(root) ? root.relativize(target) : null;
        if (relative.isBlank() || Path.of(relative).isAbsolute() || rel == null || rel.toString().isEmpty()
                || rel.getName(0).toString().equals(".git")) {
            throw new IllegalArgumentException("refusing to remove '" + relative + "': not a path inside the worktree "
                    + root);
        }
        return target;
    }

    private static void deleteRecursively(Path target) throws IOException {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.deleteIfExists(target);
            return;
        }
        Files.walkFileTree(target, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
