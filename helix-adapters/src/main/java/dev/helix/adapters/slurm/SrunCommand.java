package dev.helix.adapters.slurm;

import dev.helix.core.port.Executor.Request;
import dev.helix.core.spec.Spec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The srun command line that runs an evaluation as a Slurm job with the spec's run.slurm options,
 * and the job name, unique to the evaluation, that Helix finds and cancels the job by.
 */
record SrunCommand(Spec.SlurmSpec options) {

    /** The srun command line for {@code request}, submitted as {@code jobName}. */
    List<String> line(Request request, String jobName) {
        // setsid: a Ctrl-C in Helix's terminal must not reach srun (it would forward it to the job
        // on its own terms); Helix ends the job itself, with scancel.
        List<String> cmd = new ArrayList<>(List.of("setsid", "srun", "--job-name=" + jobName,
                "--chdir=" + request.workdir().toAbsolutePath(), "--ntasks=1", "--kill-on-bad-exit=1"));
        Duration timeout = request.timeout();
        if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
            long minutes = (timeout.toSeconds() + 59) / 60 + 1; // the backstop: Helix ends it first
            cmd.add("--time=" + minutes);
        }
        SessionJobs.marker(request.env()).ifPresent(m -> cmd.add("--comment=" + m));
        options.partition().ifPresent(p -> cmd.add("--partition=" + p));
        if (options.cpus() > 0) cmd.add("--cpus-per-task=" + options.cpus());
        options.mem().ifPresent(m -> cmd.add("--mem=" + m));
        options.gres().ifPresent(g -> cmd.add("--gres=" + g));
        cmd.addAll(options.extraArgs());
        cmd.addAll(List.of("sh", "-c", request.command()));
        return cmd;
    }

    /** "helix-TAG-EXPERIMENT-xxxxxxxx" from the evaluation's variables, unique to the evaluation. */
    static String jobName(Map<String, String> env) {
        StringBuilder name = new StringBuilder("helix-");
        for (String key : List.of("HELIX_TAG", "HELIX_EXPERIMENT")) {
            String v = env.get(key);
            if (v != null && !v.isBlank()) name.append(v.replaceAll("[^A-Za-z0-9_.-]", "_")).append('-');
        }
        return name.append(UUID.randomUUID().toString(), 0, 8).toString();
    }
}
