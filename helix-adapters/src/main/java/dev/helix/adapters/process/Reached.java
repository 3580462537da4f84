package dev.helix.adapters.process;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * What a hidden directory holds through its links: held-out data often lives on another disk,
 * linked from {@code evaluate.holdout.from_dir} (the hold-out follows such links), so hiding the
 * directory alone would leave the data in reach where it lies.
 */
final class Reached {
    private Reached() {}

    /**
     * {@code dir} and the real targets of the links under it (links within linked directories
     * too), without those holding {@code repo}: hiding one of those would hide the repository the
     * session works in, which is read-only in the sandbox anyway.
     */
    static List<Path> through(Path dir, Path repo) {
        List<Path> out = new ArrayList<>(List.of(dir));
        if (!Files.isDirectory(dir)) return out;
        try {
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    note(d);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    note(f);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    return FileVisitResult.CONTINUE; // a dangling link, a loop, an unreadable directory: nothing more to hide
                }

                private void note(Path p) {
                    if (!Files.isSymbolicLink(p)) return;
                    try {
                        Path target = p.toRealPath();
                        if (!repo.startsWith(target) && !out.contains(target)) out.add(target);
                    } catch (IOException e) {
                        // dangling: nothing there to hide
                    }
                }
            });
        } catch (IOException e) {
            // what was found so far
        }
        return out;
    }
}
