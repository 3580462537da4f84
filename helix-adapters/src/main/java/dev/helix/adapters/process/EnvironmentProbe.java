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
    /**
     * More output than this is kept as its head and the hash of the whole: a fingerprint is for
     * comparing, not archiving, but a pip freeze of a large environment, whose changed line verify
     * names, fits.
     */
    static final int MAX_CHARS = 64 * 1024;

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
            Captured out = new Captured();
            Thread reader = Thread.ofVirtual().start(() -> copy(p.getInputStream(), out));
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                return "timed out after " + TIMEOUT_SECONDS + "s";
            }
            reader.join(TimeUnit.SECONDS.toMillis(5));
            String text;
            synchronized (out) {
                text = shown(out.head.toByteArray(), out.bytes, out.digest.digest());
            }
            return p.exitValue() == 0 ? text : "exit " + p.exitValue() + (text.isEmpty() ? "" : ": " + text);
        } catch (IOException e) {
            return "could not start: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * The output as recorded: the text, its head when longer than {@link #MAX_CHARS} with the hash of
     * all of it (so that a change past the head still differs: pip freeze runs to thousands of
     * characters), or, for bytes that are not text, their count and hash.
     */
    static String shown(byte[] head, long bytes, byte[] sha256) {
        String hash = java.util.HexFormat.of().formatHex(sha256, 0, 8);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(head)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            // a head cut inside a character is still text: only bytes that are not UTF-8 before it make it binary
            text = bytes > head.length ? lenient(head) : null;
        }
        if (text == null || text.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) {
            return "binary output: " + bytes + " bytes, sha256 " + hash;
        }
        text = text.strip();
        if (text.length() <= MAX_CHARS && bytes == head.length) return text;
        return text.substring(0, Math.min(MAX_CHARS, text.length())) + "\n[... cut at " + MAX_CHARS + " characters; all "
                + bytes + " bytes: sha256 " + hash + "]";
    }

    /** The text of a head that may end inside a character; null when it is not UTF-8 before that. */
    private static String lenient(byte[] head) {
        for (int cut = 1; cut <= 3 && cut < head.length; cut++) {
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(head, 0, head.length - cut)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                // try a shorter head
            }
        }
        return null;
    }

    /** What a fingerprint command printed: its first bytes, how many in all, and the hash of all of them. */
    private static final class Captured {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        final java.security.MessageDigest digest;
        long bytes;

        Captured() {
            try {
                digest = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-256", e);
            }
        }
    }

    private static void copy(InputStream in, Captured out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) > 0) {
                synchronized (out) {
                    int room = MAX_CHARS * 4 - out.head.size();
                    if (room > 0) out.head.write(buf, 0, Math.min(room, n));
                    out.digest.update(buf, 0, n);
                    out.bytes += n;
                }
            }
        } catch (IOException e) {
            // the process ended or was killed: what was read stands
        }
    }
}
