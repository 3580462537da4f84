package dev.helix.app;

/**
 * A use case's failure as the user meets it: what went wrong, what to do about it, a stable code
 * for programs, and its kind. The command line turns the kind into an exit code.
 */
public final class AppException extends RuntimeException {

    /** Whether the user must fix something first, or a retry may get past it. */
    public enum Kind {
        /** Bad input or configuration: fix it before trying again. */
        USAGE,
        /** A failure at run time that a retry may get past. */
        RUNTIME
    }

    private final Kind kind;
    private final String code;
    private final String suggestion;

    private AppException(Kind kind, String code, String message, String suggestion) {
        super(message);
        this.kind = kind;
        this.code = code;
        this.suggestion = suggestion;
    }

    /** Bad input: the user must fix something before trying again. */
    public static AppException usage(String code, String message, String suggestion) {
        return new AppException(Kind.USAGE, code, message, suggestion);
    }

    /** A failure at run time that a retry may get past. */
    public static AppException runtime(String code, String message, String suggestion) {
        return new AppException(Kind.RUNTIME, code, message, suggestion);
    }

    public Kind kind() {
        return kind;
    }

    public String code() {
        return code;
    }

    public String suggestion() {
        return suggestion;
    }
}
