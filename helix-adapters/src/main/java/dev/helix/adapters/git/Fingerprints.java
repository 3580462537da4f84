package dev.helix.adapters.git;

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

    /** SHA-256 of each file, "missing" or "directory" where there is no file to hash. */
    static Map<String, String> hashes(Path worktree, Collection<String> files) {
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
}
