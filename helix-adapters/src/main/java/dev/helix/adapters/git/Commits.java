package dev.helix.adapters.git;

import dev.helix.core.port.Vcs.VcsException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Helix's own commits in a session's worktree: one per experiment, of exactly the paths it
 * changed, and the cherry-pick that carries a change onto another line.
 */
final class Commits {

    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    private final Git git;
    /** Asked once per directory: a session commits there hundreds of times, from several workers at once. */
    private final ConcurrentHashMap<Path, List<String>> identities = new ConcurrentHashMap<>();

    /** A commit Helix made on {@code parent} and what it changed: the revert and the line count need not ask git again. */
    record Made(String commit, String parent, Git.Numstat numstat) {}

    /** The last commit made in each worktree; commits never change, so this is never stale, only replaced. */
    private final ConcurrentHashMap<Path, Made> made = new ConcurrentHashMap<>();

    /** The last commit {@link #commit} made in {@code worktree} with plumbing, if any. */
    Optional<Made> made(Path worktree) {
        return Optional.ofNullable(made.get(key(worktree)));
    }

    private static Path key(Path worktree) {
        return worktree.toAbsolutePath().normalize();
    }

    Commits(Git git) {
        this.git = git;
    }

    /** Stages exactly {@code paths} (with {@code force}, ignored ones too) and commits them. */
    String commit(Path worktree, Collection<String> paths, String message, boolean force) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(paths));
        if (!force && !distinct.isEmpty()) {
            Optional<String> plumbed = plumbed(worktree, distinct, message);
            if (plumbed.isPresent()) return plumbed.get();
        }
        // git refuses a pathspec that matches nothing, so an absent path is passed on only where git
        // knows it: to add when the index has it (a deletion to stage), to commit when the index or
        // HEAD has it (a deletion staged already, e.g. by git mv). A path that is in neither was
        // created and deleted again: there is nothing to record.
        List<String> unique = distinct;
        List<String> absent = unique.stream()
                .filter(p -> !Files.exists(worktree.resolve(p), LinkOption.NOFOLLOW_LINKS)).toList();
        Set<String> inIndex = git.known(worktree, List.of("ls-files", "-z", "--cached"), absent);
        Set<String> inHead = absent.isEmpty() || git.resolve(worktree, "HEAD").isEmpty() ? Set.of()
                : git.known(worktree, List.of("ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD"), absent);
        List<String> toAdd = unique.stream().filter(p -> !absent.contains(p) || inIndex.contains(p)).toList();
        List<String> toCommit = unique.stream()
                .filter(p -> !absent.contains(p) || inIndex.contains(p) || inHead.contains(p)).toList();

        if (!toAdd.isEmpty()) {
            List<String> add = new ArrayList<>(List.of("--literal-pathspecs", "add", "-A"));
            if (force) {
                add.add("-f");
            }
            add.addAll(List.of("--pathspec-from-file=-", "--pathspec-file-nul"));
            git.run(worktree, Map.of(), Git.nulJoined(toAdd), add).ok();
        }
        List<String> args = commitOptions(worktree);
        args.addAll(List.of("--literal-pathspecs", "commit", "-q", "--no-verify",
                // Every experiment gets a commit, even one that changed nothing.
                "--allow-empty", "--allow-empty-message", "--cleanup=whitespace",
                // Only these paths, even if something else was staged meanwhile (with no paths: none).
                "--only", "-m", message));
        if (!toCommit.isEmpty()) {
            args.addAll(List.of("--pathspec-from-file=-", "--pathspec-file-nul"));
        }
        git.run(worktree, Map.of(), toCommit.isEmpty() ? null : Git.nulJoined(toCommit), args).ok();
        return committed(worktree);
    }

    /**
     * The commit of {@code paths} made with git's plumbing, which looks at those paths only, where
     * {@code git commit --only} looks at every tracked file twice and walks the tree: stage them,
     * write the index's tree, commit it on HEAD, move HEAD (from the commit it was, or fail). Empty,
     * with nothing committed, when this does not apply: a path is gone or git will not stage it, HEAD
     * names no commit, or the tree differs from HEAD on a path not given (something else was staged,
     * which {@code --only} leaves out); the caller then commits the general way.
     */
    private Optional<String> plumbed(Path worktree, List<String> paths, String message) {
        if (paths.stream().anyMatch(p -> !Files.exists(worktree.resolve(p), LinkOption.NOFOLLOW_LINKS))) {
            return Optional.empty(); // a deletion git may not know of: the general case's care
        }
        Optional<String> head = detachedHead(worktree).or(() -> git.resolve(worktree, "HEAD"));
        if (head.isEmpty()) return Optional.empty();
        Git.Result staged = git.run(worktree, Map.of(), Git.nulJoined(paths),
                List.of("update-index", "--add", "--remove", "-z", "--stdin"));
        if (staged.exit() != 0) return Optional.empty();
        String tree = Git.chomp(git.run(worktree, List.of("write-tree")).ok().out());
        Set<String> given = new HashSet<>();
        paths.forEach(p -> given.add(Git.stripSlash(p)));
        // The same diff the experiment's record counts its lines with, so it is asked once.
        Git.Numstat numstat = Git.numstat(worktree, git.run(worktree, List.of("diff", "--numstat", "-z", "-M",
                "--no-ext-diff", head.get(), tree, "--")).ok().out());
        if (!given.containsAll(numstat.paths())) return Optional.empty();
        List<String> args = commitOptions(worktree);
        args.addAll(List.of("commit-tree", tree, "-p", head.get(), "-F", "-"));
        String cleaned = cleanup(message);
        String commit = Git.chomp(git.run(worktree, Map.of(), cleaned.getBytes(StandardCharsets.UTF_8), args).ok().out());
        String subject = cleaned.lines().findFirst().orElse("");
        git.run(worktree, List.of("update-ref", "-m", "commit: " + subject, "HEAD", commit, head.get())).ok();
        made.put(key(worktree), new Made(commit, head.get(), numstat));
        return Optional.of(commit);
    }

    /** A message as {@code git commit --cleanup=whitespace} leaves it: no trailing spaces, no runs of empty lines. */
    static String cleanup(String message) {
        StringBuilder out = new StringBuilder();
        boolean blank = false;
        for (String line : message.split("\\R", -1)) {
            String l = line.stripTrailing();
            if (l.isEmpty()) {
                blank = !out.isEmpty();
                continue;
            }
            if (blank) out.append('\n');
            blank = false;
            out.append(l).append('\n');
        }
        return out.toString();
    }

    /** See {@link dev.helix.core.port.Vcs#cherryPick}. */
    Optional<String> cherryPick(Path worktree, String base, String commit, String message, boolean takeTheirs) {
        List<String> pick = new ArrayList<>(List.of("-c", "core.hooksPath=/dev/null", "-c", "gc.auto=0", "cherry-pick",
                "--no-commit", "--allow-empty"));
        if (takeTheirs) pick.add("--strategy-option=theirs");
        pick.add(base + ".." + commit); // with --no-commit, every commit of the range lands in one change
        return commitApplied(worktree, git.run(worktree, pick), "cherry-pick", message);
    }

    /** See {@link dev.helix.core.port.Repository#revertCommit}. */
    Optional<String> revertCommit(Path worktree, String base, String commit, String message) {
        // with --no-commit, every commit of the range is reverted (newest first) into one change
        Git.Result reverted = git.run(worktree, List.of("-c", "core.hooksPath=/dev/null", "-c", "gc.auto=0", "revert",
                "--no-commit", base + ".." + commit));
        return commitApplied(worktree, reverted, "revert", message);
    }

    /**
     * Commits what a cherry-pick or revert with --no-commit ({@code sequencer}) applied, with
     * {@code message}; when it did not apply cleanly, aborts it and leaves the worktree at HEAD.
     */
    private Optional<String> commitApplied(Path worktree, Git.Result applied, String sequencer, String message) {
        if (applied.exit() != 0) {
            git.run(worktree, List.of(sequencer, "--abort")); // may have nothing to abort
            git.run(worktree, List.of("reset", "-q", "--hard", "HEAD")).ok();
            return Optional.empty();
        }
        List<String> args = commitOptions(worktree);
        args.addAll(List.of("commit", "-q", "--no-verify", "--allow-empty", "--cleanup=whitespace", "-m", message));
        git.run(worktree, args).ok();
        return Optional.of(committed(worktree));
    }

    /**
     * Options for Helix's own commits: machine steps in its own worktree, so no signing, no hook
     * to slow or veto them, no automatic gc packing refs under another worker's update-ref; an
     * identity only where the user has none.
     */
    List<String> commitOptions(Path worktree) {
        List<String> args = new ArrayList<>(List.of("-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
                "-c", "gc.auto=0", "-c", "maintenance.auto=false"));
        args.addAll(identity(worktree));
        return args;
    }

    /** The commit just made in {@code worktree}. */
    private String committed(Path worktree) {
        return detachedHead(worktree).or(() -> git.resolve(worktree, "HEAD")).orElseThrow(() -> new VcsException(
                "git commit in " + worktree + " succeeded, but HEAD names no commit"));
    }

    /**
     * The commit a worktree's detached HEAD names, read from its HEAD file (a session's worktree is
     * detached): one git process less per experiment. Empty when HEAD is a branch or the layout is
     * not the usual one; then git is asked.
     */
    static Optional<String> detachedHead(Path worktree) {
        try {
            Path dotGit = worktree.resolve(".git");
            Path gitDir;
            if (Files.isRegularFile(dotGit)) {
                String link = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
                if (!link.startsWith("gitdir: ")) return Optional.empty();
                gitDir = worktree.resolve(link.substring("gitdir: ".length()));
            } else {
                gitDir = dotGit;
            }
            String head = Files.readString(gitDir.resolve("HEAD"), StandardCharsets.UTF_8).strip();
            return OBJECT_ID.matcher(head).matches() ? Optional.of(head) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code -c user.name/user.email} for whichever the user has not configured, only if git needs them. */
    private List<String> identity(Path dir) {
        return identities.computeIfAbsent(dir.toAbsolutePath().normalize(), this::askIdentity);
    }

    private List<String> askIdentity(Path dir) {
        boolean complete = git.run(dir, List.of("var", "GIT_AUTHOR_IDENT")).exit() == 0
                && git.run(dir, List.of("var", "GIT_COMMITTER_IDENT")).exit() == 0;
        if (complete) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        if (git.run(dir, List.of("config", "--get", "user.name")).exit() != 0) {
            args.addAll(List.of("-c", "user.name=Helix"));
        }
        if (git.run(dir, List.of("config", "--get", "user.email")).exit() != 0) {
            args.addAll(List.of("-c", "user.email=helix@localhost"));
        }
        return args;
    }
}
