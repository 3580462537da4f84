package dev.helix.adapters.install;

import dev.helix.adapters.process.CallerEnvironment;

import java.nio.file.Path;
import java.util.Map;

/**
 * The user's home directory as the agent CLIs resolve it: {@code $HOME} first, the JVM's
 * {@code user.home} only when HOME is unset or blank.
 *
 * <p>The JVM reads {@code user.home} from the password database, not from HOME, so with
 * {@code HOME=/tmp/h} the two differ; every agent CLI (and git, npm, ...) reads HOME, and a file
 * meant for them must land where they look.
 */
public final class UserHome {
    private UserHome() {}

    /** The home directory of the environment {@code env}. */
    public static Path of(Map<String, String> env) {
        String home = env.get("HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Path.of(System.getProperty("user.home"));
    }

    /** The home directory of this process's environment. */
    public static Path current() {
        return of(CallerEnvironment.current());
    }
}
