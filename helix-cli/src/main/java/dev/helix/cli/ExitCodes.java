package dev.helix.cli;

/** The exit codes of every command. */
public final class ExitCodes {
    public static final int OK = 0;
    /** A runtime failure: a retry may help. */
    public static final int FAILURE = 1;
    /** Usage or configuration error: fix it, don't retry. */
    public static final int USAGE = 2;
    public static final int INTERRUPTED = 130;

    private ExitCodes() {}
}
