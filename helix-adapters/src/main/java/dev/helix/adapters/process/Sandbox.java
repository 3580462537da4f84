package dev.helix.adapters.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What this machine offers to confine a proposer or an evaluation to its worktree: bubblewrap
 * ({@code bwrap}) when it is installed and can make a user and a mount namespace here (root
 * included: without a user namespace of its own, a root process keeps the capabilities that undo
 * the sandbox). {@code run.sandbox: auto} uses it where {@link #find} says it works
 * ({@link Bubblewrap}); {@code helix doctor} says which holds.
 */
public final class Sandbox {
    private Sandbox() {}

    /**
     * What was found, in words, and whether bubblewrap could confine a process here.
     *
     * @param bwrap the program, when it was found on the PATH
     * @param fix what would make it work, when it does not
     */
    public record Finding(boolean usable, String words, java.util.Optional<Path> bwrap, String fix) {}

    /** Looks for bwrap on the PATH of {@code env} and tries it once, as a session would run it. */
    public static Finding find(Map<String, String> env) {
        java.util.Optional<Path> bwrap = Programs.locate("bwrap", env);
        if (bwrap.isEmpty()) {
            return new Finding(false, "bubblewrap is not installed" + namespaces(), bwrap,
                    "install bubblewrap (apt-get install bubblewrap, dnf install bubblewrap)");
        }
        try {
            List<String> probe = new java.util.ArrayList<>(List.of(bwrap.get().toString(), "--die-with-parent"));
            probe.addAll(Bubblewrap.ISOLATION);
            probe.addAll(List.of("--dev-bind", "/", "/", "--ro-bind", "/", "/", "--", "true"));
            Process p = new ProcessBuilder(probe)
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            boolean ended = Waits.join(p, Duration.ofSeconds(10));
            if (ended && p.exitValue() == 0) return new Finding(true, "bubblewrap works here", bwrap, "");
            if (!ended) p.destroyForcibly();
            return new Finding(false, "bubblewrap is installed but cannot make a namespace here"
                    + (out.isEmpty() ? "" : " (" + out.lines().findFirst().orElse("") + ")") + namespaces(), bwrap,
                    "enable unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1 and "
                            + "user.max_user_namespaces > 0), or allow them to the container Helix runs in");
        } catch (IOException e) {
            return new Finding(false, "bubblewrap did not start: " + e.getMessage(), bwrap, "reinstall bubblewrap");
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
