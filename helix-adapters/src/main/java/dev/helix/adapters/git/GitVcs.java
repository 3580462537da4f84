package dev.helix.adapters.git;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.port.Repository;
import dev.helix.core.port.Vcs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * {@link Vcs} and {@link Repository} on the git command line ({@code git -C <dir> ...}), always in
 * machine formats (porcelain, {@code -z}) so that no path is ever quoted, localized or split on a space.
 *
 * <p>Needs git 2.25 or newer ({@code --pathspec-from-file}).
 */
public final class GitVcs implements Repository {

    /** Files at least this large are fingerprinted by size and mtime alone, not hashed. */
    static final long HASH_LIMIT = 1L << 20;

    /** Inherited, these would point every {@code git -C} at another repository (e.g. inside a hook). */
    private static final List<String> REPOSITORY_ENV = List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE",
            "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES", "GIT_COMMON_DIR", "GIT_NAMESPACE",
            "GIT_PREFIX");

    private static final int CHUNK = 500;

    private final String executable;
    private final Map<String, String> env;

    public GitVcs() {
        this(Map.of());
    }

    /** @param env set for every git process, on top of this process's environment (tests use it). */
    public GitVcs(Map<String, String> env) {
        this("git", env);
    }

    public GitVcs(String executable, Map<String, String> env) {
        this.executable = executable;
        this.env = Map.copyOf(env);
    }

    @Override
    public Optional<Path> topLevel(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        // English messages, whatever the user's locale: we tell "not a repository" by git's words.
        Result r = run(dir, Map.of("LC_ALL", "C"), null, List.of("rev-parse", "--show-toplevel"));
        if (r.exit == 0) {
            return Optional.of(Path.of(chomp(r.out())));
        }
        String err = r.err.toLowerCase(java.util.Locale.ROOT);
        if (err.contains("not a git repository") || err.contains("must be run in a work tree")) {
            return Optional.empty();
        }
        throw r.failure();
    }

    @Override
    public Optional<String> resolve(Path repo, String revision) {
        if (revision.isEmpty() || revision.startsWith("-")) {
            return Optional.empty();
        }
        Result r = run(repo, List.of("rev-parse", "--verify", "--quiet", revision + "^{commit}"));
        if (r.exit == 0) {
            return Optional.of(chomp(r.out()));
        }
        if (r.exit == 1) {
            return Optional.empty();
        }
        throw r.failure();
    }

    @Override
    public List<String> modifiedTrackedFiles(Path repo) {
        return List.copyOf(status(repo, false));
    }

    @Override
    public List<String> trackedFiles(Path dir) {
        if (resolve(dir, "HEAD").isEmpty()) {
            return List.of(); // a repository without commits tracks nothing yet
        }
        return nulSeparated(ok(run(dir, List.of("ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD"))).out());
    }

    @Override
    public void addWorktree(Path repo, Path worktree, String commit) {
        // A worktree directory deleted by hand stays registered until pruned, and blocks re-adding it.
        ok(run(repo, List.of("worktree", "prune")));
        ok(run(repo, List.of("worktree", "add", "--detach", worktree.toAbsolutePath().toString(), commit)));
    }

    /**
     * Adds {@code entry} to the repository's own exclude file (.git/info/exclude) unless there: it
     * keeps Helix's files out of {@code git status} without editing a tracked file.
     */
    @Override
    public void excludeLocally(Path repo, String entry) throws IOException {
        Path gitDir = repo.resolve(".git");
        if (!Files.isDirectory(gitDir)) return;
        Path exclude = gitDir.resolve("info").resolve("exclude");
        String text = Files.exists(exclude) ? Files.readString(exclude) : "";
        String bare = entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry;
        if (text.lines().anyMatch(l -> l.strip().equals(entry) || l.strip().equals(bare))) return;
        Files.createDirectories(exclude.getParent());
        Files.writeString(exclude, (text.isEmpty() || text.endsWith("\n") ? text : text + "\n") + entry + "\n");
    }

    @Override
    public void removeWorktree(Path repo, Path worktree) {
        ok(run(repo, List.of("worktree", "remove", "--force", worktree.toAbsolutePath().toString())));
    }

    @Override
    public Optional<String> currentBranch(Path dir) {
        var result = run(dir, List.of("symbolic-ref", "-q", "--short", "HEAD"));
        String name = result.out().strip();
        return name.isEmpty() ? Optional.empty() : Optional.of(name);
    }

    @Override
    public void switchToNewBranch(Path dir, String branch) {
        ok(run(dir, List.of("switch", "-q", "-c", branch)));
    }

    @Override
    public boolean hasWorktree(Path repo, Path worktree) {
        if (!Files.isDirectory(worktree) || !Files.exists(worktree.resolve(".git"))) {
            return false;
        }
        Path wanted = real(worktree);
        for (String line : ok(run(repo, List.of("worktree", "list", "--porcelain"))).out().split("\n")) {
            if (line.startsWith("worktree ") && real(Path.of(line.substring("worktree ".length()))).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void updateRef(Path repo, String ref, String commit) {
        ok(run(repo, List.of("update-ref", "-m", "helix", ref, commit)));
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
        for (String ref : ok(run(repo, args)).out().split("\n")) {
            if (!ref.isEmpty() && ref.startsWith(prefix)) {
                out.add(ref);
            }
        }
        return out;
    }

    @Override
    public Map<String, String> snapshot(Path worktree) {
        Map<String, String> out = new TreeMap<>();
        for (String path : status(worktree, true)) {
            out.put(path, fingerprint(worktree.resolve(stripSlash(path))));
        }
        return out;
    }

    @Override
    public Map<String, String> hashes(Path worktree, Collection<String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String file : files) {
            Path p = worktree.resolve(file);
            if (!Files.exists(p)) {
                out.put(file, "missing");
            } else if (Files.isDirectory(p)) {
                out.put(file, "directory");
            } else {
                try {
                    out.put(file, sha256(p));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
                }
            }
        }
        return out;
    }

    @Override
    public String commit(Path worktree, Collection<String> paths, String message) {
        return commit(worktree, paths, message, false);
    }

    @Override
    public String commitForced(Path worktree, Collection<String> paths, String message) {
        return commit(worktree, paths, message, true);
    }

    private String commit(Path worktree, Collection<String> paths, String message, boolean force) {
        // git refuses a pathspec that matches nothing, so an absent path is passed on only where git
        // knows it: to add when the index has it (a deletion to stage), to commit when the index or
        // HEAD has it (a deletion staged already, e.g. by git mv). A path that is in neither was
        // created and deleted again: there is nothing to record.
        List<String> unique = List.copyOf(new LinkedHashSet<>(paths));
        List<String> absent = unique.stream()
                .filter(p -> !Files.exists(worktree.resolve(p), LinkOption.NOFOLLOW_LINKS)).toList();
        Set<String> inIndex = known(worktree, List.of("ls-files", "-z", "--cached"), absent);
        Set<String> inHead = absent.isEmpty() || resolve(worktree, "HEAD").isEmpty() ? Set.of()
                : known(worktree, List.of("ls-tree", "-r", "-z", "--name-only", "--full-tree", "HEAD"), absent);
        List<String> toAdd = unique.stream().filter(p -> !absent.contains(p) || inIndex.contains(p)).toList();
        List<String> toCommit = unique.stream()
                .filter(p -> !absent.contains(p) || inIndex.contains(p) || inHead.contains(p)).toList();

        if (!toAdd.isEmpty()) {
            List<String> add = new ArrayList<>(List.of("--literal-pathspecs", "add", "-A"));
            if (force) {
                add.add("-f");
            }
            add.addAll(List.of("--pathspec-from-file=-", "--pathspec-file-nul"));
            ok(run(worktree, Map.of(), nulJoined(toAdd), add));
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
        ok(run(worktree, Map.of(), toCommit.isEmpty() ? null : nulJoined(toCommit), args));
        return committed(worktree);
    }

    /**
     * Options for Helix's own commits: machine steps in its own worktree, so no signing, no hook
     * to slow or veto them, no automatic gc packing refs under another worker's update-ref; an
     * identity only where the user has none.
     */
    private List<String> commitOptions(Path worktree) {
        List<String> args = new ArrayList<>(List.of("-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null",
                "-c", "gc.auto=0", "-c", "maintenance.auto=false"));
        args.addAll(identity(worktree));
        return args;
    }

    /** The commit just made in {@code worktree}. */
    private String committed(Path worktree) {
        return detachedHead(worktree).or(() -> resolve(worktree, "HEAD")).orElseThrow(() -> new VcsException(
                "git commit in " + worktree + " succeeded, but HEAD names no commit"));
    }

    private static final java.util.regex.Pattern OBJECT_ID = java.util.regex.Pattern.compile("[0-9a-f]{40}|[0-9a-f]{64}");

    /**
     * The commit a worktree's detached HEAD names, read from its HEAD file (a session's worktree is
     * detached): one git process less per experiment. Empty when HEAD is a branch or the layout is
     * not the usual one; then git is asked.
     */
    private static Optional<String> detachedHead(Path worktree) {
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

    /**
     * Which of {@code paths} a listing command ({@code ls-files} of the index, {@code ls-tree} of a
     * commit) knows, exactly or as a directory of known files.
     */
    private Set<String> known(Path worktree, List<String> listing, List<String> paths) {
        if (paths.isEmpty()) {
            return Set.of();
        }
        Set<String> files = new HashSet<>();
        for (int i = 0; i < paths.size(); i += CHUNK) {
            List<String> args = new ArrayList<>(List.of("--literal-pathspecs"));
            args.addAll(listing);
            args.add("--");
            args.addAll(paths.subList(i, Math.min(paths.size(), i + CHUNK)));
            files.addAll(nulSeparated(ok(run(worktree, args)).out()));
        }
        Set<String> known = new HashSet<>();
        for (String p : paths) {
            String dir = stripSlash(p) + "/";
            if (files.contains(p) || files.stream().anyMatch(f -> f.startsWith(dir))) {
                known.add(p);
            }
        }
        return known;
    }

    /** {@code -c user.name/user.email} for whichever the user has not configured, only if git needs them. */
    private List<String> identity(Path dir) {
        // Asked once per directory: a session commits there hundreds of times, from several workers at once.
        return identities.computeIfAbsent(dir.toAbsolutePath().normalize(), this::askIdentity);
    }

    private final java.util.concurrent.ConcurrentHashMap<Path, List<String>> identities = new java.util.concurrent.ConcurrentHashMap<>();

    private List<String> askIdentity(Path dir) {
        boolean complete = run(dir, List.of("var", "GIT_AUTHOR_IDENT")).exit == 0
                && run(dir, List.of("var", "GIT_COMMITTER_IDENT")).exit == 0;
        if (complete) {
            return List.of();
        }
        List<String> args = new ArrayList<>();
        if (run(dir, List.of("config", "--get", "user.name")).exit != 0) {
            args.addAll(List.of("-c", "user.name=Helix"));
        }
        if (run(dir, List.of("config", "--get", "user.email")).exit != 0) {
            args.addAll(List.of("-c", "user.email=helix@localhost"));
        }
        return args;
    }

    @Override
    public void reset(Path worktree, String commit, Collection<String> remove) {
        Path root = worktree.toAbsolutePath().normalize();
        List<Path> targets = new ArrayList<>();
        for (String p : remove) {
            targets.add(inside(root, p));
        }
        ok(run(worktree, List.of("reset", "-q", "--hard", commit, "--")));
        if (remove.isEmpty()) {
            return;
        }
        // Never delete what the commit we moved to tracks, whatever the caller believed.
        Set<String> tracked = known(worktree, List.of("ls-files", "-z", "--cached"), List.copyOf(remove));
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

    @Override
    public DiffStat diffStat(Path dir, String from, String to) {
        List<String> fields = nulSeparated(ok(run(dir, List.of("diff", "--numstat", "-z", "-M", "--no-ext-diff",
                from, to, "--"))).out());
        int files = 0;
        int added = 0;
        int removed = 0;
        for (int i = 0; i < fields.size(); i++) {
            // "added\tremoved\tpath", or for a rename "added\tremoved\t" followed by two fields: old, new.
            String[] parts = fields.get(i).split("\t", 3);
            if (parts.length < 3) {
                throw new VcsException("unexpected output of git diff --numstat in " + dir + ": " + fields.get(i));
            }
            if (parts[2].isEmpty()) {
                i += 2;
            }
            files++;
            added += count(parts[0]);
            removed += count(parts[1]);
        }
        return new DiffStat(files, added, removed);
    }

    @Override
    public Optional<String> cherryPick(Path worktree, String base, String commit, String message, boolean takeTheirs) {
        List<String> pick = new ArrayList<>(List.of("-c", "core.hooksPath=/dev/null", "-c", "gc.auto=0", "cherry-pick",
                "--no-commit", "--allow-empty"));
        if (takeTheirs) pick.add("--strategy-option=theirs");
        pick.add(base + ".." + commit); // with --no-commit, every commit of the range lands in one change
        Result picked = run(worktree, pick);
        if (picked.exit != 0) {
            run(worktree, List.of("cherry-pick", "--abort")); // may have nothing to abort
            ok(run(worktree, List.of("reset", "-q", "--hard", "HEAD")));
            return Optional.empty();
        }
        List<String> args = commitOptions(worktree);
        args.addAll(List.of("commit", "-q", "--no-verify", "--allow-empty", "--cleanup=whitespace", "-m", message));
        ok(run(worktree, args));
        return Optional.of(committed(worktree));
    }

    @Override
    public List<String> changedFiles(Path dir, String from, String to) {
        return nulSeparated(ok(run(dir, List.of("diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", from, to, "--"))).out());
    }

    @Override
    public void checkoutFiles(Path dir, String commit, Collection<String> paths) {
        Set<String> present = new java.util.HashSet<>(
                nulSeparated(ok(run(dir, List.of("ls-tree", "-r", "-z", "--name-only", commit))).out()));
        List<String> restore = paths.stream().filter(present::contains).toList();
        if (!restore.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("checkout", commit, "--"));
            args.addAll(restore);
            ok(run(dir, args));
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

    /** A numstat count; "-" is a binary file, which has no lines. */
    private static int count(String s) {
        return s.equals("-") ? 0 : Integer.parseInt(s);
    }

    @Override
    public String diff(Path dir, String from, String to) {
        return ok(run(dir, List.of("diff", "--no-color", "--no-ext-diff", "-M", "--src-prefix=a/", "--dst-prefix=b/",
                from, to, "--"))).out();
    }

    /**
     * Paths in {@code git status}, relative to the top level; both sides of a rename or copy.
     * Untracked files are listed one by one (not as their directory), ignored ones not at all.
     */
    private Set<String> status(Path dir, boolean untracked) {
        List<String> fields = nulSeparated(ok(run(dir, List.of("status", "--porcelain=v1", "-z",
                "--untracked-files=" + (untracked ? "all" : "no")))).out());
        Set<String> paths = new LinkedHashSet<>();
        for (int i = 0; i < fields.size(); i++) {
            String entry = fields.get(i);
            if (entry.length() < 4) {
                throw new VcsException("unexpected output of git status in " + dir + ": " + entry);
            }
            paths.add(entry.substring(3));
            char x = entry.charAt(0);
            char y = entry.charAt(1);
            if (x == 'R' || x == 'C' || y == 'R' || y == 'C') {
                paths.add(fields.get(++i)); // -z puts the source of a rename after its destination
            }
        }
        return paths;
    }

    /**
     * Changes exactly when the file's content does: size and SHA-256 below {@link #HASH_LIMIT}, so
     * that rewriting the same bytes (a formatter, a build step) is no change; above it, hashing on
     * every check would cost too much, and size and mtime stand in for the content.
     */
    private static String fingerprint(Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                return "symlink " + Files.readSymbolicLink(p);
            }
            String mtime = " mtime=" + a.lastModifiedTime().toInstant();
            if (a.isDirectory()) {
                return "directory" + mtime; // a nested repository, which status lists as a whole
            }
            return a.size() < HASH_LIMIT ? "size=" + a.size() + " sha256=" + sha256(p) : "size=" + a.size() + mtime;
        } catch (NoSuchFileException e) {
            return "deleted";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private static String stripSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private static String chomp(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static List<String> nulSeparated(String s) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\0') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        if (start < s.length()) {
            out.add(s.substring(start));
        }
        return out;
    }

    private static byte[] nulJoined(List<String> paths) {
        StringBuilder sb = new StringBuilder();
        for (String p : paths) {
            sb.append(p).append('\0');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    // ---- running git ----

    private record Result(List<String> command, int exit, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        VcsException failure() {
            String message = err.strip();
            return new VcsException(String.join(" ", command) + " failed (exit " + exit + ")"
                    + (message.isEmpty() ? "" : ": " + message));
        }
    }

    private static Result ok(Result r) {
        if (r.exit != 0) {
            throw r.failure();
        }
        return r;
    }

    private Result run(Path dir, List<String> args) {
        return run(dir, Map.of(), null, args);
    }

    private Result run(Path dir, Map<String, String> extraEnv, byte[] stdin, List<String> args) {
        List<String> command = new ArrayList<>(List.of(executable, "-C", dir.toString()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> environment = pb.environment();
        REPOSITORY_ENV.forEach(environment::remove);
        environment.put("GIT_TERMINAL_PROMPT", "0"); // never wait for a person
        environment.putAll(env);
        environment.putAll(extraEnv);
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new VcsException("cannot run " + executable + " (is git installed and on the PATH?): "
                    + e.getMessage());
        }
        // Both streams are drained at once, or a chatty git would block on a full pipe.
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()),
                Thread::startVirtualThread);
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            } catch (IOException e) {
                // git exited without reading its input; its exit code and stderr say why.
            }
            byte[] out = drain(process.getInputStream());
            int exit = process.waitFor();
            return new Result(command, exit, out, new String(err.get(), StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new VcsException(String.join(" ", command) + " was interrupted");
        } catch (ExecutionException e) {
            throw new VcsException(String.join(" ", command) + ": cannot read its error output: " + e.getCause());
        } catch (UncheckedIOException e) {
            throw new VcsException(String.join(" ", command) + ": cannot read its output: " + e.getMessage());
        }
    }

    private static byte[] drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
