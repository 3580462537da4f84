package dev.helix.app.run;

import dev.helix.adapters.process.CpuSets;
import dev.helix.app.AppException;
import dev.helix.core.spec.Isolation;
import dev.helix.core.spec.Spec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * run.isolation: cpus made concrete: each worker's slot a CPU set of its own, disjoint from the
 * others'. Without run.slots the CPUs this process may use are split evenly among the workers; CPU
 * slots the user lists are used as they are once they are found disjoint. Each record names its
 * slot ("cpu 0-3"), so the ledger says where every evaluation ran.
 */
public final class Pinning {

    private Pinning() {}

    /** The run with one CPU slot per worker under isolation cpus; any other run as it is. */
    public static Spec.RunSpec slots(Spec.RunSpec run, String source, List<Integer> allowed) {
        if (run.isolation() != Isolation.CPUS) return run;
        if (!run.executor().equals("local")) {
            throw AppException.usage("bad_isolation", source + ": run.isolation: cpus pins evaluations on this machine, but run.executor is "
                    + run.executor(), "give the job its CPUs with run.slurm.cpus, or use run.isolation: none");
        }
        if (!run.slots().isEmpty()) return checked(run, source);
        if (allowed.size() < run.workers()) {
            throw AppException.usage("too_few_cpus", source + ": run.isolation: cpus needs a CPU per worker: " + run.workers()
                    + " workers, " + allowed.size() + " CPU(s) (" + CpuSets.format(allowed) + ")",
                    "run at most " + allowed.size() + " workers (--workers " + allowed.size() + "), or use run.isolation: exclusive");
        }
        return run.withSlots(CpuSets.split(allowed, run.workers()).stream().map(c -> "cpu:" + c).toList());
    }

    private static Spec.RunSpec checked(Spec.RunSpec run, String source) {
        Set<Integer> seen = new HashSet<>();
        List<Integer> twice = new ArrayList<>();
        for (String slot : run.slots()) {
            String t = slot.strip().replace(" ", "");
            if (!t.startsWith("cpu:")) {
                throw AppException.usage("bad_isolation", source + ": run.isolation: cpus, but run.slots lists '" + slot
                        + "', which is not a CPU set", "list CPU sets (\"cpu:0-3\") or no slots (the CPUs are split among the workers)");
            }
            for (int cpu : CpuSets.parse(t.substring(4))) {
                if (!seen.add(cpu)) twice.add(cpu);
            }
        }
        if (!twice.isEmpty()) {
            throw AppException.usage("bad_isolation", source + ": run.isolation: cpus, but run.slots gives CPU "
                    + CpuSets.format(twice.stream().distinct().sorted().toList()) + " to more than one slot",
                    "make the CPU sets disjoint, or list no slots (the CPUs are split among the workers)");
        }
        return run;
    }
}
