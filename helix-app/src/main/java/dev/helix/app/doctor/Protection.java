package dev.helix.app.doctor;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.Sandbox;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.core.port.LedgerStore;
import dev.helix.core.spec.SandboxMode;
import dev.helix.core.spec.Spec;
import java.util.Map;
import java.util.Optional;

/**
 * The doctor's line on what protects a session from a hostile proposer on this machine: how
 * evaluations are contained, which sandbox {@code helix run} would use (run.sandbox on this
 * machine), and whether the ledger holds records Helix did not write.
 */
final class Protection {
    private Protection() {}

    static Check check(LedgerStore.Contents ledger, Map<String, String> env, Optional<Spec> spec) {
        String title = "Protection against the proposer";
        String contained = LocalExecutor.containment().equals("subreaper")
                ? "evaluations run under a child subreaper (every process they start ends with them)"
                : "evaluations are found by process group and an environment marker only (no Perl or prctl here),"
                        + " so a process that leaves the session and clears its environment outlives them";
        SandboxMode mode = spec.map(s -> s.run().sandbox()).orElse(SandboxMode.AUTO);
        Sandbox.Finding sandbox = mode == SandboxMode.NONE ? null : Sandbox.find(env);
        String unconfined = "proposers and evaluations run with your rights, checked around each proposal (git hooks and config,"
                + " the ledger) but not confined";
        String confined = mode == SandboxMode.NONE ? "sandbox: none (run.sandbox: none): " + unconfined
                : sandbox.usable() ? "sandbox: bubblewrap (run.sandbox: " + mode.word() + "): the CLI agents, command proposers and"
                        + " evaluations of helix run see the repository read-only, write only their worktree, and do not see .helix/"
                        + " or the hold-out's data"
                : "sandbox: none (" + sandbox.words() + "; " + sandbox.fix() + " to confine them): " + unconfined;
        long forged = ledger.warnings().stream().filter(w -> w.contains(FileLedgerStore.FORGED)).count();
        String message = contained + "; " + confined;
        if (forged > 0) {
            return Check.fail("protection", title, forged + " record" + (forged == 1 ? " in the ledger was" : "s in the ledger were")
                    + " not written by Helix (every reader leaves them out); " + message,
                    "see which lines: helix status names them; remove them from .helix/experiments.jsonl once you know what wrote them");
        }
        // auto without bubblewrap is what most machines have (and all but Linux): said, not warned about
        if (mode == SandboxMode.BWRAP && !sandbox.usable()) {
            return Check.fail("protection", title, message + "; run.sandbox: bwrap, so helix run will not start",
                    sandbox.fix() + ", or set run.sandbox: auto");
        }
        if (!LocalExecutor.containment().equals("subreaper")) {
            return Check.warn("protection", title, message, "install Perl, so that no process of an evaluation outlives it");
        }
        return Check.pass("protection", title, message);
    }
}
