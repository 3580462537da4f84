package dev.helix.core.session;

import dev.helix.core.experiment.DiffStat;
import dev.helix.core.port.FileKind;
import dev.helix.core.port.Vcs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Version control in memory, behaving as git does for what a session asks of it: commits are maps
 * of path to content, a worktree is a HEAD and its files, {@code reset} keeps untracked files
 * (except those it is told to remove) and {@code cherryPick} re-applies a change file by file,
 * conflicting where HEAD changed the same file differently. Paths are only keys; one repository.
 */
final class InMemoryVcs implements Vcs {
    private static final String DELETED = "\u0000deleted";
    private static final String SYMLINK = "\u0000symlink:";
    private static final String FIFO = "\u0000fifo";

    private record Commit(String parent, Map<String, String> files, String message) {}

    private static final class Tree {
        String head;
        final Map<String, String> files = new TreeMap<>();

        Tree(String head, Map<String, String> files) {
            this.head = head;
            this.files.putAll(files);
        }
    }

    private final Map<String, Commit> commits = new LinkedHashMap<>();
    private final Map<String, String> refs = new TreeMap<>();
    private final Map<Path, Tree> worktrees = new HashMap<>();
    /** Path prefixes ignored as a .gitignore would: untracked files under them are not in {@link #snapshot}. */
    private final Set<String> ignored = new TreeSet<>();

    /** A root commit holding {@code files}. */
    synchronized String commitFiles(Map<String, String> files, String message) {
        return store(new Commit("", new TreeMap<>(files), message));
    }

    // ---- What tests look at and do by hand.

    /** The worktree's files as they are now (tracked or not). */
    synchronized Map<String, String> files(Path worktree) {
        return Map.copyOf(tree(worktree).files);
    }

    synchronized Map<String, String> filesAt(String commit) {
        return Map.copyOf(commit(commit).files());
    }

    synchronized String head(Path worktree) {
        return tree(worktree).head;
    }

    synchronized String parentOf(String commit) {
        return commit(commit).parent();
    }

    synchronized Optional<String> ref(String name) {
        return Optional.ofNullable(refs.get(name));
    }

    synchronized int commitCount() {
        return commits.size();
    }

    synchronized void write(Path worktree, String path, String content) {
        tree(worktree).files.put(path, content);
    }

    synchronized void delete(Path worktree, String path) {
        tree(worktree).files.remove(path);
    }

    /** Makes {@code path} a symbolic link to {@code target} (which is never followed). */
    synchronized void symlink(Path worktree, String path, String target) {
        tree(worktree).files.put(path, SYMLINK + target);
    }

    /** Makes {@code path} a fifo. */
    synchronized void fifo(Path worktree, String path) {
        tree(worktree).files.put(path, FIFO);
    }

    /** Ignores untracked files at or under {@code prefix}, as a line of .gitignore would. */
    synchronized void ignore(String prefix) {
        ignored.add(prefix);
    }

    private boolean isIgnored(String path, Map<String, String> head) {
        return !head.containsKey(path) && ignored.stream().anyMatch(path::startsWith);
    }

    // ---- The port.

    /** Not the session's port: for setting the scene and looking at it. */
    public synchronized Optional<String> resolve(Path repo, String revision) {
        if (commits.containsKey(revision)) return Optional.of(revision);
        return Optional.ofNullable(refs.get(revision));
    }

    @Override
    public synchronized List<String> trackedFiles(Path dir) {
        return List.copyOf(commit(tree(dir).head).files().keySet());
    }

    /** Not the session's port: for setting the scene and looking at it. */
    public synchronized void addWorktree(Path repo, Path worktree, String commit) {
        if (worktrees.containsKey(worktree)) throw new VcsException("'" + worktree + "' already exists");
        worktrees.put(worktree, new Tree(commit, commit(commit).files()));
    }

    /** Not the session's port: for setting the scene and looking at it. */
    public synchronized boolean hasWorktree(Path repo, Path worktree) {
        return worktrees.containsKey(worktree);
    }

    @Override
    public synchronized void updateRef(Path repo, String ref, String commit) {
        commit(commit);
        refs.put(ref, commit);
    }

    /** Every path that differs from HEAD (modified, deleted or untracked), fingerprinted by its content. */
    @Override
    public synchronized Map<String, String> snapshot(Path worktree) {
        Tree t = tree(worktree);
        Map<String, String> head = commit(t.head).files();
        Set<String> paths = new TreeSet<>(head.keySet());
        paths.addAll(t.files.keySet());
        Map<String, String> out = new TreeMap<>();
        for (String p : paths) {
            if (isIgnored(p, head)) continue;
            String now = t.files.getOrDefault(p, DELETED);
            if (!now.equals(head.getOrDefault(p, DELETED))) out.put(p, now);
        }
        return out;
    }

    @Override
    public synchronized Map<String, String> ignoredFiles(Path worktree) {
        Tree t = tree(worktree);
        Map<String, String> head = commit(t.head).files();
        Map<String, String> out = new TreeMap<>();
        t.files.forEach((p, content) -> {
            if (isIgnored(p, head)) out.put(p, content);
        });
        return out;
    }

    @Override
    public synchronized Map<String, FileKind> kinds(Path worktree, Collection<String> paths) {
        Tree t = tree(worktree);
        Map<String, FileKind> out = new LinkedHashMap<>();
        for (String p : paths) {
            String content = t.files.get(p);
            FileKind kind = content == null ? new FileKind.Missing()
                    : content.startsWith(SYMLINK) ? new FileKind.Symlink(p, content.substring(SYMLINK.length()))
                    : content.equals(FIFO) ? new FileKind.Special("a fifo") : new FileKind.Regular();
            out.put(p, kind);
        }
        return out;
    }

    @Override
    public synchronized Map<String, String> hashes(Path worktree, Collection<String> files) {
        Tree t = tree(worktree);
        Map<String, String> out = new LinkedHashMap<>();
        for (String f : files) out.put(f, t.files.containsKey(f) ? "content:" + t.files.get(f) : "missing");
        return out;
    }

    @Override
    public synchronized String commit(Path worktree, Collection<String> paths, String message) {
        Tree t = tree(worktree);
        Map<String, String> files = new TreeMap<>(commit(t.head).files());
        for (String p : paths) {
            if (t.files.containsKey(p)) files.put(p, t.files.get(p));
            else files.remove(p);
        }
        t.head = store(new Commit(t.head, files, message));
        return t.head;
    }

    /** As git reset --hard: tracked files become the commit's, untracked ones stay unless listed (and not tracked there). */
    @Override
    public synchronized void reset(Path worktree, String commit, Collection<String> remove) {
        Tree t = tree(worktree);
        Map<String, String> target = commit(commit).files();
        Map<String, String> untracked = new TreeMap<>(t.files);
        untracked.keySet().removeAll(commit(t.head).files().keySet());
        untracked.keySet().removeAll(target.keySet());
        untracked.keySet().removeAll(remove);
        t.files.clear();
        t.files.putAll(target);
        t.files.putAll(untracked);
        t.head = commit;
    }

    /** As a revert in git: only the files HEAD's commit and {@code commit} differ on become the commit's. */
    @Override
    public synchronized void revert(Path worktree, String commit) {
        Tree t = tree(worktree);
        Map<String, String> from = commit(t.head).files();
        Map<String, String> to = commit(commit).files();
        Set<String> paths = new TreeSet<>(from.keySet());
        paths.addAll(to.keySet());
        for (String p : paths) {
            if (Objects.equals(from.get(p), to.get(p))) continue;
            if (to.containsKey(p)) t.files.put(p, to.get(p));
            else t.files.remove(p);
        }
        t.head = commit;
    }

    /**
     * The change base→commit re-applied on HEAD, file by file: a file HEAD left as it was at base
     * (or changed the same way) takes the commit's version; one both changed differently is a
     * conflict, unless {@code takeTheirs}.
     */
    @Override
    public synchronized Optional<String> cherryPick(Path worktree, String base, String commit, String message, boolean takeTheirs) {
        Tree t = tree(worktree);
        Map<String, String> from = commit(base).files();
        Map<String, String> theirs = commit(commit).files();
        Map<String, String> ours = commit(t.head).files();
        Map<String, String> result = new TreeMap<>(ours);
        Set<String> paths = new TreeSet<>(from.keySet());
        paths.addAll(theirs.keySet());
        for (String p : paths) {
            String b = from.get(p);
            String their = theirs.get(p);
            String our = ours.get(p);
            if (Objects.equals(b, their)) continue;
            if (!Objects.equals(our, b) && !Objects.equals(our, their) && !takeTheirs) {
                reset(worktree, t.head, List.of());
                return Optional.empty();
            }
            if (their == null) result.remove(p);
            else result.put(p, their);
        }
        Map<String, String> untracked = new TreeMap<>(t.files);
        untracked.keySet().removeAll(ours.keySet());
        untracked.keySet().removeAll(result.keySet());
        t.head = store(new Commit(t.head, result, message));
        t.files.clear();
        t.files.putAll(result);
        t.files.putAll(untracked);
        return Optional.of(t.head);
    }

    /** Files changed, and lines added and removed counted as multisets of lines. */
    @Override
    public synchronized DiffStat diffStat(Path dir, String from, String to) {
        int files = 0;
        int added = 0;
        int removed = 0;
        for (String p : changedFiles(dir, from, to)) {
            files++;
            List<String> before = lines(commit(from).files().get(p));
            List<String> after = lines(commit(to).files().get(p));
            List<String> gone = new ArrayList<>(before);
            after.forEach(gone::remove);
            List<String> come = new ArrayList<>(after);
            before.forEach(come::remove);
            added += come.size();
            removed += gone.size();
        }
        return new DiffStat(files, added, removed);
    }

    /** Not the session's port: for setting the scene and looking at it. */
    public synchronized List<String> changedFiles(Path dir, String from, String to) {
        Map<String, String> a = commit(from).files();
        Map<String, String> b = commit(to).files();
        Set<String> paths = new TreeSet<>(a.keySet());
        paths.addAll(b.keySet());
        return paths.stream().filter(p -> !Objects.equals(a.get(p), b.get(p))).toList();
    }

    private String store(Commit c) {
        String id = "c" + (commits.size() + 1);
        commits.put(id, c);
        return id;
    }

    private Commit commit(String id) {
        Commit c = commits.get(id);
        if (c == null) throw new VcsException("fatal: bad revision '" + id + "'");
        return c;
    }

    private Tree tree(Path worktree) {
        Tree t = worktrees.get(worktree);
        if (t == null) throw new VcsException("fatal: not a git repository: " + worktree);
        return t;
    }

    private static List<String> lines(String content) {
        return content == null || content.isEmpty() ? List.of() : List.of(content.split("\n", -1));
    }
}
