package dev.helix.app.holdout;

import dev.helix.app.OwnedDirectory;
import dev.helix.core.port.Repository;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The private directories hold-out runs work in ({@code helix-holdout-*} in a directory of the
 * user's own in the system's temporary directory, {@code helix-holdouts-<user>}, which the sandbox
 * hides whole; directly in the temporary directory where that one is not safely the user's, and
 * for older Helix versions): each made with a marker naming the Helix process that owns it and
 * its repository, so that one left behind by a killed Helix (with its git worktree registration)
 * is removed at the next start. Only a directory Helix owns ({@link OwnedDirectory#HOLDOUT_HOME}:
 * that name and Helix's marker) is ever removed, and only when its owner is gone: another Helix's
 * running hold-out, or anything else in the temporary directory, is left alone.
 */
public final class HoldoutHomes {
    /** How every such directory's name begins. */
    static final String PREFIX = "helix-holdout-";
    /** How the directory holding them all begins; the user's name follows. */
    static final String PARENT_PREFIX = "helix-holdouts-";

    private HoldoutHomes() {}

    /** A new private directory (mode 0700) for a hold-out run of {@code repo}, marked as this process's. */
    public static Path create(Path repo) throws IOException {
        Optional<Path> parent = parent();
        Path home = parent.isPresent() ? Files.createTempDirectory(parent.get(), PREFIX) : Files.createTempDirectory(PREFIX);
        ProcessHandle me = ProcessHandle.current();
        Map<String, String> owner = new LinkedHashMap<>();
        owner.put("pid", Long.toString(me.pid()));
        owner.put("started", me.info().startInstant().map(Instant::toString).orElse(""));
        owner.put("repo", real(repo));
        try {
            OwnedDirectory.HOLDOUT_HOME.mark(home, owner);
        } catch (IOException e) {
            try (Stream<Path> made = Files.list(home)) { // only what this call made: the marker, half-written
                for (Path p : made.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(home);
            throw e;
        }
        return home;
    }

    /**
     * Removes the directories of {@code repo}'s hold-out runs whose Helix is gone, their worktrees
     * and their registrations; returns the directories removed. Never fails a command: a directory
     * that cannot be removed stays for the next start.
     */
    public static List<Path> removeStale(Path repo, Repository git) {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> removed = new ArrayList<>(removeStale(repo, git, temp));
        parent().ifPresent(p -> removed.addAll(removeStale(repo, git, p)));
        forgetVanished(repo, git, temp);
        parent().ifPresent(p -> forgetVanished(repo, git, p));
        return removed;
    }

    /**
     * The directory of this user's hold-out directories, made (mode 0700) when missing; empty when
     * it cannot be made or is not safely this user's alone (another user's, a link, open to others).
     */
    public static Optional<Path> parent() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), PARENT_PREFIX + System.getProperty("user.name", "user"));
        try {
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            }
            boolean mine = Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                    && Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"))
                    && java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS))
                            .substring(3).equals("------");
            return mine ? Optional.of(dir) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the flat temporary directory then, as older versions did
        }
    }

    private static List<Path> removeStale(Path repo, Repository git, Path temp) {
        String self = real(repo);
        List<Path> removed = new ArrayList<>();
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(temp, PREFIX + "*")) {
            dirs.forEach(found::add);
        } catch (IOException | RuntimeException e) {
            return removed; // the temporary directory unreadable: nothing of ours to find there
        }
        found.sort(null); // in name order, not the file system's: the notices of a run read the same each time
        try {
            for (Path home : found) {
                if (!Files.isDirectory(home, LinkOption.NOFOLLOW_LINKS)) continue;
                Optional<Map<String, String>> owner = OwnedDirectory.HOLDOUT_HOME.owner(home);
                if (owner.isEmpty() || !self.equals(owner.get().get("repo")) || alive(owner.get())) continue;
                if (remove(repo, git, home)) removed.add(home);
            }
        } catch (RuntimeException e) {
            return removed; // a directory that vanished or cannot be read while sweeping: the next start tries again
        }
        return removed;
    }

    /**
     * Forgets the registrations of hold-out worktrees whose whole directory is gone (a cleaner of the
     * temporary directory took it, marker and all): only paths of the form
     * {@code <temp>/helix-holdout-*\/worktree}, which Helix alone makes; a running hold-out's is there.
     */
    private static void forgetVanished(Path repo, Repository git, Path temp) {
        try {
            Path realTemp = temp.toRealPath();
            for (Path wt : git.worktrees(repo)) {
                Path home = wt.getParent();
                if (home == null || !wt.getFileName().toString().equals("worktree") || !OwnedDirectory.HOLDOUT_HOME.named(home)) continue;
                Path where = home.getParent();
                if (where == null || !(where.equals(temp.toAbsolutePath().normalize()) || where.equals(realTemp))) continue;
                if (!Files.exists(home, LinkOption.NOFOLLOW_LINKS)) git.forgetWorktree(repo, wt);
            }
        } catch (IOException | RuntimeException e) {
            // the registrations stay for the next start
        }
    }

    private static boolean remove(Path repo, Repository git, Path home) {
        Path wt = home.resolve("worktree");
        try {
            git.forgetWorktree(repo, wt); // this registration only: a prune would forget a user's unmounted worktree too
        } catch (RuntimeException e) {
            // a half-made worktree git cannot remove: its files go below, its registration at the next start
        }
        return OwnedDirectory.HOLDOUT_HOME.delete(home); // walk does not follow links: nothing outside is touched
    }

    /** Whether the owner still runs: its pid alive and (where the system tells) started when the marker says, not a reused pid. */
    private static boolean alive(Map<String, String> owner) {
        long pid;
        try {
            pid = Long.parseLong(owner.getOrDefault("pid", ""));
        } catch (NumberFormatException e) {
            return true; // an owner it cannot tell is not declared gone
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) return false;
        Optional<Instant> recorded = instant(owner.getOrDefault("started", ""));
        Optional<Instant> actual = process.get().info().startInstant();
        if (recorded.isEmpty() || actual.isEmpty()) return true;
        return Duration.between(recorded.get(), actual.get()).abs().compareTo(Duration.ofSeconds(2)) <= 0;
    }

    private static Optional<Instant> instant(String text) {
        try {
            return text.isBlank() ? Optional.empty() : Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static String real(Path repo) {
        try {
            return repo.toRealPath().toString();
        } catch (IOException e) {
            return repo.toAbsolutePath().normalize().toString();
        }
    }
}
