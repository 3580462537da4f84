package dev.helix.adapters.slurm;

import dev.helix.adapters.process.Waits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The jobs of a session, marked by the comment {@code helix-session=ID}, and the cancelling of
 * those a run killed with -9 left behind.
 */
final class SessionJobs {

    /** The variable that names an evaluation's session (set by the session for every evaluation). */
    static final String SESSION_VARIABLE = "HELIX_SESSION";
    /** How long {@link #cancelMarked} waits for squeue before it takes Slurm as unreachable. */
    static final Duration CANCEL_MARKED_LIMIT = Duration.ofSeconds(3);
    private static final String MARKER_PREFIX = "helix-session=";
    private static final String CANCELLABLE = "PENDING,RUNNING,SUSPENDED,CONFIGURING";
    private static final long PAUSE_MILLIS = 100;

    private SessionJobs() {
    }

    /** The job comment that marks an evaluation of session {@code id}: {@code helix-session=ID}. */
    static String marker(String sessionId) {
        return MARKER_PREFIX + sessionId;
    }

    /** The marker of the session the evaluation belongs to, from its HELIX_SESSION variable. */
    static Optional<String> marker(Map<String, String> env) {
        String id = env.get(SESSION_VARIABLE);
        return id == null || id.isBlank() ? Optional.empty() : Optional.of(marker(id.strip()));
    }

    /**
     * {@link SlurmExecutor#cancelMarked(String)} with the Slurm clients run in {@code env} (PATH,
     * SLURM_CONF).
     */
    static int cancelMarked(String sessionId, Map<String, String> env) {
        if (sessionId == null || sessionId.isBlank()) throw new IllegalArgumentException("need a session id");
        if (!SlurmClient.present(env)) return 0;
        List<String> ids = markedJobs(marker(sessionId.strip()), CANCELLABLE, CANCEL_MARKED_LIMIT, env);
        if (ids.isEmpty()) return 0;
        List<String> cancel = new ArrayList<>(List.of("scancel"));
        cancel.addAll(ids);
        SlurmClient.run(cancel, SlurmClient.COMMAND_LIMIT, env);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        long lastCancel = System.nanoTime();
        while (System.nanoTime() < deadline) {
            List<String> left = markedJobs(marker(sessionId.strip()), CANCELLABLE + ",COMPLETING",
                    SlurmClient.COMMAND_LIMIT, env);
            left.retainAll(ids);
            if (left.isEmpty()) break;
            if (System.nanoTime() - lastCancel > TimeUnit.SECONDS.toNanos(3)) { // a lost request
                List<String> again = new ArrayList<>(List.of("scancel"));
                again.addAll(left);
                SlurmClient.run(again, SlurmClient.COMMAND_LIMIT, env);
                lastCancel = System.nanoTime();
            }
            Waits.sleep(PAUSE_MILLIS);
        }
        return ids.size();
    }

    /** Ids of this user's jobs in those states with that comment (none when squeue fails). */
    private static List<String> markedJobs(String marker, String states, Duration limit, Map<String, String> env) {
        Optional<String> out = SlurmClient.run(List.of("squeue", "--me", "-h", "-t", states, "-o", "%i|%k"), limit, env);
        List<String> ids = new ArrayList<>();
        if (out.isEmpty()) return ids;
        for (String line : out.get().split("\n")) {
            int bar = line.indexOf('|');
            if (bar <= 0) continue;
            if (line.substring(bar + 1).strip().equals(marker)) ids.add(line.substring(0, bar).strip());
        }
        return ids;
    }
}
