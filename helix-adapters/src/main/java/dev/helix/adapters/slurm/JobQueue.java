package dev.helix.adapters.slurm;

import dev.helix.adapters.process.Waits;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The controller's view of a job, found by its unique name: squeue while the controller holds
 * the job, sacct once it has let it go.
 */
final class JobQueue {

    private static final long PAUSE_MILLIS = 100;

    private JobQueue() {
    }

    /** squeue's view of the job (all states with {@code all}), if it lists it. */
    static Optional<JobState> query(String jobName, boolean all) {
        List<String> cmd = new ArrayList<>(List.of("squeue", "-h", "--name=" + jobName, "-o", "%i|%j|%T|%N"));
        if (all) cmd.addAll(List.of("-t", "all"));
        return JobState.parse(SlurmClient.run(cmd), jobName);
    }

    /** Whether squeue lists a job of that name as pending, running or completing. */
    static boolean active(String jobName) {
        return query(jobName, false).filter(JobState::active).isPresent();
    }

    /**
     * The job's state once it has ended (COMPLETING waits a little): squeue while the controller
     * still holds it, else sacct (accounting), else sacct -c (the job completion file).
     */
    static Optional<JobState> finalState(String jobName) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        Optional<JobState> s = Optional.empty();
        while (System.nanoTime() < deadline) {
            s = query(jobName, true);
            if (s.isPresent() && !s.get().active()) return s;
            if (s.isEmpty()) break;
            Waits.sleep(PAUSE_MILLIS);
        }
        for (List<String> sacct : List.of(
                List.of("sacct", "-n", "-X", "-P", "--name=" + jobName, "-o", "JobID,JobName,State,NodeList"),
                List.of("sacct", "-c", "-n", "-X", "-P", "--name=" + jobName, "-o", "JobID,JobName,State,NodeList"))) {
            Optional<JobState> a = JobState.parse(SlurmClient.run(sacct), jobName);
            if (a.isPresent()) return a;
        }
        return s;
    }

    /** Asks the controller to cancel the job; whether it did is seen by querying again. */
    static void scancel(String jobName) {
        SlurmClient.run(List.of("scancel", "--name=" + jobName));
    }
}
