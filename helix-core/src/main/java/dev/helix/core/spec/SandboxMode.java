package dev.helix.core.spec;

import java.util.Locale;

/**
 * run.sandbox: whether the session's proposers and evaluations run confined to their worktree.
 * {@link #AUTO} becomes bubblewrap where this machine can run it, else none; which one holds is
 * decided at the session's start, where the machine is known.
 */
public enum SandboxMode {
    /** Bubblewrap where it works here, else none (said at the start). */
    AUTO,
    /** Bubblewrap, or the session does not start. */
    BWRAP,
    /** No sandbox: proposers and evaluations run with the user's rights, checked around each proposal. */
    NONE;

    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
