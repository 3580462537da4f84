package dev.helix.adapters.slurm;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A Slurm job as squeue or sacct reports it: its id, its state (RUNNING, COMPLETED, TIMEOUT, ...)
 * and the nodes it ran on.
 */
record JobState(String id, String state, String nodes) {

    /** States that end an evaluation without a result of its own. */
    static final Set<String> CRASH_STATES = Set.of("TIMEOUT", "OUT_OF_MEMORY", "NODE_FAIL", "CANCELLED", "PREEMPTED",
            "BOOT_FAIL", "DEADLINE");
    private static final Set<String> ACTIVE_STATES = Set.of("PENDING", "CONFIGURING", "RUNNING", "COMPLETING",
            "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD",
            "REQUEUE_FED", "REQUEUE_HOLD", "SPECIAL_EXIT");

    /** Whether the job is still pending, running or completing (not yet ended). */
    boolean active() {
        return ACTIVE_STATES.contains(state);
    }

    /** Whether the job has begun to run (it is past waiting in the queue). */
    boolean started() {
        return !state.equals("PENDING") && !state.equals("CONFIGURING");
    }

    /**
     * The last "id|name|STATE|nodes" line of the job ("CANCELLED by 0" is CANCELLED). The name is
     * checked: sacct -c ignores --name and lists every job.
     */
    static Optional<JobState> parse(Optional<String> out, String jobName) {
        if (out.isEmpty()) return Optional.empty();
        JobState last = null;
        for (String line : out.get().split("\n")) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length < 3 || f[0].isBlank() || !f[1].strip().equals(jobName)) continue;
            String state = f[2].strip().split(" ")[0].toUpperCase(Locale.ROOT);
            last = new JobState(f[0].strip(), state, f.length > 3 ? f[3].strip() : "");
        }
        return Optional.ofNullable(last);
    }
}
