package dev.helix.adapters.git;

import dev.helix.core.port.FileKind;
import dev.helix.core.port.Vcs;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fingerprints of a worktree's files, which change exactly when their content does: how the
 * session tells what an experiment changed, and whether a protected file was touched.
 */
final class Fingerprints {

    /** Files at least this large are fingerprinted by size and mtime alone, not hashed. */
    static final long HASH_LIMIT = 1L << 20;

    private final Git git;

    Fingerprints(Git git) {
        this.git = git;
    }

    /** A fingerprint of every file {@code git status} lists in {@code worktree}, untracked ones included. */
    Map<String, String> snapshot(Path worktree) {
        Map<String, String> out = new TreeMap<>();
        for (String path : git.status(worktree, true)) {
            out.put(path, fingerprint(worktree.resolve(Git.stripSlash(path))));
        }
        return out;
    }

    /**
     * A fingerprint of every file git ignores in {@code worktree}, one by one, by size and mtime:
     * hashing them all (a virtual environment, a build directory) before and after every proposal
     * would cost too much.
     */
    Map<String, String> ignored(Path worktree) {
        return ignoredPrints(worktree, Git.nulSeparated(git.run(worktree, List.of("ls-files", "-z", "--others",
                "--ignored", "--exclude-standard")).ok().out()));
    }

    /** {@link #snapshot} and, with {@code ignored}, {@link #ignored}, from one {@code git status}. */
    Vcs.Look look(Path worktree, boolean ignored) {
        Git.Status status = git.status(worktree, true, ignored);
        Map<String, String> changed = new TreeMap<>();
        for (String path : status.changed()) {
            changed.put(path, fingerprint(worktree.resolve(Git.stripSlash(path))));
        }
        return new Vcs.Look(changed, ignored ? ignoredPrints(worktree, status.ignored()) : Map.of());
    }

    private static Map<String, String> ignoredPrints(Path worktree, Collection<String> paths) {
        Map<String, String> out = new TreeMap<>();
        for (String path : paths) {
            Path p = worktree.resolve(Git.stripSlash(path));
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.put(path, a.isSymbolicLink() ? "symlink " + Files.readSymbolicLink(p)
                        : "size=" + a.size() + " mtime=" + a.lastModifiedTime().toInstant());
            } catch (NoSuchFileException e) {
                // gone since git listed it: not there
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** What each path is, without following a symlink, its own or one of its parent directories'. */
    static Map<String, FileKind> kinds(Path worktree, Collection<String> paths) {
        Map<String, FileKind> out = new LinkedHashMap<>();
        Path root = worktree.toAbsolutePath().normalize();
        for (String path : paths) {
            out.put(path, kind(root, Git.stripSlash(path)));
        }
        return out;
    }

    private static FileKind kind(Path root, String path) {
        Path p = root;
        Path rel = Path.of(path);
        for (int i = 0; i < rel.getNameCount(); i++) {
            p = p.resolve(rel.getName(i));
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (a.isSymbolicLink()) {
                    return new FileKind.Symlink(root.relativize(p).toString().replace('\\', '/'),
                            Files.readSymbolicLink(p).toString());
                }
                if (i < rel.getNameCount() - 1) {
                    continue;
                }
                if (a.isOther()) {
                    return new FileKind.Special(special(p));
                }
                return a.isDirectory() ? new FileKind.Directory() : new FileKind.Regular();
            } catch (NoSuchFileException e) {
                return new FileKind.Missing();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return new FileKind.Directory();
    }

    /** "a fifo", "a socket", "a device", by the file's mode where the platform tells it. */
    private static String special(Path p) {
        try {
            int type = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0170000;
            return switch (type) {
                case 0010000 -> "a fifo";
                case 0140000 -> "a socket";
                case 0020000, 0060000 -> "a device";
                default -> "a special file";
            };
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "a special file";
        }
    }

    /**
     * SHA-256 of each file; "missing", "directory", a symlink's target or "special" where there is
     * no file to hash. A symlink is never followed: one put in place of a protected file is a change.
     */
    static Map<String, String> hashes(Path worktree, Collection<String> files) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String file : files) {
            Path p = worktree.resolve(file);
            try {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.put(file, a.isSymbolicLink() ? "symlink " + Files.readSymbolicLink(p)
                        : a.isDirectory() ? "directory" : a.isOther() ? "special" : sha256(p));
            } catch (NoSuchFileException e) {
                out.put(file, "missing");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
            }
        }
        return out;
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
            if (a.isOther()) {
                return "special" + mtime; // reading a fifo would wait for a writer
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
}
