package dev.helix.app.finalizing;

import dev.helix.app.Workspace;
import dev.helix.core.report.FinalTally;
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
 * The result summary {@code helix finalize} leaves under .helix/runs/TAG/: final.md for people,
 * final.html, the section {@code helix report --format html} shows, and final.json, its counts for
 * programs ({@link FinalTally}). Each is replaced whole, so a reader never sees half of one.
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

    /** .helix/runs/TAG/final.json */
    public static Path json(Workspace workspace, String tag) {
        return workspace.helixDir().resolve("runs").resolve(tag).resolve("final.json");
    }

    /** Writes both files of {@code result}. */
    static void write(Workspace workspace, FinalResult result) {
        replace(markdown(workspace, result.tag()), FinalSummary.markdown(result));
        replace(html(workspace, result.tag()), FinalSummary.html(result));
        replace(json(workspace, result.tag()), FinalSummary.tally(result).json());
    }

    /** What the last finalize of session {@code tag} wrote, when it wrote both files. */
    public static Optional<ReportModel.Finalized> read(Workspace workspace, String tag) {
        return Workspace.readIfExists(markdown(workspace, tag))
                .flatMap(md -> Workspace.readIfExists(html(workspace, tag)).map(html -> new ReportModel.Finalized(md, html, tally(workspace, tag))));
    }

    /** The counts of the last finalize of session {@code tag}; empty before one, or from a finalize that wrote none. */
    public static Optional<FinalTally> tally(Workspace workspace, String tag) {
        return Workspace.readIfExists(json(workspace, tag)).flatMap(FinalTally::parse);
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
