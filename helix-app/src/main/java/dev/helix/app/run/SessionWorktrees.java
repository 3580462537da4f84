package dev.helix.app.run;

import dev.helix.core.port.Repository;
import dev.helix.core.session.Direction;
import dev.helix.core.session.Lane;
import dev.helix.core.session.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A session's worktrees: the session's own on its branch, one more per extra worker. Each is made
 * afresh or taken over from a killed run, so every step can be cut short and redone.
 */
final class SessionWorktrees {
    private final RunSession.Prepared p;
    private final Repository git;

    SessionWorktrees(RunSession.Prepared p) {
        this.p = p;
        this.git = p.workspace().git();
    }

    /**
     * Creates the session's worktree, or takes over the one a killed run left; returns the commit a
     * fresh baseline measures.
     */
    String prepare() {
        Path wt = p.worktree();
        Optional<String> branch = git.resolve(p.repo(), p.branchRef());
        String start = branch.orElseGet(() -> git.resolve(p.repo(), "HEAD").orElseThrow());
        worktreeAt(wt, start);
        if (branch.isPresent()) return start;
        // helix.yaml and program.md may be new or edited in the user's copy: the session carries them.
        List<String> carried = new ArrayList<>();
        for (String file : List.of(p.specPath(), "program.md")) {
            Path source = p.repo().resolve(file);
            if (!Files.isRegularFile(source)) continue;
            try {
                byte[] mine = Files.readAllBytes(source);
                Path target = wt.resolve(file);
                if (!Files.exists(target) || !Arrays.equals(mine, Files.readAllBytes(target))) {
                    Files.createDirectories(target.getParent());
                    Files.write(target, mine);
                    carried.add(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!carried.isEmpty()) {
            start = git.commit(wt, carried, "helix(" + p.tag() + "): session spec (" + String.join(", ", carried) + ")");
        }
        git.updateRef(p.repo(), p.branchRef(), start);
        return start;
    }

    /** The workers: the first in the session's worktree, the others in worktrees of their own, made (or taken over) here. */
    List<Lane> lanes(String start, String program) {
        int workers = p.spec().run().workers();
        List<Optional<Direction>> directions = Direction.forWorkers(p.spec().run().directions(), program, workers);
        List<Lane> lanes = new ArrayList<>();
        for (int k = 1; k <= workers; k++) {
            Path wt = p.worktree(k);
            if (k > 1) worktreeAt(wt, start);
            lanes.add(new Lane(k, wt, directions.get(k - 1)));
        }
        // A resumed session with fewer workers than before: the extra worktrees go.
        Path extra = p.worktree(workers + 1).getParent();
        for (int k = workers + 1; Files.isDirectory(extra.resolve("w" + k)); k++) {
            if (git.hasWorktree(p.repo(), extra.resolve("w" + k))) git.removeWorktree(p.repo(), extra.resolve("w" + k));
            deleteTree(extra.resolve("w" + k));
        }
        return lanes;
    }

    /** The other workers' worktrees hold nothing the refs do not: they go, so W copies do not pile up. */
    void removeWorkers(List<Lane> lanes) {
        for (Lane lane : lanes) {
            if (lane.worker() > 1) git.removeWorktree(p.repo(), lane.worktree());
        }
    }

    /** A worktree at {@code commit}: the one there (a killed run's), or made afresh. */
    private void worktreeAt(Path wt, String commit) {
        if (git.hasWorktree(p.repo(), wt)) {
            git.reset(wt, commit, List.of());
        } else {
            deleteTree(wt); // a half-made worktree of a killed run
            git.addWorktree(p.repo(), wt, commit);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
