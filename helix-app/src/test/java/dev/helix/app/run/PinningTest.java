package dev.helix.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.helix.app.AppException;
import dev.helix.core.spec.Isolation;
import dev.helix.core.spec.Spec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** run.isolation: cpus made concrete: a CPU set per worker, disjoint, or a usage error that says what to change. */
class PinningTest {

    private static Spec.RunSpec run(int workers, String executor, List<String> slots, Isolation isolation) {
        return new Spec.RunSpec(workers, executor, slots, Spec.SlurmSpec.DEFAULT, Spec.OnStale.REBASE, List.of(), List.of(),
                Optional.empty(), 5, 1800, isolation, List.of(), null);
    }

    @Test
    void withoutSlotsTheAllowedCpusAreSplitAmongTheWorkers() {
        assertThat(Pinning.slots(run(3, "local", List.of(), Isolation.CPUS), "helix.yaml", List.of(0, 1, 2, 3, 4, 5, 6, 7)).slots())
                .containsExactly("cpu:0-2", "cpu:3-5", "cpu:6-7");
        assertThat(Pinning.slots(run(2, "local", List.of(), Isolation.CPUS), "helix.yaml", List.of(4, 5)).slots())
                .containsExactly("cpu:4", "cpu:5");
    }

    @Test
    void otherIsolationsLeaveTheRunAsItIs() {
        Spec.RunSpec exclusive = run(4, "local", List.of(), Isolation.EXCLUSIVE);
        assertThat(Pinning.slots(exclusive, "helix.yaml", List.of(0))).isSameAs(exclusive);
    }

    @Test
    void disjointCpuSlotsAreKeptAndOverlappingOnesRefused() {
        Spec.RunSpec given = run(2, "local", List.of("cpu:0-1", "cpu:2-3"), Isolation.CPUS);
        assertThat(Pinning.slots(given, "helix.yaml", List.of(0, 1))).isSameAs(given);

        AppException overlap = catchThrowableOfType(AppException.class, () ->
                Pinning.slots(run(2, "local", List.of("cpu:0-2", "cpu:2-3"), Isolation.CPUS), "helix.yaml", List.of(0, 1, 2, 3)));
        assertThat(overlap.getMessage()).isEqualTo("helix.yaml: run.isolation: cpus, but run.slots gives CPU 2 to more than one slot");
        AppException gpus = catchThrowableOfType(AppException.class, () ->
                Pinning.slots(run(2, "local", List.of("0", "1"), Isolation.CPUS), "helix.yaml", List.of(0, 1)));
        assertThat(gpus.getMessage()).contains("lists '0', which is not a CPU set");
    }

    @Test
    void tooFewCpusOrAClusterExecutorIsAUsageErrorWithAFix() {
        AppException few = catchThrowableOfType(AppException.class, () ->
                Pinning.slots(run(3, "local", List.of(), Isolation.CPUS), "helix.yaml", List.of(0, 1)));
        assertThat(few.getMessage()).isEqualTo("helix.yaml: run.isolation: cpus needs a CPU per worker: 3 workers, 2 CPU(s) (0-1)");
        assertThat(few.suggestion()).contains("--workers 2").contains("run.isolation: exclusive");
        AppException slurm = catchThrowableOfType(AppException.class, () ->
                Pinning.slots(run(2, "slurm", List.of(), Isolation.CPUS), "helix.yaml", List.of(0, 1)));
        assertThat(slurm.getMessage()).contains("run.executor is slurm");
        assertThat(slurm.suggestion()).contains("run.slurm.cpus");
    }
}
