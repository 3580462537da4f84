package dev.helix.adapters.agents;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An agent's process (a coding-agent CLI or a user's program): started in the worktree, its
 * stdin fed, stdout and stderr collected with bounded memory, and on timeout or interruption
 * killed with everything it started. Public so that each CLI agent's reader of its output
 * (dev.helix.adapters.agents.codex, ...) sees the result.
 */
public final class AgentProcess {
    /** How long the output readers may lag behind the exit (a grandchild may hold the pipes open). */
    private static final Duration DRAIN = Duration.ofSeconds(2);

    /**
     * @param exitCode the exit code, or -1 when it timed out
     * @param stdout the last {@code stdoutCap} bytes of stdout
     * @param stderr the last 64 KiB of stderr
     */
    public record Result(int exitCode, boolean timedOut, String stdout, String stderr) {}

    private AgentProcess() {}

    /**
     * Runs {@code command} to its end or {@code timeout} (zero or negative: none).
     *
     * @throws IOException when it cannot start
     * @throws InterruptedException when the calling thread is interrupted; the process tree is killed first
     */
    public static Result run(List<String> command, Path dir, Map<String, String> env, byte[] stdin, Duration timeout,
                      Duration grace, int stdoutCap) throws IOException, InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
        pb.environment().putAll(env);
        Process process = pb.start();
        // stdin, stdout and stderr each on their own thread: a large request or a chatty agent
        // must not block the other side, nor our clock
        Thread writer = Thread.ofVirtual().start(() -> {
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            } catch (IOException ignored) {
                // the agent need not read its input
            }
        });
        Tail out = new Tail(stdoutCap);
        Tail err = new Tail(64 << 10);
        Thread outReader = Thread.ofVirtual().start(() -> out.drain(process.getInputStream()));
        Thread errReader = Thread.ofVirtual().start(() -> err.drain(process.getErrorStream()));
        boolean finished;
        try {
            if (timeout.isNegative() || timeout.isZero()) {
                process.waitFor();
                finished = true;
            } else {
                finished = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            kill(process.toHandle(), Duration.ZERO);
            throw e;
        }
        if (!finished) kill(process.toHandle(), grace);
        outReader.join(DRAIN);
        errReader.join(DRAIN);
        writer.join(DRAIN);
        return new Result(finished ? process.exitValue() : -1, !finished, out.text(), err.text());
    }

    /**
     * Ends a process and everything it started: SIGTERM, up to {@code grace}, then SIGKILL. The
     * descendants are listed before the root dies, since orphans no longer show as descendants.
     */
    public static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new ArrayList<>();
        tree.add(root);
        tree.addAll(root.descendants().toList());
        if (!grace.isZero()) {
            tree.forEach(ProcessHandle::destroy);
            long deadline = System.nanoTime() + grace.toNanos();
            while (System.nanoTime() < deadline && tree.stream().anyMatch(ProcessHandle::isAlive)) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        List<ProcessHandle> rest = new ArrayList<>(tree);
        for (ProcessHandle h : tree) if (h.isAlive()) rest.addAll(h.descendants().toList());
        rest.forEach(ProcessHandle::destroyForcibly);
    }

    /** Keeps the last bytes of a stream, so an endless talker costs bounded memory. */
    private static final class Tail {
        private final int cap;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Tail(int cap) {
            this.cap = cap;
        }

        void drain(InputStream in) {
            byte[] chunk = new byte[8192];
            try (in) {
                for (int n; (n = in.read(chunk)) >= 0; ) {
                    synchronized (this) {
                        buffer.write(chunk, 0, n);
                        if (buffer.size() > 2 * cap) {
                            byte[] all = buffer.toByteArray();
                            buffer.reset();
                            buffer.write(all, all.length - cap, cap);
                        }
                    }
                }
            } catch (IOException ignored) {
                // the stream closes when the process is killed
            }
        }

        synchronized String text() {
            byte[] all = buffer.toByteArray();
            int from = Math.max(0, all.length - cap);
            return new String(all, from, all.length - from, StandardCharsets.UTF_8);
        }
    }
}
