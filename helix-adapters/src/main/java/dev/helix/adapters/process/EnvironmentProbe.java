package dev.helix.adapters.process;

import dev.helix.core.experiment.Environment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * Takes this machine's {@link Environment}: the {@link Hardware}, the distribution (/etc/os-release)
 * and kernel, and the output of each run.fingerprint command, run with sh -c in the repository.
 */
public final class EnvironmentProbe {
    /** A fingerprint command that takes longer is cut short: it must not hold up a session's start. */
    static final int TIMEOUT_SECONDS = 30;
    /** More output than this is kept as its head: a fingerprint is for comparing, not archiving. */
    static final int MAX_CHARS = 4000;

    private EnvironmentProbe() {}

    /**
     * The environment now, for session {@code tag}; {@code redact} removes secrets from what the
     * commands printed. Never fails: a command that fails is recorded with its exit code.
     */
    public static Environment detect(String tag, Instant now, Map<String, String> env, List<String> fingerprint, Path dir,
                                     UnaryOperator<String> redact) {
        Hardware h = Hardware.detect(env);
        Map<String, String> outputs = new LinkedHashMap<>();
        for (String command : fingerprint) outputs.put(command, redact.apply(run(command, dir, env)));
        return new Environment(tag, now, h.cpu(), h.cores(), h.memoryBytes(), h.gpus(), h.gpuDriver(),
                os(Path.of("/etc/os-release")), System.getProperty("os.version", ""), outputs);
    }

    /** The distribution's PRETTY_NAME, else the JVM's name for the system. */
    static String os(Path osRelease) {
        try {
            for (String line : Files.readAllLines(osRelease)) {
                if (line.startsWith("PRETTY_NAME=")) return line.substring(12).replaceAll("^\"|\"$", "").strip();
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or no os-release: the JVM's name below
        }
        return System.getProperty("os.name", "") + " " + System.getProperty("os.arch", "");
    }

    /** What {@code command} prints (stdout and stderr), stripped; a failure says how it ended. */
    static String run(String command, Path dir, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            Thread reader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return "timed out after " + TIMEOUT_SECONDS + "s";
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            String text;
            synchronized (out) {
                text = out.toString(StandardCharsets.UTF_8).strip();
            }
            if (text.length() > MAX_CHARS) text = text.substring(0, MAX_CHARS) + "\n[... cut at " + MAX_CHARS + " characters]";
            return p.exitValue() == 0 ? text : "exit " + p.exitValue() + (text.isEmpty() ? "" : ": " + text);
        } catch (IOException e) {
            return "could not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    if (out.size() < MAX_CHARS * 4) out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended or was killed: what was read stands
        }
    }
}
