package dev.helix.adapters.agents.http;

import dev.helix.core.scope.Glob;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The editable files of a worktree as a model is shown them: every file matching scope.editable,
 * as text, except binaries and files too large to show (each skipped one gets a note, so the model
 * knows it exists). Writes edits back, never outside the worktree.
 */
final class EditableFiles {
    /** Directories never walked: git's, Helix's own, and dependency caches. */
    private static final Set<String> PRUNED = Set.of(".git", ".helix", "node_modules", "__pycache__", ".venv", ".tox");
    private static final int MAX_VISITED = 100_000;

    /** @param texts by repository-relative path, sorted; @param notes one per skipped file */
    record Shown(Map<String, String> texts, List<String> notes) {}

    private EditableFiles() {}

    static Shown read(Path worktree, List<String> editable, long maxBytes) throws IOException {
        Map<String, String> texts = new TreeMap<>();
        List<String> notes = new ArrayList<>();
        List<Path> matched = new ArrayList<>();
        int[] visited = {0};
        Files.walkFileTree(worktree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (!dir.equals(worktree) && PRUNED.contains(dir.getFileName().toString())) return FileVisitResult.SKIP_SUBTREE;
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (++visited[0] > MAX_VISITED) return FileVisitResult.TERMINATE;
                if (attrs.isRegularFile() && Glob.any(editable, relative(worktree, file))) matched.add(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
        // by path, not in the file system's listing order: the notes of a prompt read the same on every machine
        matched.sort(java.util.Comparator.comparing(f -> relative(worktree, f)));
        for (Path file : matched) {
            String rel = relative(worktree, file);
            long size = Files.size(file);
            if (size > maxBytes) {
                notes.add(rel + ": not shown, " + (size / 1024) + " KiB is more than the " + (maxBytes / 1024) + " KiB shown to a model");
                continue;
            }
            Optional<String> text = text(Files.readAllBytes(file));
            if (text.isEmpty()) {
                notes.add(rel + ": not shown, it is a binary file");
                continue;
            }
            texts.put(rel, text.get());
        }
        return new Shown(texts, notes);
    }

    /** The text of UTF-8 bytes without NUL characters; empty for anything else. */
    static Optional<String> text(byte[] bytes) {
        for (byte b : bytes) if (b == 0) return Optional.empty();
        try {
            return Optional.of(StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /**
     * The file a repository-relative path names, if it stays inside the worktree (no '..', not
     * absolute, no symbolic link out of it).
     */
    static Optional<Path> inside(Path worktree, String path) {
        if (dev.helix.core.edit.SearchReplace.unsafe(path).isPresent()) return Optional.empty();
        Path root = worktree.toAbsolutePath().normalize();
        Path target = root.resolve(path).normalize();
        if (!target.startsWith(root) || target.equals(root)) return Optional.empty();
        try {
            Path realRoot = root.toRealPath();
            Path existing = target;
            while (existing != null && !Files.exists(existing, java.nio.file.LinkOption.NOFOLLOW_LINKS)) existing = existing.getParent();
            if (existing == null || !existing.toRealPath().startsWith(realRoot)) return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(target);
    }

    /** Writes every text; the paths must have been checked with {@link #inside}. */
    static void write(Path worktree, Map<String, String> texts) throws IOException {
        for (var e : texts.entrySet()) {
            Path target = inside(worktree, e.getKey()).orElseThrow(() -> new IOException("refusing to write " + e.getKey()));
            if (target.getParent() != null) Files.createDirectories(target.getParent());
            Files.writeString(target, e.getValue(), StandardCharsets.UTF_8);
        }
    }
}
