package dev.helix.app.fork;

import dev.helix.app.Workspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which session was forked from which: {@code .helix/forks.tsv}, a line "FORK\tPARENT" per fork that
 * {@code helix fork} made. A session's family is itself and its forks, theirs included; a session
 * that only shares a prefix ({@code nov23-2} beside {@code nov23}) is not one of them.
 */
public final class ForkRegistry {
    private static final String FILE = "forks.tsv";

    private ForkRegistry() {}

    /** Records that {@code forks} were forked from {@code parent}. */
    static void record(Workspace workspace, String parent, List<String> forks) {
        StringBuilder lines = new StringBuilder();
        forks.forEach(f -> lines.append(f).append('\t').append(parent).append('\n'));
        try {
            Files.createDirectories(workspace.helixDir());
            Files.writeString(workspace.helixDir().resolve(FILE), lines, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code root} and every session forked from it, directly or from one of its forks. */
    public static Set<String> family(Workspace workspace, String root) {
        List<String[]> pairs = pairs(workspace.helixDir().resolve(FILE));
        Set<String> family = new LinkedHashSet<>(List.of(root));
        Deque<String> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            String parent = todo.pop();
            for (String[] p : pairs) {
                if (p[1].equals(parent) && family.add(p[0])) todo.push(p[0]);
            }
        }
        return family;
    }

    private static List<String[]> pairs(Path file) {
        if (!Files.isRegularFile(file)) return List.of();
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream().map(l -> l.split("\t"))
                    .filter(p -> p.length == 2).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
