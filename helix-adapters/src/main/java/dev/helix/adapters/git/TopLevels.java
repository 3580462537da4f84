package dev.helix.adapters.git;

import dev.helix.adapters.process.CallerEnvironment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The repositories' top levels a resident Helix has asked git for, so that an agent's next call from
 * the same directory starts no git process. An answer is reused only while what git decided it by is
 * as it was: the top level's {@code .git} is the same entry (same inode; a {@code .git} file also same
 * size and time), no directory between the caller's and the top level has a {@code .git} of its own,
 * and the caller's environment names no variable that moves git's search. A cold call asks git always.
 */
final class TopLevels {
    /** The variables that change where git finds the repository: with any of them set, git is asked. */
    private static final Set<String> STEERING = Set.of("GIT_DIR", "GIT_WORK_TREE", "GIT_CEILING_DIRECTORIES",
            "GIT_DISCOVERY_ACROSS_FILESYSTEM", "GIT_COMMON_DIR", "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM",
            "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS", "GIT_CONFIG_NOSYSTEM", "GIT_NAMESPACE");

    private record Known(Path top, String dotGit) {
    }

    private static final Map<Path, Known> KNOWN = new ConcurrentHashMap<>();

    private TopLevels() {
    }

    /** The top level of {@code dir}: the one known, when still true, else what {@code git} says (remembered in a resident Helix). */
    static Optional<Path> of(Path dir, Supplier<Optional<Path>> git) {
        Optional<Map<String, String>> caller = CallerEnvironment.override();
        if (caller.isEmpty() || caller.get().keySet().stream().anyMatch(STEERING::contains)) return git.get();
        Path key = dir.toAbsolutePath().normalize();
        Known known = KNOWN.get(key);
        if (known != null && stillTrue(key, known)) return Optional.of(known.top());
        Optional<Path> top = git.get();
        top.ifPresentOrElse(t -> {
            Optional<String> stamp = dotGit(t);
            if (stamp.isPresent() && key.startsWith(t)) {
                KNOWN.put(key, new Known(t, stamp.get()));
            } else {
                KNOWN.remove(key);
            }
        }, () -> KNOWN.remove(key));
        return top;
    }

    private static boolean stillTrue(Path dir, Known known) {
        if (!dotGit(known.top()).equals(Optional.of(known.dotGit()))) return false;
        for (Path d = dir; d != null && !d.equals(known.top()); d = d.getParent()) {
            if (Files.exists(d.resolve(".git"), LinkOption.NOFOLLOW_LINKS)) return false;
        }
        return Files.isDirectory(dir);
    }

    /** What identifies the top level's {@code .git}: a directory by its inode; a file (a worktree's) also by its size and time. */
    private static Optional<String> dotGit(Path top) {
        try {
            BasicFileAttributes a = Files.readAttributes(top.resolve(".git"), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.fileKey() == null) return Optional.empty();
            return Optional.of(a.isDirectory() ? "dir " + a.fileKey()
                    : "file " + a.fileKey() + " " + a.size() + " " + a.lastModifiedTime().toInstant());
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
