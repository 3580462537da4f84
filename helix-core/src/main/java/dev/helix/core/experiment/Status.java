package dev.helix.core.experiment;

import java.util.Locale;

/** What became of an experiment. */
public enum Status {
    BASELINE, KEEP, DISCARD, CRASH, REJECTED, INTERRUPTED, STALE,
    /** A re-run of an earlier experiment's commit (helix verify), under that experiment's run number. */
    VERIFY;

    /** As written in the ledger: lower case. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Status parse(String word) {
        return valueOf(word.trim().toUpperCase(Locale.ROOT));
    }

    /** Whether the session branch points at this experiment's commit after it (baseline or keep). */
    public boolean advances() {
        return this == BASELINE || this == KEEP;
    }
}
