package dev.helix.app.run;

import dev.helix.adapters.git.GitDirSnapshot;
import dev.helix.adapters.git.HiddenFiles;
import dev.helix.adapters.process.Bubblewrap;
import dev.helix.adapters.process.Sandbox;
import dev.helix.app.AppException;
import dev.helix.app.holdout.HoldoutHomes;
import dev.helix.core.port.Confinement;
import dev.helix.core.spec.Holdout;
import dev.helix.core.spec.SandboxMode;
import dev.helix.core.spec.Spec;
import java.io.IOException;
import dev.helix.adapters.store.FileLedgerStore;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * run.sandbox for a session of {@code helix run}: whether its proposers and evaluations run in
 * bubblewrap, what the sandbox hides (.helix/, the hold-out's from_dir, the hold-out runs' private
 * directories), and the line that says so at the start.
 */
public final class SessionSandbox {

    /** The confinement a session uses, and the line that says which and why. */
    public record Settled(Confinement confinement, String said) {}

    private SessionSandbox() {}

    /** Refuses (exit 2) a spec that asks for bubblewrap where it cannot work, saying what is missing and the fix. */
    static void require(Spec spec, Map<String, String> env) {
        if (spec.run().sandbox() != SandboxMode.BWRAP) return;
        Sandbox.Finding found = Sandbox.find(env);
        if (!found.usable()) {
            throw AppException.usage("sandbox_unavailable", spec.source() + ": run.sandbox: bwrap, but " + found.words(),
                    found.fix() + "; or set run.sandbox: auto (bubblewrap where it works, else none) or none");
        }
    }

    /** The sandbox of a session in {@code repo} with {@code spec}, on this machine. */
    public static Settled settle(Path repo, Path helixDir, Spec spec, Map<String, String> env) {
        SandboxMode mode = spec.run().sandbox();
        if (mode == SandboxMode.NONE) {
            return new Settled(Confinement.NONE, "sandbox: none (run.sandbox: none): proposers and evaluations run with your "
                    + "rights, checked around each proposal");
        }
        Sandbox.Finding found = Sandbox.find(env);
        if (!found.usable()) {
            if (mode == SandboxMode.BWRAP) require(spec, env); // the machine changed since the start's checks
            return new Settled(Confinement.NONE, "sandbox: none (" + found.words() + "; " + found.fix()
                    + "): proposers and evaluations run with your rights, checked around each proposal");
        }
        Bubblewrap bwrap = new Bubblewrap(found.bwrap().orElseThrow(), repo, GitDirSnapshot.commonDir(repo), helixDir,
                hidden(repo, spec, env));
        boolean slurm = !spec.run().executor().equals("local");
        return new Settled(bwrap, "sandbox: bubblewrap (run.sandbox: " + mode.word() + "): proposers"
                + (slurm ? "" : " and evaluations") + " see the repository read-only, write only their worktree, and do not see "
                + ".helix/" + (spec.evaluate().holdout().isPresent() ? " or the hold-out's data" : "")
                + (slurm ? "; evaluations run as Slurm jobs, outside it" : ""));
    }

    /**
     * What no confined process may see: the hold-out's from_dir, the directories of hold-out runs
     * (now and to come), the ledger keys and the resident Helix's directory.
     */
    static List<Path> hidden(Path repo, Spec spec, Map<String, String> env) {
        List<Path> hidden = new ArrayList<>();
        spec.evaluate().holdout().map(Holdout::source).ifPresent(source -> {
            if (source instanceof Holdout.Directory d) hidden.add(HiddenFiles.directory(repo, d));
        });
        HoldoutHomes.parent().ifPresent(hidden::add);
        // the keys that sign ledger records: a proposer that read one could sign a forged record
        hidden.add(FileLedgerStore.keyDirectory());
        // the resident Helix's socket and token: it reads the ledger, outside the sandbox, for whoever holds the token
        Optional.ofNullable(env.get("XDG_RUNTIME_DIR")).filter(d -> !d.isBlank()).map(d -> Path.of(d, "helix")).ifPresent(hidden::add);
        Optional.ofNullable(env.get("HOME")).filter(d -> !d.isBlank()).map(d -> Path.of(d, ".cache", "helix")).ifPresent(hidden::add);
        // those of an older Helix, or of one whose own directory was not safe, directly in the temporary directory
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(temp, "helix-holdout-*")) {
            for (Path d : dirs) if (Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) hidden.add(d);
        } catch (IOException | RuntimeException e) {
            // nothing to add from an unreadable temporary directory
        }
        return hidden;
    }
}
