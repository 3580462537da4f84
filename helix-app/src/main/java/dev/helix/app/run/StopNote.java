package dev.helix.app.run;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Why a session last stopped, kept in {@code .helix/runs/<tag>/stopped.txt} for readers in other
 * processes ({@code helix ui}): the ledger holds experiments, not the end of the loop.
 */
public final class StopNote {
    private StopNote() {}

    /** Where session {@code tag} of {@code repo} keeps its note. */
    public static Path file(Path repo, String tag) {
        return repo.resolve(".helix/runs").resolve(tag).resolve("stopped.txt");
    }

    /** Writes the note whole (write, then rename); a note that cannot be written is not worth failing a finished session for. */
    public static void write(Path file, String reason) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, reason.strip() + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            // the dashboard then shows no stop reason
        }
    }

    /** The note, when there is one. */
    public static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
