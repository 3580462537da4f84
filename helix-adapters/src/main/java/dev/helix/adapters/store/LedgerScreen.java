package dev.helix.adapters.store;

import dev.helix.core.experiment.Experiment;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * What one read of the ledger lets through: a record Helix did not write (its MAC does not match
 * the key; or it has no MAC where Helix had already signed) and a second record of the same run
 * and attempt of a session are left out, each with a warning naming its line. Readers (best,
 * status, log, report) so never count them.
 */
final class LedgerScreen {
    /** The words every warning about a record Helix did not write has, for those who count them. */
    static final String FORGED = "was not written by Helix";

    private final LedgerSigner signer;
    private final String shownAs;
    private final boolean ordered;
    private final Set<String> seen = new HashSet<>();
    private final Set<String> signedTags = new HashSet<>();
    private final Map<String, String> lastMac = new HashMap<>();
    private boolean signedSeen;

    /**
     * @param ordered the lines come in file order (false: backwards, where neither the chain nor
     *                "unsigned after signed" can be checked)
     */
    LedgerScreen(LedgerSigner signer, String shownAs, boolean ordered) {
        this.signer = signer;
        this.shownAs = shownAs;
        this.ordered = ordered;
    }

    /** Whether the record decoded from line {@code number} is read; otherwise why not goes to {@code warn}. */
    boolean admit(int number, String text, Experiment e, BiConsumer<Integer, String> warn) {
        LedgerSigner.Verdict v = signer.verify(text);
        String where = "line " + number + " of " + shownAs;
        switch (v.kind()) {
            case FORGED -> {
                warn.accept(number, where + " " + FORGED + " (its MAC does not match this repository's key); it is ignored");
                return false;
            }
            case LEGACY -> {
                if (ordered && (signedSeen || signedTags.contains(e.tag()))) {
                    warn.accept(number, where + " " + FORGED + " (it has no MAC, and Helix signs every record it writes); it is ignored");
                    return false;
                }
            }
            case GENUINE, UNCHECKED -> {
                signedSeen = true;
                signedTags.add(e.tag());
                if (ordered && v.kind() == LedgerSigner.Kind.GENUINE && !v.prev().equals(lastMac.getOrDefault(e.tag(), ""))) {
                    warn.accept(number, where + ": the record before it in session " + e.tag()
                            + " is missing or out of order (the chain of MACs breaks)");
                }
                lastMac.put(e.tag(), v.mac());
            }
        }
        if (!seen.add(e.tag() + "\0" + e.run() + "\0" + e.attempt())) {
            warn.accept(number, where + " repeats run " + e.run() + (e.attempt() > 0 ? " (attempt " + e.attempt() + ")" : "")
                    + " of session " + e.tag() + "; only the first is read");
            return false;
        }
        return true;
    }
}
