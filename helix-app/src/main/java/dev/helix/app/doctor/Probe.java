package dev.helix.app.doctor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The doctor's look at outside programs (git, sinfo): run once with a timeout, the answer or
 * nothing. A check that cannot ask says so; it never fails the doctor itself.
 */
final class Probe {
    private Probe() {}

    /** A git command's output in {@code dir} when it succeeds within a minute; empty otherwise. */
    static Optional<String> git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        return command(dir, Duration.ofSeconds(60), command.toArray(String[]::new));
    }

    /** A command's output when it exits 0 in time; empty otherwise. */
    static Optional<String> command(Path dir, Duration timeout, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            for (String v : List.of("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")) pb.environment().remove(v);
            Process p = pb.start();
            StringBuilder out = new StringBuilder();
            Thread reader = Thread.ofVirtual().start(() -> {
                try {
                    out.append(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException ignored) {
                    // The exit code decides.
                }
            });
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            reader.join(timeout.toMillis());
            return p.exitValue() == 0 ? Optional.of(out.toString().strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
