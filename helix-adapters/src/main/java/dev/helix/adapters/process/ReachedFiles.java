package dev.helix.adapters.process;

import dev.helix.core.metric.MetricFile;
import dev.helix.core.port.Confinement;
import dev.helix.core.port.Executor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The files outside its worktree that a confined evaluation is given: those Helix names to it in
 * its environment. The metric file does not exist before the evaluation (a planted one must not
 * pass for its own), so it is made empty for the sandbox to bind, and removed again when the
 * evaluation wrote nothing into it.
 */
final class ReachedFiles {
    private ReachedFiles() {}

    /** The files outside the worktree Helix names to the command: the metric file to write, the log to parse. */
    static Confinement.Reach of(Executor.Request request) {
        List<Path> writable = Optional.ofNullable(request.env().get(MetricFile.VARIABLE)).map(Path::of).stream().toList();
        List<Path> readable = Optional.ofNullable(request.env().get("HELIX_LOG")).map(Path::of).stream().toList();
        return new Confinement.Reach(writable, readable);
    }

    /** Makes the (absent) file empty, so that a sandbox can bind it; the file, when this made it. */
    static Optional<Path> made(String path) {
        if (path == null) return Optional.empty();
        try {
            return Optional.of(Files.createFile(Path.of(path)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // there already (then it is bound as it is) or cannot be made (then out of reach)
        }
    }

    /** Removes the file made for the command when the command wrote nothing into it: no file then, as without a sandbox. */
    static void removeIfEmpty(Path file) {
        try {
            if (Files.isRegularFile(file) && Files.size(file) == 0) Files.delete(file);
        } catch (IOException e) {
            // left empty: read as an empty metric file
        }
    }
}
