package dev.helix.app.doctor;

import dev.helix.adapters.process.LocalExecutor;
import dev.helix.adapters.process.Sandbox;
import dev.helix.adapters.store.FileLedgerStore;
import dev.helix.core.port.LedgerStore;
import java.util.Map;

/**
 * The doctor's line on what protects a session from a hostile proposer on this machine: how
 * evaluations are contained, whether a sandbox is there, and whether the ledger holds records
 * Helix did not write.
 */
final class Protection {
    private Protection() {}

    static Check check(LedgerStore.Contents ledger, Map<String, String> env) {
        String title = "Protection against the proposer";
        String contained = LocalExecutor.containment().equals("subreaper")
                ? "evaluations run under a child subreaper (every process they start ends with them)"
                : "evaluations are found by process group and an environment marker only (no Perl or prctl here),"
                        + " so a process that leaves the session and clears its environment outlives them";
        Sandbox.Finding sandbox = Sandbox.find(env);
        String confined = "no sandbox: proposers and evaluations run with your rights, checked around each proposal"
                + " (git hooks and config, the ledger) but not confined (" + sandbox.words() + ")";
        long forged = ledger.warnings().stream().filter(w -> w.contains(FileLedgerStore.FORGED)).count();
        String message = contained + "; " + confined;
        if (forged > 0) {
            return Check.fail("protection", title, forged + " record" + (forged == 1 ? " in the ledger was" : "s in the ledger were")
                    + " not written by Helix (every reader leaves them out); " + message,
                    "see which lines: helix status names them; remove them from .helix/experiments.jsonl once you know what wrote them");
        }
        if (!LocalExecutor.containment().equals("subreaper")) {
            return Check.warn("protection", title, message, "install Perl, so that no process of an evaluation outlives it");
        }
        return Check.pass("protection", title, message);
    }
}
