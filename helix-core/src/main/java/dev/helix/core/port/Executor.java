package dev.helix.core.port;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Runs an evaluation command under a wall-clock budget. The implementation owns the whole process
 * tree: on timeout or interruption nothing the command started survives.
 */
public interface Executor {

    /**
     * Runs {@code request} to completion, timeout or interruption. If the calling thread is
     * interrupted the command is killed and the result says {@code interrupted}; the thread's
     * interrupt flag is then set again.
     */
    Result run(Request request);

    /**
     * @param command a shell command line (run with sh -c)
     * @param env added to the inherited environment
     * @param log where the (capped) output goes
     * @param cpus a CPU list (Linux syntax, "0-3,8") the command is pinned to; empty: any CPU. A
     *             cluster executor leaves placement to its scheduler and ignores it.
     */
    record Request(String command, Path workdir, Duration timeout, Map<String, String> env, Path log,
                   java.util.Optional<String> cpus, java.util.Set<String> unset) {
        public Request {
            env = Map.copyOf(env);
            cpus = cpus == null ? java.util.Optional.empty() : cpus;
            unset = unset == null ? java.util.Set.of() : java.util.Set.copyOf(unset);
        }

        /** A request that keeps Helix's whole environment. */
        public Request(String command, Path workdir, Duration timeout, Map<String, String> env, Path log,
                       java.util.Optional<String> cpus) {
            this(command, workdir, timeout, env, log, cpus, java.util.Set.of());
        }

        public Request(String command, Path workdir, Duration timeout, Map<String, String> env, Path log) {
            this(command, workdir, timeout, env, log, java.util.Optional.empty());
        }
    }

    /**
     * @param exitCode the command's exit code, or -1 when it was killed or could not start
     * @param output the output as kept (head and tail when capped), for metric parsing
     * @param bytes how many bytes of output the command wrote in all
     * @param error why the command could not start, or empty
     */
    record Result(int exitCode, boolean timedOut, boolean interrupted, double seconds, String output,
                  long bytes, String error) {

        /**
         * The most a tail holds: it goes into a ledger row, a prompt and every status call, and one
         * line can be megabytes (a progress bar redrawn with \r is a single line).
         */
        public static final int TAIL_CHARS = 8192;

        /** The last {@code n} lines of the output, at most {@link #TAIL_CHARS} characters of them (the end is kept). */
        public String tail(int n) {
            String[] lines = output.split("\n", -1);
            int end = lines.length;
            if (end > 0 && lines[end - 1].isEmpty()) end--;
            int from = Math.max(0, end - n);
            String tail = String.join("\n", java.util.Arrays.asList(lines).subList(from, end));
            if (tail.length() <= TAIL_CHARS) return tail;
            int start = tail.length() - TAIL_CHARS;
            if (Character.isLowSurrogate(tail.charAt(start))) start++;
            return "[... " + start + " characters cut]" + tail.substring(start);
        }
    }
}
