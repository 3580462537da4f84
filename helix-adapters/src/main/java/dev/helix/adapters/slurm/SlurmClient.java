package dev.helix.adapters.slurm;

import dev.helix.adapters.process.Waits;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Slurm client command (squeue, sacct, scancel), run bounded in time: its stdout, or nothing.
 * Every query Helix makes of the controller goes through here, so a controller that stops
 * answering can hold no worker forever.
 */
final class SlurmClient {

    /** How long one client command may take before the controller counts as not answering. */
    static final Duration COMMAND_LIMIT = Duration.ofSeconds(15);

    private SlurmClient() {
    }

    /** Runs a Slurm client command; its stdout, or empty when it failed or took too long. */
    static Optional<String> run(List<String> cmd) {
        return run(cmd, COMMAND_LIMIT, null);
    }

    /**
     * Runs a Slurm client command for at most {@code limit}: its stdout, or empty when it failed,
     * could not start (Slurm not installed) or took too long (the controller not answering: squeue
     * retries for 9 s, 60 s without its config). Its output is read on another thread, so a client
     * that hangs without closing its stdout cannot hold the caller past the limit. {@code env}, if
     * not null, is the client's whole environment (else Helix's own).
     */
    static Optional<String> run(List<String> cmd, Duration limit, Map<String, String> env) {
        Process p;
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            if (env != null) {
                builder.environment().clear();
                builder.environment().putAll(env);
            }
            p = builder.start();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (InputStream in = p.getInputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // destroyed on a timeout: the result is empty anyway
            }
        });
        if (!Waits.join(p, limit)) {
            p.destroyForcibly();
            Waits.join(p, Duration.ofSeconds(1));
            return Optional.empty();
        }
        Waits.join(reader, Duration.ofSeconds(2));
        if (reader.isAlive() || p.exitValue() != 0) return Optional.empty(); // a grandchild holds stdout
        return Optional.of(out.toString(StandardCharsets.UTF_8));
    }

    /** Whether squeue is on the PATH and the configuration SLURM_CONF names (if it names one) exists. */
    static boolean present(Map<String, String> env) {
        String conf = env.get("SLURM_CONF");
        if (conf != null && !conf.isBlank() && !Files.isRegularFile(Path.of(conf))) return false;
        String path = env.get("PATH");
        if (path == null) return false;
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "squeue"))) return true;
        }
        return false;
    }
}
