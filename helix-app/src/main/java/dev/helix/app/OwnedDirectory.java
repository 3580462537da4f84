package dev.helix.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The one rule for directories Helix may delete: a directory is Helix's only when its name is of
 * the form Helix gives it and it carries the marker file Helix wrote when it made it (first line
 * Helix's); nothing else is ever deleted, however similar its name. Hold-out homes keep the marker
 * inside; an auxiliary worktree keeps it in its git directory ({@code .git/worktrees/<id>}), where
 * neither an evaluation nor a reset of its files reaches it.
 */
public final class OwnedDirectory {
    /** The private directories of hold-out runs: {@code helix-holdout-*} in the user's own {@code helix-holdouts-<user>} (or the flat temporary directory). */
    public static final OwnedDirectory HOLDOUT_HOME = new OwnedDirectory("helix hold-out directory",
            dir -> dir.getFileName() != null && dir.getFileName().toString().startsWith("helix-holdout-"),
            dir -> Optional.of(dir.resolve(".helix-holdout-owner")));
    /** Helix's own worktrees for finalize, try and verify: {@code .helix/worktrees/.USE/TAG/NAME}. */
    public static final OwnedDirectory AUXILIARY_WORKTREE = new OwnedDirectory("helix auxiliary worktree",
            OwnedDirectory::auxiliaryPath, OwnedDirectory::worktreeGitDir);

    private final String firstLine;
    private final Predicate<Path> named;
    private final Function<Path, Optional<Path>> marker;

    private OwnedDirectory(String firstLine, Predicate<Path> named, Function<Path, Optional<Path>> marker) {
        this.firstLine = firstLine;
        this.named = named;
        this.marker = marker;
    }

    /** Whether {@code dir}'s name is of the form Helix gives these directories (it may still be someone else's). */
    public boolean named(Path dir) {
        return named.test(dir);
    }

    /** Writes Helix's marker for {@code dir}, just made, with {@code fields} (name=value lines after the first). */
    public void mark(Path dir, Map<String, String> fields) throws IOException {
        Path file = marker.apply(dir).orElseThrow(() -> new IOException("no place for Helix's marker in " + dir));
        Files.writeString(file, firstLine + "\n" + fields.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                .collect(Collectors.joining()));
    }

    /**
     * The marker's fields, when {@code dir} is Helix's: its name of Helix's form and its marker a
     * regular file (not a link) whose first line is Helix's.
     */
    public Optional<Map<String, String>> owner(Path dir) {
        if (!named(dir)) return Optional.empty();
        try {
            Optional<Path> file = marker.apply(dir);
            if (file.isEmpty() || !Files.isRegularFile(file.get(), LinkOption.NOFOLLOW_LINKS) || Files.size(file.get()) > 4096) {
                return Optional.empty();
            }
            List<String> lines = Files.readAllLines(file.get());
            if (lines.isEmpty() || !lines.get(0).equals(firstLine)) return Optional.empty();
            return Optional.of(lines.stream().skip(1).filter(l -> l.contains("="))
                    .collect(Collectors.toMap(l -> l.substring(0, l.indexOf('=')), l -> l.substring(l.indexOf('=') + 1), (a, b) -> b)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code dir} is Helix's (see {@link #owner}). */
    public boolean owns(Path dir) {
        return owner(dir).isPresent();
    }

    /**
     * Deletes {@code dir} when it is Helix's, best effort: its contents first (links are removed,
     * never followed), the marker last, so that what stays is still known as Helix's for a later
     * sweep. Whether it is gone; a directory not Helix's is left alone and this is false.
     */
    public boolean delete(Path dir) {
        if (!owns(dir)) return false;
        Optional<Path> mark = marker.apply(dir).filter(m -> m.startsWith(dir));
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir) && !mark.map(p::equals).orElse(false)).toList()) {
                Files.deleteIfExists(p);
            }
            if (mark.isPresent()) Files.deleteIfExists(mark.get());
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }

    private static boolean auxiliaryPath(Path wt) {
        Path tag = wt.getParent();
        Path use = tag == null ? null : tag.getParent();
        Path worktrees = use == null ? null : use.getParent();
        return worktrees != null && use.getFileName().toString().startsWith(".") && worktrees.getFileName().toString().equals("worktrees")
                && worktrees.getParent() != null && worktrees.getParent().getFileName().toString().equals(".helix");
    }

    /** A linked worktree's own git directory, as its {@code .git} file names it. */
    private static Optional<Path> worktreeGitDir(Path wt) {
        Path dotGit = wt.resolve(".git");
        try {
            if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS) || Files.size(dotGit) > 4096) return Optional.empty();
            String line = Files.readString(dotGit).strip();
            if (!line.startsWith("gitdir:")) return Optional.empty();
            Path gitDir = wt.resolve(line.substring("gitdir:".length()).strip()).normalize();
            return Files.isDirectory(gitDir) ? Optional.of(gitDir.resolve("helix-owner")) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
