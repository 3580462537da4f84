package dev.helix.adapters.git;

import dev.helix.adapters.process.CallerEnvironment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a repository's shared git directory through which a proposer could run code or
 * redirect git outside its worktree: the hooks, the config, info/attributes and info/exclude.
 * Taken before a proposal and compared after it; what changed is named and put back exactly as
 * it was (content, permissions; a file the proposal created is removed). They are small, so they
 * are kept whole.
 *
 * @param gitDir the shared git directory ({@code git rev-parse --git-common-dir})
 * @param files path relative to gitDir → what it was (absent paths are not in the map)
 */
public record GitDirSnapshot(Path gitDir, Map<String, Entry> files) {

    /** The watched files and directories, relative to the git directory. */
    public static final List<String> WATCHED = List.of("hooks", "config", "config.worktree", "info/attributes", "info/exclude");

    /** One file as it was: its bytes (a link: its target), its permissions, whether it is a link. */
    public record Entry(byte[] content, Set<PosixFilePermission> permissions, boolean link) {
        boolean same(Entry o) {
            return o != null && link == o.link && permissions.equals(o.permissions) && Arrays.equals(content, o.content);
        }
    }

    public GitDirSnapshot {
        files = Map.copyOf(files);
    }

    /** The shared git directory of the repository at {@code repo}. */
    public static Path commonDir(Path repo) {
        Path dotGit = repo.resolve(".git");
        if (Files.isDirectory(dotGit, LinkOption.NOFOLLOW_LINKS)) return dotGit;
        try {
            ProcessBuilder pb = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "--git-common-dir")
                    .redirectErrorStream(true);
            CallerEnvironment.override().ifPresent(caller -> {
                pb.environment().clear();
                pb.environment().putAll(caller);
            });
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) throw new IOException(out);
            return repo.resolve(out).normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find the git directory of " + repo + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The watched files of {@code gitDir} as they are now. */
    public static GitDirSnapshot take(Path gitDir) {
        Map<String, Entry> files = new TreeMap<>();
        for (String watched : WATCHED) {
            Path root = gitDir.resolve(watched);
            if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                try (Stream<Path> all = Files.walk(root)) {
                    for (Path p : all.toList()) {
                        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) add(gitDir, p, files);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + root + ": " + e.getMessage(), e);
                }
            } else if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                add(gitDir, root, files);
            }
        }
        return new GitDirSnapshot(gitDir, files);
    }

    /** The paths (relative to the git directory) that differ in {@code now}: changed, created or deleted. */
    public List<String> changedIn(GitDirSnapshot now) {
        List<String> changed = new ArrayList<>();
        Set<String> all = new java.util.TreeSet<>(files.keySet());
        all.addAll(now.files.keySet());
        for (String path : all) {
            if (!files.containsKey(path) || !files.get(path).same(now.files.get(path))) changed.add(path);
        }
        return changed;
    }

    /** Puts {@code paths} back as this snapshot has them: rewritten, or removed when they were not there. */
    public void restore(List<String> paths) {
        for (String path : paths) {
            Path p = gitDir.resolve(path);
            Entry was = files.get(path);
            try {
                Files.deleteIfExists(p); // never through a link: the link itself goes
                if (was == null) continue;
                Files.createDirectories(p.getParent());
                if (was.link()) {
                    Files.createSymbolicLink(p, Path.of(new String(was.content(), StandardCharsets.UTF_8)));
                } else {
                    Files.write(p, was.content());
                    Files.setPosixFilePermissions(p, was.permissions());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot restore " + p + ": " + e.getMessage(), e);
            }
        }
    }

    private static void add(Path gitDir, Path p, Map<String, Entry> files) {
        String rel = gitDir.relativize(p).toString().replace('\\', '/');
        try {
            if (Files.isSymbolicLink(p)) {
                files.put(rel, new Entry(Files.readSymbolicLink(p).toString().getBytes(StandardCharsets.UTF_8), Set.of(), true));
            } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                files.put(rel, new Entry(Files.readAllBytes(p), Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS), false));
            } else {
                files.put(rel, new Entry(new byte[0], Set.of(), false)); // a fifo or socket: its presence is the change
            }
        } catch (java.nio.file.NoSuchFileException gone) {
            // removed while walking: absent
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
