package dev.helix.adapters.git;

import dev.helix.core.scope.Glob;
import dev.helix.core.spec.Holdout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The hidden files of a hold-out (scope.hidden), copied from where they are kept (a directory
 * outside the repository, or a git ref the proposer is not given) into a directory of Helix's own,
 * each at its path relative to the repository root.
 */
public final class HiddenFiles {
    private final Git git = new Git("git", Map.of());

    /**
     * Copies every file of {@code source} that a glob of {@code globs} matches into {@code into}.
     *
     * @return the paths copied, relative to {@code into}, sorted
     * @throws IllegalStateException when the source is missing, inside the repository, or holds no matching file
     */
    public List<String> copy(Path repo, Holdout.Source source, List<String> globs, Path into) {
        List<String> copied = switch (source) {
            case Holdout.Directory d -> fromDirectory(repo, d, globs, into);
            case Holdout.GitRef r -> fromRef(repo, r, globs, into);
        };
        if (copied.isEmpty()) {
            throw new IllegalStateException("the " + source.describe() + " holds no file that scope.hidden " + globs + " matches");
        }
        return copied;
    }

    /** The directory a from_dir names: relative to the repository root, or absolute. */
    public static Path directory(Path repo, Holdout.Directory d) {
        return repo.resolve(d.path()).toAbsolutePath().normalize();
    }

    private static List<String> fromDirectory(Path repo, Holdout.Directory d, List<String> globs, Path into) {
        Path dir = directory(repo, d);
        if (!Files.isDirectory(dir)) throw new IllegalStateException("evaluate.holdout.from_dir " + dir + " is not a directory");
        if (dir.startsWith(repo.toAbsolutePath().normalize()) || real(dir).startsWith(real(repo))) {
            throw new IllegalStateException("evaluate.holdout.from_dir " + dir + " is inside the repository, where a proposer reads it");
        }
        List<String> out = new ArrayList<>();
        // links are followed, as cp -rL would: held-out data often lives on another disk, linked from here
        try (Stream<Path> files = Files.walk(dir, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(f).toString().replace('\\', '/');
                if (!Glob.any(globs, rel)) continue;
                Path target = into.resolve(rel);
                Files.createDirectories(target.getParent());
                Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                out.add(rel);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the hidden files from " + dir, e);
        }
        return out;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    private List<String> fromRef(Path repo, Holdout.GitRef r, List<String> globs, Path into) {
        Git.Result listed = git.run(repo, List.of("ls-tree", "-r", "-z", r.ref() + "^{tree}", "--"));
        if (listed.exit() != 0) {
            throw new IllegalStateException("evaluate.holdout.from_ref " + r.ref() + " is not a ref of " + repo + ": " + listed.err().strip());
        }
        List<String> out = new ArrayList<>();
        for (String entry : Git.nulSeparated(listed.out())) {
            // "<mode> <type> <object>\t<path>": the mode says what a checkout would make of it
            int tab = entry.indexOf('\t');
            String[] head = entry.substring(0, tab).split(" ");
            String rel = entry.substring(tab + 1);
            if (!head[1].equals("blob") || !Glob.any(globs, rel)) continue; // a submodule has no content here
            byte[] content = git.run(repo, List.of("cat-file", "blob", head[2])).ok().stdout();
            try {
                Path target = into.resolve(rel);
                Files.createDirectories(target.getParent());
                if (head[0].equals("120000")) {
                    Files.createSymbolicLink(target, Path.of(new String(content, java.nio.charset.StandardCharsets.UTF_8)));
                } else {
                    Files.write(target, content);
                    // a helper script among the hidden files must run as it would from a checkout
                    if (head[0].equals("100755")) target.toFile().setExecutable(true, false);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the hidden file " + rel, e);
            }
            out.add(rel);
        }
        return out;
    }
}
