package dev.helix.app.finalizing;

import dev.helix.app.OwnedDirectory;
import dev.helix.app.Workspace;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a finalize of one session leaves under .helix/worktrees/.finalize/TAG, removed on its way out:
 * after a success the emptied folder, after an interruption (Ctrl-C, exit 130, which skips the
 * worktrees' own close) also the worktrees still registered. Only Helix's own: a worktree without
 * Helix's marker and a folder not empty stay.
 */
final class FinalizeLeftovers implements AutoCloseable {
    private final Workspace workspace;
    private final Path dir;
    private final Thread onExit;

    /** Watches session {@code tag}'s finalize folder from now until {@link #close}, and at the process's end if that comes first. */
    FinalizeLeftovers(Workspace workspace, String tag) {
        this.workspace = workspace;
        this.dir = workspace.auxiliaryWorktree("finalize", tag, "branch").getParent();
        this.onExit = new Thread(this::remove, "helix-finalize-leftovers");
        Runtime.getRuntime().addShutdownHook(onExit);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException shuttingDown) {
            return; // the hook runs, or ran
        }
        remove();
    }

    private synchronized void remove() {
        if (!Files.isDirectory(dir)) return;
        List<Path> inside;
        try (Stream<Path> s = Files.list(dir)) {
            inside = s.toList();
        } catch (IOException e) {
            return;
        }
        for (Path wt : inside) {
            if (OwnedDirectory.AUXILIARY_WORKTREE.owns(wt)) {
                try {
                    workspace.git().removeWorktree(workspace.repo(), wt);
                } catch (RuntimeException e) {
                    // best effort on the way out: the next finalize of this session replaces it
                }
            }
        }
        deleteIfEmpty(dir);
        deleteIfEmpty(dir.getParent());
    }

    private static void deleteIfEmpty(Path folder) {
        try {
            Files.deleteIfExists(folder);
        } catch (DirectoryNotEmptyException | NoSuchFileException e) {
            // something else is in it (another session's finalize, or the user's): it stays
        } catch (IOException e) {
            // best effort
        }
    }
}
