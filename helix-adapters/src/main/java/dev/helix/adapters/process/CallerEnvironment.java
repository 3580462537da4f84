package dev.helix.adapters.process;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The environment of the user who called Helix: the JVM's own, or, while a resident Helix answers a
 * call, the caller's, so that git, secrets and key paths see what a cold call would have seen.
 *
 * <p>A resident Helix answers one call at a time, so one process-wide slot is enough and every thread a
 * command starts (a git stream pump, say) sees the same caller.
 */
public final class CallerEnvironment {
    private static volatile Map<String, String> caller;

    private CallerEnvironment() {
    }

    /** The caller's environment: the one set for the call in progress, else this process's. */
    public static Map<String, String> current() {
        Map<String, String> env = caller;
        return env != null ? env : System.getenv();
    }

    /** The caller's environment when it is not this process's own (a resident Helix answering a call). */
    public static Optional<Map<String, String>> override() {
        return Optional.ofNullable(caller);
    }

    /** Runs {@code call} as if this process had been started with {@code env}. */
    public static synchronized <T> T with(Map<String, String> env, Supplier<T> call) {
        caller = Map.copyOf(env);
        try {
            return call.get();
        } finally {
            caller = null;
        }
    }
}
