package dev.helix.app.finalizing;

import dev.helix.app.Workspace;
import dev.helix.core.report.ReportModel;
import dev.helix.core.result.FinalResult;
import dev.helix.core.result.FinalSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The result summary {@code helix finalize} leaves under .helix/runs/TAG/: final.md for people and
 * final.html, the section {@code helix report --format html} shows. Each is replaced whole, so a
 * reader never sees half of one.
 */
public final class FinalFiles {
    private FinalFiles() {}

    /** .helix/runs/TAG/final.md */
    public static Path markdown(Workspace workspace, String tag) {
        return workspace.helixDir().resolve("runs").resolve(tag).resolve("final.md");
    }

    static Path html(Workspace workspace, String tag) {
        return workspace.helixDir().resolve("runs").resolve(tag).resolve("final.html");
    }

    /** Writes both files of {@code result}. */
    static void write(Workspace workspace, FinalResult result) {
        replace(markdown(workspace, result.tag()), FinalSummary.markdown(result));
        replace(html(workspace, result.tag()), FinalSummary.html(result));
    }

    /** What the last finalize of session {@code tag} wrote, when it wrote both files. */
    public static Optional<ReportModel.Finalized> read(Workspace workspace, String tag) {
        return Workspace.readIfExists(markdown(workspace, tag))
                .flatMap(md -> Workspace.readIfExists(html(workspace, tag)).map(html -> new ReportModel.Finalized(md, html)));
    }

    private static void replace(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
