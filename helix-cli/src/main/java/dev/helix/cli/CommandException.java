package dev.helix.cli;

/**
 * A failure a command reports to the user: what went wrong, what to do about it, and the exit code
 * (1 runtime failure, a retry may help; 2 usage or configuration, fix it first; 130 interrupted).
 */
public final class CommandException extends RuntimeException {
    private final String code;
    private final String suggestion;
    private final int exitCode;

    private CommandException(int exitCode, String code, String message, String suggestion) {
        super(message);
        this.code = code;
        this.suggestion = suggestion;
        this.exitCode = exitCode;
    }

    /** Bad input: the user must fix something before trying again (exit 2). */
    public static CommandException usage(String code, String message, String suggestion) {
        return new CommandException(ExitCodes.USAGE, code, message, suggestion);
    }

    /** A failure at run time that a retry may get past (exit 1). */
    public static CommandException runtime(String code, String message, String suggestion) {
        return new CommandException(ExitCodes.FAILURE, code, message, suggestion);
    }

    public String code() {
        return code;
    }

    public String suggestion() {
        return suggestion;
    }

    public int exitCode() {
        return exitCode;
    }
}
