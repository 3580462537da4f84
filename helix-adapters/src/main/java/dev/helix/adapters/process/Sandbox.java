package dev.helix.adapters.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What this machine offers to confine a proposer or an evaluation to its worktree: bubblewrap
 * ({@code bwrap}) when it is installed and user namespaces work. Helix does not run proposers or
 * evaluations in it yet; {@code helix doctor} says what is there, so a user knows what is in
 * force (the checks around each proposal) and what is not (a confinement by the kernel).
 */
public final class Sandbox {
    private Sandbox() {}

    /** What was found, in words, and whether bubblewrap could confine a process here. */
    public record Finding(boolean usable, String words) {}

    /** Looks for bwrap on the PATH of {@code env} and tries it once (a namespace of its own, the root read-only). */
    public static Finding find(Map<String, String> env) {
        if (!Programs.onPath("bwrap", env)) {
            return new Finding(false, "bubblewrap is not installed" + namespaces());
        }
        try {
            Process p = new ProcessBuilder("bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--unshare-user", "--unshare-pid", "true")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            boolean ended = Waits.join(p, Duration.ofSeconds(10));
            if (ended && p.exitValue() == 0) return new Finding(true, "bubblewrap works here (user namespaces available)");
            return new Finding(false, "bubblewrap is installed but cannot make a namespace here"
                    + (out.isEmpty() ? "" : " (" + out.lines().findFirst().orElse("") + ")") + namespaces());
        } catch (IOException e) {
            return new Finding(false, "bubblewrap did not start: " + e.getMessage());
        }
    }

    /** The kernel's settings for unprivileged user namespaces, where they say no. */
    private static String namespaces() {
        String max = read(Path.of("/proc/sys/user/max_user_namespaces"));
        String clone = read(Path.of("/proc/sys/kernel/unprivileged_userns_clone"));
        if ("0".equals(max)) return "; user namespaces are off (user.max_user_namespaces = 0)";
        if ("0".equals(clone)) return "; unprivileged user namespaces are off (kernel.unprivileged_userns_clone = 0)";
        return "";
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }
}
